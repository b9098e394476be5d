import AppModel

/// OCM `PreferNoSelect` taints lower the score (as kube-scheduler's TaintToleration score treats
/// `PreferNoSchedule`): the count of untolerated `PreferNoSelect` taints, reverse min-max normalised over the
/// feasible clusters (fewest 100, most 0, all equal 100). OCM's own scheduler does not implement
/// `PreferNoSelect` (its docs say so); Placer does.
public struct TaintTolerationScore: ScorePlugin {
    public let name = "taintToleration"
    public init() {}

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        let prefer = cluster.taints.filter { $0.effect == TaintFilter.preferNoSelect }
        let detail = prefer.isEmpty
            ? "no PreferNoSelect taint" : "PreferNoSelect taint \(prefer.map(\.key).sorted().joined(separator: ", "))"
        return PluginScore(0, detail).with(raw: Double(prefer.count))
    }

    public func normalize(_ scores: inout [String: PluginScore]) { MinMax.normalize(&scores, higherIsBetter: false) }

    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        Double(state.fleet.preferNoSelectCount[c])
    }

    public func normalize(values: inout [Double]) { MinMax.normalize(&values, higherIsBetter: false) }
}
