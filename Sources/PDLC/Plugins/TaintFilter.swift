import AppModel

/// OCM taints and tolerations (open-cluster-management.io/api cluster/v1 `Taint`; Placement docs): a
/// `NoSelect` taint excludes the cluster; `NoSelectIfNew` admits it only for an app already running there;
/// `PreferNoSelect` only lowers the score (``TaintTolerationScore``). Apps carry no tolerations in Placer's
/// app model, so no taint is tolerated.
public struct TaintFilter: FilterPlugin {
    public let name = "Taints"
    public static let noSelect = "NoSelect"
    public static let noSelectIfNew = "NoSelectIfNew"
    public static let preferNoSelect = "PreferNoSelect"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        var reasons: [String] = []
        let runsHere = state.currentCluster[app.name] == cluster.name
        for taint in cluster.taints {
            let text = taint.value.isEmpty ? taint.key : "\(taint.key)=\(taint.value)"
            if taint.effect == Self.noSelect {
                reasons.append("taint \(text):NoSelect not tolerated")
            } else if taint.effect == Self.noSelectIfNew && !runsHere {
                reasons.append("taint \(text):NoSelectIfNew admits only apps already running here")
            }
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard state.fleet.hasSelectTaints else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        !state.fleet.hasNoSelect[c] && (!state.fleet.hasNoSelectIfNew[c] || app.currentIndex == c)
    }
}
