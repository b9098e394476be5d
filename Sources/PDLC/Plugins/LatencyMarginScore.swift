import AppModel

/// Prefers clusters well inside the latency budget: 100 × (1 − worst latency to a user zone ÷ budget).
/// Apps without a budget get 100 × (1 − latency ÷ 100 ms), so nearer is still better. Latency is measured
/// (telemetry) when present, else the inventory's.
public struct LatencyMarginScore: ScorePlugin {
    public let name = "latencyMargin"
    /// The scale used when an app states no budget, in milliseconds.
    public static let referenceMilliseconds = 100.0
    public init() {}

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        let latencies = app.userZones.compactMap { cluster.effectiveLatency(to: $0) }
        guard let worst = latencies.max() else { return PluginScore(50, "no user zone: latency neutral") }
        let budget = app.latencyBudgetMilliseconds ?? Self.referenceMilliseconds
        let zones = app.userZones.joined(separator: ",")
        let source = cluster.telemetry?.latencyMilliseconds.isEmpty == false
            ? " (measured, \(cluster.telemetry?.sources["latency"] ?? "telemetry"))" : ""
        return PluginScore(
            100 * (1 - worst / budget),
            "latency \(Format.ms(worst))\(source) to \(zones) within \(Format.ms(budget)) budget")
    }

    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        var worst = -Double.infinity
        for z in app.userZones where z >= 0 {
            let latency = state.fleet.latency(c, z)
            if !latency.isNaN && latency > worst { worst = latency }
        }
        guard worst > -Double.infinity else { return 50 }
        let budget = app.app.latencyBudgetMilliseconds ?? Self.referenceMilliseconds
        return min(100, max(0, 100 * (1 - worst / budget)))
    }
}
