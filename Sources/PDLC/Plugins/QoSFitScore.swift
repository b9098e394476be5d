import AppModel

/// Matches QoS class to cluster tier (label `placer.dev/tier`): Gold prefers the edge, BestEffort the cloud,
/// so that scarce edge capacity stays free for the apps that need its latency.
public struct QoSFitScore: PreScorePlugin, ScorePlugin {
    public let name = "qosFit"
    /// Score by QoS class and tier (0…100); 50 for a tier not listed.
    public static let table: [QoSClass: [String: Double]] = [
        .gold: ["edge": 100, "datacenter": 60, "cloud": 20],
        .silver: ["edge": 60, "datacenter": 100, "cloud": 60],
        .bestEffort: ["edge": 10, "datacenter": 60, "cloud": 100],
    ]
    public init() {}

    /// Each cluster's tier (`unknown` without the label) and the score per QoS class rank and cluster, at
    /// `rank * clusterCount + c`.
    public struct State: Sendable {
        public var tier: [String]
        public var fit: [Double]
    }

    public func preScore(_ state: CycleState) -> State {
        let tiers = state.clusterList.map { $0.labels[Labels.tier] ?? "unknown" }
        let fit = QoSClass.allCases.sorted { $0.rank < $1.rank }.flatMap { qos in
            tiers.map { Self.table[qos]?[$0] ?? 50 }
        }
        return State(tier: tiers, fit: fit)
    }

    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let table = cycleState(state)
        let row = app.app.qosClass.rank * state.clusterList.count
        for c in clusters {
            scores.add(table.fit[row + c], "\(app.app.qosClass.rawValue) app on \(table.tier[c]) tier")
        }
    }
}
