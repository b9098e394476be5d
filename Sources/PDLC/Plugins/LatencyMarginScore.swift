import AppModel

/// Prefers clusters well inside the latency budget: 100 × (1 − worst latency to a user zone ÷ budget).
/// Apps without a budget get 100 × (1 − latency ÷ 100 ms), so nearer is still better.
public struct LatencyMarginScore: ScorePlugin {
    public let name = "latencyMargin"
    /// The scale used when an app states no budget, in milliseconds.
    public static let referenceMilliseconds = 100.0
    public init() {}

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        let latencies = app.userZones.compactMap { cluster.latency(to: $0) }
        guard let worst = latencies.max() else { return PluginScore(50, "no user zone: latency neutral") }
        let budget = app.latencyBudgetMilliseconds ?? Self.referenceMilliseconds
        let zones = app.userZones.joined(separator: ",")
        return PluginScore(
            100 * (1 - worst / budget),
            "latency \(Format.ms(worst)) to \(zones) within \(Format.ms(budget)) budget")
    }
}
