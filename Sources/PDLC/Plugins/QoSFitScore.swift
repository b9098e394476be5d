import AppModel

/// Matches QoS class to cluster tier (label `placer.dev/tier`): Gold prefers the edge, BestEffort the cloud,
/// so that scarce edge capacity stays free for the apps that need its latency.
public struct QoSFitScore: ScorePlugin {
    public let name = "qosFit"
    /// Score by QoS class and tier (0…100).
    public static let table: [QoSClass: [String: Double]] = [
        .gold: ["edge": 100, "datacenter": 60, "cloud": 20],
        .silver: ["edge": 60, "datacenter": 100, "cloud": 60],
        .bestEffort: ["edge": 10, "datacenter": 60, "cloud": 100],
    ]
    public init() {}

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        let tier = cluster.labels[Labels.tier] ?? "unknown"
        let value = Self.table[app.qosClass]?[tier] ?? 50
        return PluginScore(value, "\(app.qosClass.rawValue) app on \(tier) tier")
    }

    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        state.fleet.qosFit[app.app.qosClass.rank * state.clusterList.count + c]
    }
}
