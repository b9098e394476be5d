import AppModel
import ArgumentParser
import Foundation
import PDLC
import PlacerCLI
import Reconciler

/// `placer-lab bench decide`: wall time and peak memory of PDLC decisions on seeded synthetic fleets, and PDLC's
/// gap to the exact optimum on small instances.
struct DecideBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Time and peak RSS of full and incremental PDLC decisions; optimum gap on small instances.",
        discussion: """
            Fleets come from PDLC's SyntheticFleet (seeded). Rows: a full decision of 1,000 apps × 100 clusters \
            and of 10,000 apps × 1,000 clusters (summary detail: top candidates only, as a large fleet needs), each \
            followed by an incremental one-app decision against that fleet with every other app's capacity held, \
            and last the small fleet again with full explanations (what the Reconciler commits). Time is the best of --runs; peak RSS is VmHWM from \
            /proc/self/status, reset before each row through /proc/self/clear_refs. --optimum instead compares PDLC \
            with the exact optimum (branch and bound) on tight small instances; see docs/benchmarks.md.
            """)

    @Option(help: "Seed of the synthetic fleets.")
    var seed: UInt64 = 1

    @Option(help: "Timed runs per row; the fastest counts.")
    var runs = 3

    @Flag(help: "Skip the 10,000 × 1,000 rows (for debug builds).")
    var small = false

    @Flag(
        help:
            "One-app mode: only the rows of one app decided against a placed fleet (fresh index, index preparation, reused index)."
    )
    var oneApp = false

    @Flag(help: "Measure PDLC's gap to the exact optimum on small tight instances instead of timing.")
    var optimum = false

    @Option(help: "With --optimum: number of seeded instances.")
    var instances = 20

    @Option(help: "With --optimum: apps per instance.")
    var apps = 8

    @Option(help: "With --optimum: clusters per instance.")
    var clusters = 4

    @Option(
        help:
            "With --optimum: CBC's time budget in seconds for the reference on instances too large for exhaustive search."
    )
    var boundBudget = 10.0

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    func validate() throws {
        guard runs > 0, instances > 0, apps > 0, clusters > 0 else {
            throw ValidationError("--runs, --instances, --apps and --clusters must be positive")
        }
    }

    func run() throws {
        let policy = Self.policy()
        if optimum {
            try OptimumGapReport.run(
                policy: policy, seed: seed, instances: instances, apps: apps, clusters: clusters,
                boundBudget: boundBudget, json: json)
            return
        }
        var rows: [DecideRow] = []
        let engine = PlacementEngine.standard()
        let sizes = small ? [(1_000, 100)] : [(1_000, 100), (10_000, 1_000)]
        for (appCount, clusterCount) in sizes {
            let fleet = SyntheticFleet.generate(apps: appCount, clusters: clusterCount, seed: seed)
            var placed: [AppDecision] = []
            rows.append(
                measure("full decision, summary detail", fleet.apps.count, fleet.clusters.count) {
                    placed =
                        engine.decide(
                            apps: fleet.apps, clusters: fleet.clusters, policy: policy, stability: StabilityState(),
                            nowSeconds: 0, detail: .summary
                        ).decisions
                    return placed.filter { $0.cluster != nil }.count
                })
            let fixed = placed.dropFirst().compactMap { decision in
                decision.cluster.map {
                    FixedPlacement(
                        app: decision.app.name, cluster: $0, cpuCores: decision.app.cpuCores,
                        memoryBytes: decision.app.memoryBytes)
                }
            }
            if let first = placed.first {
                rows.append(
                    measure("incremental one-app decision", 1, fleet.clusters.count) {
                        engine.decide(
                            apps: [first.app], clusters: fleet.clusters, policy: policy, fixed: fixed,
                            stability: StabilityState(), nowSeconds: 0, detail: .full
                        ).decisions.filter { $0.cluster != nil }.count
                    })
                // What a reconcile keeps between cycles: the fleet prepared once, then one app decided against it.
                var prepared: PreparedFleet?
                rows.append(
                    measure("prepare fleet index (once)", fleet.apps.count, fleet.clusters.count) {
                        prepared = engine.prepare(clusters: fleet.clusters, policy: policy, apps: fleet.apps)
                        return 0
                    })
                // Summary: the same without the explanation of every refused cluster (top candidates only).
                let details: [(String, DecisionDetail)] = [
                    ("one-app decision, reused index", .full), ("one-app, reused index, summary", .summary),
                ]
                for (label, detail) in details {
                    guard let prepared else { break }
                    rows.append(
                        measure(label, 1, fleet.clusters.count) {
                            engine.decide(
                                apps: [first.app], fleet: prepared, fixed: fixed, stability: StabilityState(),
                                nowSeconds: 0, detail: detail
                            ).decisions.filter { $0.cluster != nil }.count
                        })
                }
            }
        }
        if oneApp {
            try report(rows)
            return
        }
        // Last, since the heap it grows is kept by the allocator and would mask the other rows' peaks.
        let smallFleet = SyntheticFleet.generate(apps: 1_000, clusters: 100, seed: seed)
        rows.append(
            measure("full decision, full detail", smallFleet.apps.count, smallFleet.clusters.count) {
                engine.decide(apps: smallFleet.apps, clusters: smallFleet.clusters, policy: policy).filter {
                    $0.cluster != nil
                }.count
            })
        try report(rows)
    }

    /// Prints `rows` as JSON with `--json`, else the command line and the table (one line a row).
    private func report(_ rows: [DecideRow]) throws {
        if json { return try BenchRun.printJSON(rows) }
        Console.print(
            "placer-lab bench decide\(oneApp ? " --one-app" : "") --seed \(seed) --runs \(runs)\(small ? " --small" : "")"
        )
        Console.print(DecideRow.header)
        for row in rows { Console.print(row.line) }
    }

    /// Runs `body` `runs` times; the fastest time, and the peak RSS over the runs.
    private func measure(_ name: String, _ apps: Int, _ clusters: Int, _ body: () -> Int) -> DecideRow {
        let baseline = Memory.residentBytes()
        Memory.resetPeak()
        var fastest = Double.infinity
        var placed = 0
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            placed = body()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let peak = Memory.peakBytes()
        return DecideRow(
            name: name, apps: apps, clusters: clusters, placed: placed, seconds: fastest,
            peakRSSMebibytes: peak / 1_048_576, growthMebibytes: max(0, peak - baseline) / 1_048_576)
    }

    /// The example repo's policy (the shipped `balanced` preset with its Gold override) when Placer's source
    /// tree is at hand, else a policy weighing every criterion 1.
    static func policy() -> PlacementPolicy {
        guard let tree = SourceTree.locate(), let files = try? RepoFiles.read(directory: tree.exampleRepo) else {
            return PlacementPolicy()
        }
        let snapshot = RepoLoader.load(
            files: files, presets: ReconcilerConfiguration.loadPresets(from: tree.presetsDirectory))
        return snapshot.repoErrors.isEmpty ? snapshot.policy : PlacementPolicy()
    }
}

/// One row of `placer-lab bench decide`.
struct DecideRow: Encodable {
    var name: String
    var apps: Int
    var clusters: Int
    var placed: Int
    var seconds: Double
    var peakRSSMebibytes: Double
    var growthMebibytes: Double

    static let header = "case                              apps  clusters   placed       time   peak RSS   growth"

    var line: String {
        name.padding(toLength: 32, withPad: " ", startingAt: 0)
            + String(
                format: "%6d %9d %8d %9.4f s %7.0f MiB %5.0f MiB", apps, clusters, placed, seconds, peakRSSMebibytes,
                growthMebibytes)
    }
}

/// Resident memory of this process from /proc/self/status (Linux).
enum Memory {
    /// VmRSS in bytes (0 when unreadable).
    static func residentBytes() -> Double { field("VmRSS:") }
    /// VmHWM (peak resident set) in bytes (0 when unreadable).
    static func peakBytes() -> Double { field("VmHWM:") }

    /// Resets VmHWM to the current RSS (`echo 5 > /proc/self/clear_refs`, Linux ≥ 4.0); silently does nothing
    /// where not allowed.
    static func resetPeak() {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        try? handle.write(contentsOf: Data("5".utf8))
        try? handle.close()
    }

    private static func field(_ name: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let number = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return (number.flatMap { Double($0) } ?? 0) * 1024
        }
        return 0
    }
}

/// `placer-lab bench decide --optimum`: every strategy's objective against the exact optimum on seeded tight
/// instances (objective in ``PlacementOptimum``). The peers see each cluster's allocatable less PDLC's reserve,
/// so all rules share the same usable capacity; an app a peer places where a PDLC filter refuses it (latency
/// budget, selector, trust…) scores 0 and is counted as a violation.
enum OptimumGapReport {
    struct Row: Encodable {
        var strategy: String
        /// Mean J over the instances.
        var meanObjective: Double
        /// Mean of (J* − J) / J* in percent.
        var meanGapPercent: Double
        /// Worst instance's gap in percent.
        var worstGapPercent: Double
        /// Instances where the strategy reached J*.
        var optimal: Int
        /// Apps placed where a PDLC filter refuses them, over all instances.
        var violations: Int
        /// Apps left unplaced, over all instances.
        var unplaced: Int
        /// Clusters filled past allocatable × (1 − reserve), over all instances (checked independently).
        var overfull: Int
    }

    /// Largest instance solved by exhaustive branch and bound; larger ones are measured against CBC's bound.
    static func exhaustiveFits(apps: Int, clusters: Int) -> Bool { apps <= 12 && clusters <= 6 }

    static func run(
        policy: PlacementPolicy, seed: UInt64, instances: Int, apps: Int, clusters: Int, boundBudget: Double,
        json: Bool
    ) throws {
        var gaps: [String: [Double]] = [:]
        var objectives: [String: [Double]] = [:]
        var violations: [String: Int] = [:]
        var unplaced: [String: Int] = [:]
        var overfull: [String: Int] = [:]
        let exhaustive = exhaustiveFits(apps: apps, clusters: clusters)
        let reference = exhaustive ? "optimum" : "bound"
        var order: [String] =
            exhaustive ? [reference] : [reference, "cbc-bound", "cbc-\(String(format: "%g", boundBudget))s"]
        var boundUse: [String: Int] = [:]
        var boundLines: [String] = []
        var nodes = 0
        var proven = 0
        var paths: [String: Int] = [:]
        var capped = 0
        var solverGaps: [Double] = []
        let keep = 1 - policy.reservePercent / 100
        for instance in 0..<instances {
            let fleet = SyntheticFleet.generate(
                apps: apps, clusters: clusters, seed: seed &+ UInt64(instance), capacityRatio: 1.15, channels: false)
            let reserved = fleet.clusters.map { cluster in
                var copy = cluster
                copy.cpuCores *= keep
                copy.memoryBytes *= keep
                return copy
            }
            let scores = PlacementOptimum.pairScores(apps: fleet.apps, clusters: fleet.clusters, policy: policy)
            let best: Double
            if exhaustive {
                let result = PlacementOptimum.exhaustive(apps: fleet.apps, clusters: fleet.clusters, policy: policy)
                nodes += result.nodes
                best = result.objective
                unplaced[reference, default: 0] += apps - result.assignment.count
            } else {
                let result = try PlacementOptimum.milp(
                    apps: fleet.apps, clusters: fleet.clusters, policy: policy, budgetSeconds: boundBudget)
                // The reference is the least valid bound: CBC's (root LP with its cuts) or the packing form's
                // by column generation (PackingBound); which one each instance uses is printed.
                let packing = try PlacementOptimum.packingBound(
                    apps: fleet.apps, clusters: fleet.clusters, policy: policy, scores: scores,
                    incumbent: result.assignment)
                best = min(result.bound, packing.bound)
                let used = packing.bound < result.bound ? "packing" : "cbc"
                boundUse[used, default: 0] += 1
                boundLines.append(
                    "instance \(instance): CBC bound \(String(format: "%.2f", result.bound)), packing bound "
                        + String(format: "%.2f", packing.bound)
                        + " (\(packing.converged ? "column generation converged" : "unfinished: Lagrangian bound"), "
                        + "\(packing.iterations) master solves, \(packing.columns) packings); reference: \(used)")
                objectives["cbc-bound", default: []].append(result.bound)
                gaps["cbc-bound", default: []].append(best > 0 ? 100 * (best - result.bound) / best : 0)
                if result.optimal { proven += 1 }
                let name = order[2]
                let check = PlacementOptimum.evaluate(
                    result.assignment, apps: fleet.apps, clusters: fleet.clusters, policy: policy, scores: scores)
                objectives[name, default: []].append(check.objective)
                gaps[name, default: []].append(best > 0 ? 100 * (best - check.objective) / best : 0)
                violations[name, default: 0] += check.violations
                overfull[name, default: 0] += check.overfull ? 1 : 0
                unplaced[name, default: 0] += apps - result.assignment.count
            }
            objectives[reference, default: []].append(best)
            gaps[reference, default: []].append(0)
            // PDLC with each QoS priority of its exact step beside the default (weight), then the peers.
            var strategies: [any PlacementStrategy] = BaselineCatalog.all(policy: policy, seed: seed)
            for (offset, priority) in [ExactQoSPriority.order, .none].enumerated() {
                var variant = policy
                variant.exactQoSPriority = priority
                strategies.insert(PDLCStrategy(policy: variant, name: "pdlc-qos-\(priority.rawValue)"), at: 1 + offset)
            }
            for var strategy in strategies {
                if instance == 0 { order.append(strategy.name) }
                let isPDLC = strategy.name.hasPrefix("pdlc")
                let sees = isPDLC ? fleet.clusters : reserved
                let assignment: [String: String]
                if strategy.name == "pdlc" {
                    // The default policy's decisions, to count which path decided and the gap CBC proved.
                    let decisions = PlacementEngine.standard().decide(
                        apps: fleet.apps, clusters: sees, policy: policy)
                    var placed: [String: String] = [:]
                    for decision in decisions {
                        if let cluster = decision.cluster { placed[decision.app.name] = cluster }
                    }
                    assignment = placed
                    paths[decisions.first?.path.rawValue ?? "none", default: 0] += 1
                    if decisions.first?.solverNote?.contains("wall-clock cap") == true { capped += 1 }
                    if let gap = decisions.first?.solverGapPercent { solverGaps.append(gap) }
                } else {
                    assignment = strategy.place(apps: fleet.apps, clusters: sees, current: [:], nowSeconds: 0)
                }
                let result = PlacementOptimum.evaluate(
                    assignment, apps: fleet.apps, clusters: fleet.clusters, policy: policy, scores: scores)
                objectives[strategy.name, default: []].append(result.objective)
                gaps[strategy.name, default: []].append(
                    best > 0 ? 100 * (best - result.objective) / best : 0)
                violations[strategy.name, default: 0] += result.violations
                overfull[strategy.name, default: 0] += result.overfull ? 1 : 0
                unplaced[strategy.name, default: 0] += apps - assignment.count
            }
        }
        let rows = order.map { name in
            let values = objectives[name] ?? []
            let gap = gaps[name] ?? []
            return Row(
                strategy: name, meanObjective: values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count),
                meanGapPercent: gap.isEmpty ? 0 : gap.reduce(0, +) / Double(gap.count),
                worstGapPercent: gap.max() ?? 0, optimal: gap.filter { $0 < 1e-9 }.count,
                violations: violations[name] ?? 0, unplaced: unplaced[name] ?? 0, overfull: overfull[name] ?? 0)
        }
        if json {
            try BenchRun.printJSON(rows)
            return
        }
        Console.print(
            "placer-lab bench decide --optimum --seed \(seed) --instances \(instances) --apps \(apps) --clusters \(clusters)"
                + (exhaustive
                    ? "  (capacity 1.15 × requests, exhaustive optimum, \(nodes) search nodes)"
                    : " --bound-budget \(String(format: "%g", boundBudget))  (capacity 1.15 × requests, gap to the least "
                        + "valid bound: packing \(boundUse["packing"] ?? 0)/\(instances), CBC "
                        + "\(boundUse["cbc"] ?? 0)/\(instances); CBC proved \(proven)/\(instances) optimal)"))
        for line in boundLines { Console.print(line) }
        Console.print(
            "strategy                 mean J   mean gap   worst gap   optimal   violations   unplaced   overfull")
        for row in rows {
            Console.print(
                row.strategy.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + String(
                        format: "%9.2f %9.2f%% %10.2f%% %6d/%d %12d %10d %10d", row.meanObjective,
                        row.meanGapPercent, row.worstGapPercent, row.optimal, instances, row.violations, row.unplaced,
                        row.overfull))
        }
        let meanSolverGap = solverGaps.isEmpty ? 0 : solverGaps.reduce(0, +) / Double(solverGaps.count)
        Console.print(
            "pdlc paths: " + paths.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + "; wall-clock cap reached \(capped)/\(instances); gap CBC proved in the decision: mean "
                + String(format: "%.2f", meanSolverGap) + " %, worst " + String(format: "%.2f", solverGaps.max() ?? 0)
                + " % (\(solverGaps.count) with a bound)")
    }
}
