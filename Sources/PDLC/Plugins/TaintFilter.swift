import AppModel

/// OCM taints and tolerations (open-cluster-management.io/api cluster/v1 `Taint`; Placement docs): a
/// `NoSelect` taint excludes the cluster; `NoSelectIfNew` admits it only for an app already running there;
/// `PreferNoSelect` only lowers the score (``TaintTolerationScore``). Apps carry no tolerations in Placer's
/// app model, so no taint is tolerated.
public struct TaintFilter: PreFilterPlugin, FilterPlugin {
    public let name = "Taints"
    public static let noSelect = "NoSelect"
    public static let noSelectIfNew = "NoSelectIfNew"
    public static let preferNoSelect = "PreferNoSelect"
    public init() {}

    /// Per cluster index: whether it carries a `NoSelect` or a `NoSelectIfNew` taint.
    public struct State: Sendable {
        public var hasNoSelect: [Bool]
        public var hasNoSelectIfNew: [Bool]
        /// Whether any cluster has either (the filter skips its loop when not).
        public var any: Bool
    }

    /// Why a cluster is refused; `taint` is `key` or `key=value`.
    public enum Reason: RejectionReason, Equatable {
        case noSelect(taint: String)
        case noSelectIfNew(taint: String)

        public var code: String { "TaintNotTolerated" }

        public var text: String {
            switch self {
            case .noSelect(let taint): "taint \(taint):NoSelect not tolerated"
            case .noSelectIfNew(let taint): "taint \(taint):NoSelectIfNew admits only apps already running here"
            }
        }
    }

    public func preFilter(_ state: CycleState) -> State {
        let noSelect = state.clusterList.map { $0.taints.contains { $0.effect == Self.noSelect } }
        let ifNew = state.clusterList.map { $0.taints.contains { $0.effect == Self.noSelectIfNew } }
        return State(
            hasNoSelect: noSelect, hasNoSelectIfNew: ifNew, any: noSelect.contains(true) || ifNew.contains(true))
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let taints = cycleState(state)
        guard taints.any else { return }
        for c in candidates where taints.hasNoSelect[c] || (taints.hasNoSelectIfNew[c] && app.currentIndex != c) {
            let runsHere = app.currentIndex == c
            for taint in state.clusterList[c].taints {
                if taint.effect == Self.noSelect {
                    verdicts.refuse(c, Reason.noSelect(taint: Self.describe(taint)))
                } else if taint.effect == Self.noSelectIfNew && !runsHere {
                    verdicts.refuse(c, Reason.noSelectIfNew(taint: Self.describe(taint)))
                }
            }
        }
    }

    static func describe(_ taint: ClusterTaint) -> String {
        taint.value.isEmpty ? taint.key : "\(taint.key)=\(taint.value)"
    }
}
