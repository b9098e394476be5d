import AppModel

/// Refuses clusters whose labels do not match the app's selector (annotation `placer.dev/cluster-selector`).
public struct ClusterSelectorFilter: FilterPlugin {
    public let name = "ClusterSelector"
    public init() {}

    /// A selector label the cluster lacks or has with another value (`actual` nil when absent).
    public struct Reason: RejectionReason, Equatable {
        public var key: String
        public var required: String
        public var actual: String?
        public var code: String { "LabelMismatch" }
        public var text: String { "label \(key)=\(required) required, cluster has \(actual ?? "none")" }
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let selector = app.app.clusterSelector
        guard !selector.isEmpty else { return }
        let keys = selector.keys.sorted()
        for c in candidates {
            let labels = state.clusterList[c].labels
            for key in keys where labels[key] != selector[key] {
                verdicts.refuse(c, Reason(key: key, required: selector[key] ?? "", actual: labels[key]))
            }
        }
    }
}
