import AppModel
import PDLC

/// A scenario's truth for ``HindsightStrategy``: demand, outages and link latencies read straight from the
/// ``SimulationScenario`` (the future included). Converts the strategy clock (seconds from the start of the
/// warm-up, as ``FleetSimulator/run(_:)`` passes it) to scenario minutes.
public struct ScenarioOracle: HindsightOracle {
    public let simulator: FleetSimulator
    private let apps: [String: SimulatedApp]
    private let clusters: [String: ClusterSpec]

    public init(scenario: SimulationScenario) {
        simulator = FleetSimulator(scenario: scenario)
        apps = Dictionary(scenario.apps.map { ($0.app.name, $0) }, uniquingKeysWith: { a, _ in a })
        clusters = Dictionary(scenario.clusters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public var applyDelaySeconds: Double { Double(simulator.scenario.timing.applyDelayMinutes * 60) }
    public var intervalSeconds: Double { Double(max(1, simulator.scenario.timing.evaluationIntervalMinutes) * 60) }

    /// Scenario minutes covered by strategy-clock seconds `from ..< to` (warm-up minutes read minute 0).
    private func minutes(_ from: Double, _ to: Double) -> ClosedRange<Int> {
        let warmup = max(0, simulator.scenario.timing.warmupMinutes)
        let first = max(0, Int(from / 60) - warmup)
        let last = max(first, min(simulator.scenario.minutes - 1, Int((to - 1) / 60) - warmup))
        return first...max(first, last)
    }

    public func peakDemand(app: String, from: Double, to: Double) -> Double {
        guard let simulated = apps[app] else { return 0 }
        return minutes(from, to).map { simulated.demand(at: $0) }.max() ?? 0
    }

    public func isUp(cluster: String, from: Double, to: Double) -> Bool {
        !minutes(from, to).contains { simulator.isDown(cluster, at: $0) }
    }

    public func worstLatency(app: String, cluster: String, from: Double, to: Double) -> Double? {
        guard let simulated = apps[app], let spec = clusters[cluster] else { return nil }
        var worst = 0.0
        for minute in minutes(from, to) {
            for zone in simulated.userZones(at: minute) {
                guard let value = simulator.latency(from: spec, to: zone, at: minute) else { return nil }
                worst = max(worst, value)
            }
        }
        return worst
    }
}
