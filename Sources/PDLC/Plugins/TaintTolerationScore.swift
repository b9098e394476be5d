import AppModel

/// OCM `PreferNoSelect` taints lower the score (as kube-scheduler's TaintToleration score treats
/// `PreferNoSchedule`): the count of untolerated `PreferNoSelect` taints, reverse min-max normalised over the
/// feasible clusters (fewest 100, most 0, all equal 100). OCM's own scheduler does not implement
/// `PreferNoSelect` (its docs say so); Placer does.
public struct TaintTolerationScore: PreScorePlugin, NormalizeScorePlugin {
    public let name = "taintToleration"
    public init() {}

    /// The number of `PreferNoSelect` taints per cluster index.
    public struct State: Sendable { public var preferNoSelectCount: [Int] }

    public func preScore(_ state: CycleState) -> State {
        State(
            preferNoSelectCount: state.clusterList.map {
                $0.taints.filter { $0.effect == TaintFilter.preferNoSelect }.count
            })
    }

    /// Appends the count (raw); ``normalize(_:)`` turns it into a score.
    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let counts = cycleState(state).preferNoSelectCount
        for c in clusters { scores.add(Double(counts[c]), Self.detail(state.clusterList[c])) }
    }

    public func normalize(_ scores: inout [Double]) { MinMax.normalize(&scores, higherIsBetter: false) }

    private static func detail(_ cluster: ClusterSpec) -> String {
        let prefer = cluster.taints.filter { $0.effect == TaintFilter.preferNoSelect }
        return prefer.isEmpty
            ? "no PreferNoSelect taint" : "PreferNoSelect taint \(prefer.map(\.key).sorted().joined(separator: ", "))"
    }
}
