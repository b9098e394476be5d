import AppModel
import Foundation
import PDLC
import Testing

@testable import EdgeSim

/// The `agv-factory` scenario and the fleet simulator behind `placer-lab bench quality`.
@Suite struct AGVFactoryScenarioTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example repo, loaded with Placer's presets.
    static func exampleSnapshot() throws -> RepoSnapshot {
        let folder = packageRoot.appendingPathComponent("policies")
        var presets: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
            presets[String(name.dropLast(5))] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        let files = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        let snapshot = RepoLoader.load(files: files, presets: presets)
        try #require(snapshot.allErrors.isEmpty, "example repo errors: \(snapshot.allErrors)")
        return snapshot
    }

    static func trace() throws -> LoadTrace {
        try LoadTrace.load(path: packageRoot.appendingPathComponent("bench/traces/google2019-cpu.csv").path)
    }

    /// 10:00–12:00 of the factory day: the hall-2-edge outage (10:20–11:00) falls inside.
    static func morning(seed: UInt64 = 7) throws -> SimulationScenario {
        let snapshot = try exampleSnapshot()
        return try AGVFactoryScenario.make(
            apps: snapshot.apps, clusters: snapshot.clusters, trace: try trace(), seed: seed, minutes: 120,
            startMinuteOfDay: 10 * 60)
    }

    // MARK: scenario

    @Test func scalesTheExampleAppsAndSchedulesTheDaysEvents() throws {
        let snapshot = try Self.exampleSnapshot()
        let day = try AGVFactoryScenario.make(apps: snapshot.apps, clusters: snapshot.clusters, trace: try Self.trace())
        #expect(AGVFactoryScenario.controllersPerHall == 5)
        #expect(day.apps.count == 3 * 5 + 2 + 5)
        #expect(
            day.apps.filter { $0.app.name.hasPrefix("agv-controller-hall-2") }.map(\.app.name) == [
                "agv-controller-hall-2", "agv-controller-hall-2-2", "agv-controller-hall-2-3",
                "agv-controller-hall-2-4",
                "agv-controller-hall-2-5",
            ])
        let copy = try #require(day.apps.first { $0.app.name == "agv-controller-hall-2-3" }?.app)
        #expect(copy.appName == "agv-controller-hall-2-3")
        #expect(copy.cpuCores == 1)
        // Capacity binds: at peak a hall's own controllers nearly fill its 8-core edge cluster, without exceeding it.
        for hall in 1...3 {
            let controllers = day.apps.filter { $0.app.name.hasPrefix("agv-controller-hall-\(hall)") }
            let peak = (0..<1440).map { minute in controllers.map { $0.demand(at: minute) }.reduce(0, +) }.max() ?? 0
            #expect(peak > 0.65 * 8 && peak < 8, "hall-\(hall) controllers peak at \(peak) cores")
        }
        #expect(day.outages == [ClusterOutage(cluster: "hall-2-edge", start: 620, end: 660)])
        #expect(day.degradedLinks.map { [$0.start, $0.end] } == [[900, 990]])
        let fleet = try #require(day.apps.first { $0.app.name == "fleet-manager" })
        #expect(fleet.userZones(at: 3 * 60) == ["hall-3"])
        #expect(fleet.userZones(at: 8 * 60) == ["hall-1", "hall-2"])
        #expect(fleet.userZones(at: 15 * 60) == ["hall-2", "hall-3"])
        // A hall-1 controller works hard in the early shift and idles at night.
        let controller = try #require(day.apps.first { $0.app.name == "agv-controller-hall-1" })
        let early = (7 * 60..<13 * 60).map { controller.demand(at: $0) }.reduce(0, +) / 360
        let night = (0..<5 * 60).map { controller.demand(at: $0) }.reduce(0, +) / 300
        #expect(early > 2 * night, "early \(early), night \(night)")
    }

    @Test func siteSelectorsKeepHallAppsInThePlantOnly() throws {
        let snapshot = try Self.exampleSnapshot()
        let day = try AGVFactoryScenario.make(
            apps: snapshot.apps, clusters: snapshot.clusters, trace: .flat, minutes: 10, siteSelectors: true)
        let selected = day.apps.filter { !$0.app.clusterSelector.isEmpty }.map(\.app.name)
        #expect(selected.count == 15 + 2 + 3, "\(selected)")
        #expect(day.apps.first { $0.app.name == "fleet-manager" }?.app.clusterSelector == [Labels.site: "plant-a"])
        #expect(!selected.contains("digital-twin"))
        #expect(!selected.contains("batch-analytics"))
    }

    @Test func aSeededRunIsDeterministic() throws {
        let simulator = FleetSimulator(scenario: try Self.morning())
        let policy = try Self.exampleSnapshot().policy
        for strategy in BaselineCatalog.all(policy: policy, seed: 3) {
            let first = simulator.run(strategy)
            let second = simulator.run(strategy)
            #expect(first == second, "\(strategy.name)")
            #expect(first.detail.appMinutes == 22 * 120)
        }
        // A different seed draws other trace series and noise, so demand differs.
        let other = try Self.morning(seed: 8)
        #expect(other.apps.map { $0.demand(at: 30) } != (try Self.morning()).apps.map { $0.demand(at: 30) })
    }

    @Test func theOutageCostsAStayPutStrategyMoreThanOneThatEvacuates() throws {
        let simulator = FleetSimulator(scenario: try Self.morning())
        let stayPut = simulator.run(GreedyStrategy(evacuates: false))
        let evacuating = simulator.run(GreedyStrategy(evacuates: true))
        // Greedy puts the five hall-2 controllers on hall-2-edge; down for 40 minutes they lose 200 app-minutes.
        #expect(stayPut.detail.downMinutes == 5 * 40)
        // The evacuating rule sees the failed scrape a minute late, decides on the next even minute, and the
        // move takes 2 minutes: 4 minutes each.
        #expect(evacuating.detail.downMinutes == 5 * 4)
        #expect(evacuating.slaViolationMinutes < stayPut.slaViolationMinutes)
        #expect(stayPut.migrationsPerAppHour == 0)
        #expect(evacuating.detail.migrations >= 5)
    }

    // MARK: metrics on a hand-checkable fleet

    /// Two 4-core clusters `a` and `b` (1 ms to their own zone, 10 ms to the other's); app `x` (2 cores,
    /// users in a) and `y` (3 cores, users in b), both with a 5 ms budget; an hour, one-minute steps, no delays.
    static func tiny() -> SimulationScenario {
        func cluster(_ name: String, other: String, price: Double) -> ClusterSpec {
            ClusterSpec(
                name: name, labels: [Labels.site: "plant"], zone: name, cpuCores: 4, memoryBytes: 8 * 1_073_741_824,
                latencyMilliseconds: [name: 1, other: 10], energyCostPerCoreHour: price)
        }
        func app(_ name: String, cores: Double, zone: String) -> SimulatedApp {
            let app = Application(
                name: name, appName: name, sourceFile: "apps/\(name)/app.yaml", qosClass: .gold, cpuCores: cores,
                memoryBytes: 1_073_741_824, latencyBudgetMilliseconds: 5, userZones: [zone], manifests: [],
                sourceDigest: name)
            return SimulatedApp(app: app, demandCores: Array(repeating: cores, count: 60))
        }
        return SimulationScenario(
            clusters: [cluster("a", other: "b", price: 0.06), cluster("b", other: "a", price: 0.03)],
            apps: [app("x", cores: 2, zone: "a"), app("y", cores: 3, zone: "b")], minutes: 60,
            tariff: [TariffPeriod(site: "plant", fromMinuteOfDay: 30, toMinuteOfDay: 60, multiplier: 2)],
            timing: SimulationTiming(evaluationIntervalMinutes: 1, applyDelayMinutes: 0, warmupMinutes: 0))
    }

    @Test func metricsOfAnOverpackedCluster() {
        let metrics = FleetSimulator(scenario: Self.tiny()).run(ScriptedStrategy(steps: [0: ["x": "a", "y": "a"]]))
        // 5 cores on 4: both apps saturated all hour; y is also 10 ms from its users.
        #expect(metrics.slaViolationMinutes == 120)
        #expect(metrics.detail.saturatedMinutes == 120)
        #expect(metrics.detail.latencyMinutes == 60)
        #expect(metrics.p95LatencyMs == 10)
        // 4 cores (capped) × 0.06 EUR/core-h for 30 min, then × 0.12 for 30 min.
        #expect(abs(metrics.energy - (4 * 0.06 / 2 + 4 * 0.12 / 2)) < 1e-9)
        // Utilisation 1.25 and 0: mean 0.625, deviation 0.625.
        #expect(abs(metrics.loadCV - 1) < 1e-9)
        #expect(metrics.migrationsPerAppHour == 0)
    }

    @Test func metricsOfAMoveHalfwayThrough() {
        let metrics = FleetSimulator(scenario: Self.tiny())
            .run(ScriptedStrategy(steps: [0: ["x": "a", "y": "b"], 30: ["x": "a", "y": "a"]]))
        #expect(metrics.slaViolationMinutes == 60)
        #expect(metrics.detail.latencyMinutes == 30)
        // x: 60 × 1 ms; y: 30 × 1 ms then 30 × 10 ms; rank ⌈0.95 × 120⌉ = 114 of 120 is a 10.
        #expect(metrics.p95LatencyMs == 10)
        // First half 2 × 0.06 + 3 × 0.03 per hour; second half 4 cores × 0.12.
        #expect(abs(metrics.energy - ((2 * 0.06 + 3 * 0.03) / 2 + 4 * 0.12 / 2)) < 1e-9)
        // Utilisations 0.5 and 0.75 (CV 0.2), then 1.25 and 0 (CV 1).
        #expect(abs(metrics.loadCV - 0.6) < 1e-9)
        #expect(metrics.detail.migrations == 1)
        #expect(metrics.migrationsPerAppHour == 0.5)
    }

    @Test func leftOutAppsAreUnplacedAndDecisionsWaitForTheApplyDelay() {
        var scenario = Self.tiny()
        scenario.timing.applyDelayMinutes = 3
        scenario.timing.warmupMinutes = 1
        // Warm-up places both at once; at minute 10 y is dropped, which takes effect at minute 13.
        let metrics = FleetSimulator(scenario: scenario)
            .run(ScriptedStrategy(steps: [-1: ["x": "a", "y": "b"], 10: ["x": "a"]], warmupMinutes: 1))
        #expect(metrics.detail.unplacedMinutes == 60 - 13)
        #expect(metrics.slaViolationMinutes == 47)
        #expect(metrics.detail.migrations == 0)
    }

    @Test func strategiesSeeTheOutageOnlyThroughTelemetryAndTheHub() {
        var scenario = Self.tiny()
        scenario.outages = [ClusterOutage(cluster: "b", start: 10, end: 30)]
        let simulator = FleetSimulator(scenario: scenario)
        var history: [String: ClusterSamples] = [:]
        history["a"] = ClusterSamples(cpuCores: [1, 2], memoryBytes: [3, 4])
        func view(_ minute: Int) -> ClusterSpec? {
            simulator.clusterView(at: minute, history: history).first { $0.name == "b" }
        }
        #expect(view(10)?.telemetry?.nodeReadyFraction == nil, "the scrape at minute 9 still found b up")
        #expect(view(11)?.telemetry?.nodeReadyFraction == 0)
        #expect(view(14)?.available == true)
        #expect(view(15)?.available == false)
        #expect(view(15)?.taints == [FleetSimulator.unreachableTaint])
        #expect(view(31)?.available == true)
        #expect(view(31)?.telemetry?.failuresLast24Hours == 1)
        let a = simulator.clusterView(at: 5, history: history).first { $0.name == "a" }
        #expect(a?.telemetry?.cpuUsedCores == 2)
        #expect(a?.telemetry?.cpuUsedHistory == [1, 2])
    }

    @Test func metricsEncodeAsTheFiveBenchKeys() throws {
        var detail = QualityMetrics.Detail()
        detail.migrations = 3
        let metrics = QualityMetrics(
            slaViolationMinutes: 7, p95LatencyMs: 4.5, energy: 1.25, migrationsPerAppHour: 0.5, loadCV: 0.75,
            detail: detail)
        let data = try JSONEncoder().encode(metrics)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Double])
        #expect(
            object == [
                "slaViolationMinutes": 7, "p95LatencyMs": 4.5, "energy": 1.25, "migrationsPerAppHour": 0.5,
                "loadCV": 0.75,
            ])
        let decoded = try JSONDecoder().decode(QualityMetrics.self, from: data)
        #expect(decoded.slaViolationMinutes == 7 && decoded.loadCV == 0.75 && decoded.detail.migrations == 0)
    }

    // MARK: trace

    @Test func theCommittedTraceIsOneDayOfFourSeriesNormalisedToMeanOne() throws {
        let trace = try Self.trace()
        #expect(trace.stepSeconds == 300)
        #expect(trace.series.count == 4)
        for series in trace.series {
            #expect(series.count == 288)
            #expect(abs(series.reduce(0, +) / 288 - 1) < 1e-9)
        }
    }

    @Test func traceFactorsInterpolateAndWrap() throws {
        let trace = try LoadTrace.parse("# c\noffset_seconds,s\n0,1\n60,3\n", name: "t")
        #expect(trace.series == [[0.5, 1.5]])
        #expect(trace.factor(series: 0, atSeconds: 30) == 1)
        #expect(trace.factor(series: 0, atSeconds: 90) == 1)
        #expect(trace.factor(series: 0, atSeconds: 120) == 0.5)
        #expect(throws: ScenarioError.badTrace(file: "trace", line: 3, message: "expected 2 fields, found 3")) {
            try LoadTrace.parse("offset_seconds,s\n0,1\n60,3,4\n", name: "t")
        }
    }
}

/// Places each app by a fixed script: from a scenario minute on, the placement given for the latest scripted
/// minute (warm-up minutes are negative).
struct ScriptedStrategy: PlacementStrategy {
    let name = "scripted"
    var steps: [Int: [String: String]]
    var warmupMinutes = 0

    mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        let minute = Int(nowSeconds / 60) - warmupMinutes
        return steps.keys.filter { $0 <= minute }.max().flatMap { steps[$0] } ?? current
    }
}

/// First fit by requests, Gold first: for each app the nearest cluster to its users (inventory latency) that the
/// hub reports available, whose nodes are ready, within the app's budget and with cpu room (90 % of allocatable).
/// With `evacuates: false` it never moves a placed app (a "stay-put" rule); otherwise it re-places apps whose
/// cluster is unavailable or not ready.
struct GreedyStrategy: PlacementStrategy {
    var name: String { evacuates ? "greedy-evacuating" : "greedy-stay-put" }
    let evacuates: Bool

    mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        func usable(_ cluster: ClusterSpec) -> Bool { cluster.available && cluster.telemetry?.nodeReadyFraction != 0 }
        var result: [String: String] = [:]
        var used: [String: Double] = [:]
        let ordered = apps.sorted { ($0.qosClass.rank, $0.name) < ($1.qosClass.rank, $1.name) }
        for app in ordered {
            if let here = current[app.name], let cluster = clusters.first(where: { $0.name == here }),
                !evacuates || usable(cluster)
            {
                result[app.name] = here
                used[here, default: 0] += app.cpuCores
            }
        }
        for app in ordered where result[app.name] == nil {
            func distance(_ cluster: ClusterSpec) -> Double {
                app.userZones.map { cluster.latency(to: $0) ?? .infinity }.max() ?? 0
            }
            let fit = clusters.filter { cluster in
                usable(cluster) && distance(cluster) <= (app.latencyBudgetMilliseconds ?? .infinity)
                    && used[cluster.name, default: 0] + app.cpuCores <= 0.9 * cluster.cpuCores
            }.min { (distance($0), $0.name) < (distance($1), $1.name) }
            if let fit {
                result[app.name] = fit.name
                used[fit.name, default: 0] += app.cpuCores
            }
        }
        return result
    }
}
