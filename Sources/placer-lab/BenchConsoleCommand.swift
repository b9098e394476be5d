import AppModel
import ArgumentParser
import Dashboard
import Foundation
import PDLC
import PlacerCLI
import Reconciler

/// `placer-lab bench console`: server-side render time of the console's apps page and app-detail page over a
/// synthetic fleet, from the same in-memory status and view the daemon's routes read (docs/benchmarks.md).
struct ConsoleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Render time of the console's apps page (per page) and app-detail page at --apps apps.")

    @Option(help: "Apps in the fleet.")
    var apps = 10_000

    @Option(help: "Clusters in the fleet.")
    var clusters = 100

    @Option(help: "Timed renders of each page; the median and the worst are reported.")
    var runs = 50

    @Option(help: "Generator seed.")
    var seed: UInt64 = 1

    func run() throws {
        let fleet = SyntheticFleet.generate(apps: apps, clusters: clusters, seed: seed)
        let policy = DecideBench.policy()
        let engine = PlacementEngine.standard()
        var decisions = engine.decide(
            apps: fleet.apps, clusters: fleet.clusters, policy: policy, stability: StabilityState(), nowSeconds: 0,
            detail: .summary
        ).decisions
        // The detail page's app with the full explanation, as the reconciler keeps it.
        let target = fleet.apps[fleet.apps.count / 2]
        let fixed = decisions.compactMap { decision -> FixedPlacement? in
            guard decision.app.name != target.name, let cluster = decision.cluster else { return nil }
            return FixedPlacement(
                app: decision.app.name, cluster: cluster, cpuCores: decision.app.cpuCores,
                memoryBytes: decision.app.memoryBytes)
        }
        if let full = engine.decide(apps: [target], clusters: fleet.clusters, policy: policy, fixed: fixed).first,
            let index = decisions.firstIndex(where: { $0.app.name == target.name })
        {
            decisions[index] = full
        }
        var repo = RepoLoader.load(files: [:])
        repo.apps = fleet.apps
        repo.clusters = fleet.clusters
        repo.policy = policy
        repo.appDirectories = fleet.apps.map(\.name)
        let revision = String(repeating: "ab", count: 20)
        let view = ConsoleView(
            revision: revision, snapshot: repo,
            decisions: Dictionary(decisions.map { ($0.app.name, $0) }, uniquingKeysWith: { first, _ in first }),
            authorship: [:])
        let now = Date()
        var status = StatusSnapshot()
        status.loop.revision = revision
        for decision in decisions {
            let ready = decision.cluster != nil
            status.apps[decision.app.name] = AppStatusRecord(
                app: decision.app.name, cluster: decision.cluster, phase: ready ? .ready : .unplaced,
                reason: decision.reasons.first ?? "", moved: false,
                conditions: [
                    StatusCondition(
                        type: ConditionType.ready, status: ready ? .true : .false,
                        reason: ready ? ConditionReason.available : ConditionReason.unplaced,
                        message: ready ? "available on \(decision.cluster ?? "")" : "no cluster fits",
                        lastTransitionTime: now)
                ],
                lastDecision: LastDecision(
                    cluster: decision.cluster, outcome: ready ? .placed : .unplaced,
                    reason: decision.reasons.first ?? "", at: now, commit: revision),
                revision: revision)
        }
        let history = (0..<20).map { index in
            PlacementCommit(
                commit: String(format: "%040x", index), subject: "Place \(target.name)", body: "", author: "Placer",
                date: now, byPlacer: true, apps: [target.name])
        }
        let middle = max(1, apps / 50 / 2)
        let cases: [(String, () -> Int)] = [
            (
                "apps page 1 (50 rows)",
                { PlacerConsole.renderAppsPage(snapshot: status, view: view, query: [:]).utf8.count }
            ),
            (
                "apps page \(middle) (50 rows)",
                { PlacerConsole.renderAppsPage(snapshot: status, view: view, query: ["page": "\(middle)"]).utf8.count }
            ),
            (
                "apps search q=app-0 + class filter",
                {
                    PlacerConsole.renderAppsPage(
                        snapshot: status, view: view, query: ["q": "app-0", "class": "Gold"]
                    ).utf8.count
                }
            ),
            (
                "apps page 1 (500 rows)",
                { PlacerConsole.renderAppsPage(snapshot: status, view: view, query: ["per": "500"]).utf8.count }
            ),
            (
                "app detail \(target.name)",
                {
                    PlacerConsole.renderAppPage(app: target.name, snapshot: status, view: view, history: history)?
                        .utf8.count ?? 0
                }
            ),
        ]
        Console.print(
            "placer-lab bench console --apps \(apps) --clusters \(clusters) --runs \(runs) --seed \(seed)")
        Console.print("case                                    bytes    median     worst")
        for (name, body) in cases {
            _ = body()  // warm-up
            var times: [Double] = []
            var bytes = 0
            for _ in 0..<max(1, runs) {
                let start = DispatchTime.now().uptimeNanoseconds
                bytes = body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            Console.print(
                name.padding(toLength: 36, withPad: " ", startingAt: 0)
                    + String(format: "%9d %7.2f ms %7.2f ms", bytes, times[times.count / 2], times.last ?? 0))
        }
    }
}
