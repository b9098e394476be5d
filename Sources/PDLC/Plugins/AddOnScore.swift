import AppModel

/// Scores clusters by third-party OCM AddOnPlacementScores (cluster.open-cluster-management.io/v1alpha1),
/// as OCM's AddOn prioritizer does: the mean of the cluster's valid scores, mapped from −100…100 to 0…100.
///
/// Scores past their `validUntil` count as missing (OCM gives them 0; here missing means neutral, 50) and are
/// named in the explanation, so a stale provider is visible and never a silent zero.
public struct AddOnScore: PreScorePlugin, ScorePlugin {
    public let name = "addOnScore"
    public init() {}

    /// The plugin's 0…100 value per cluster index.
    public struct State: Sendable { public var value: [Double] }

    /// The plugin's 0…100 value for `cluster`.
    static func value(_ cluster: ClusterSpec) -> Double {
        guard !cluster.addOnScores.isEmpty else { return 50 }
        let mean = cluster.addOnScores.values.reduce(0, +) / Double(cluster.addOnScores.count)
        return min(100, max(0, (mean + 100) / 2))
    }

    public func preScore(_ state: CycleState) -> State { State(value: state.clusterList.map(Self.value)) }

    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let values = cycleState(state).value
        for c in clusters { scores.add(values[c], Self.detail(state.clusterList[c])) }
    }

    private static func detail(_ cluster: ClusterSpec) -> String {
        let stale =
            cluster.expiredAddOnScores.isEmpty
            ? "" : "; expired: \(cluster.expiredAddOnScores.sorted().joined(separator: ", "))"
        guard !cluster.addOnScores.isEmpty else { return "no valid AddOnPlacementScore\(stale)" }
        let mean = cluster.addOnScores.values.reduce(0, +) / Double(cluster.addOnScores.count)
        let names = cluster.addOnScores.keys.sorted().joined(separator: ", ")
        return "AddOnPlacementScore \(Format.trim(mean)) (\(names))\(stale)"
    }
}
