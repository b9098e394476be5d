import AppModel

/// Prefers clusters well inside the latency budget: 100 × (1 − worst latency to a user zone ÷ budget).
/// Apps without a budget get 100 × (1 − latency ÷ 100 ms), so nearer is still better. Latency is measured
/// (telemetry) when present, else the inventory's. Without a known latency to any user zone: neutral, 50.
public struct LatencyMarginScore: ScorePlugin {
    public let name = "latencyMargin"
    /// The scale used when an app states no budget, in milliseconds.
    public static let referenceMilliseconds = 100.0
    public init() {}

    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let budget = app.app.latencyBudgetMilliseconds ?? Self.referenceMilliseconds
        let fleet = state.fleet
        for c in clusters {
            var worst = -Double.infinity
            for z in app.userZones where z >= 0 {
                let latency = fleet.latency(c, z)
                if !latency.isNaN && latency > worst { worst = latency }
            }
            guard worst > -Double.infinity else {
                scores.add(50, "no user zone: latency neutral")
                continue
            }
            scores.add(
                min(100, max(0, 100 * (1 - worst / budget))), Self.detail(app, worst, budget, state.clusterList[c]))
        }
    }

    private static func detail(_ app: PreparedApp, _ worst: Double, _ budget: Double, _ cluster: ClusterSpec) -> String
    {
        let zones = app.app.userZones.joined(separator: ",")
        let source =
            cluster.telemetry?.latencyMilliseconds.isEmpty == false
            ? " (measured, \(cluster.telemetry?.sources["latency"] ?? "telemetry"))" : ""
        return "latency \(Format.ms(worst))\(source) to \(zones) within \(Format.ms(budget)) budget"
    }
}
