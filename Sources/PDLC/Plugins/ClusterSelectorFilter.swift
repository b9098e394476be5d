import AppModel

/// Refuses clusters whose labels do not match the app's selector (annotation `placer.dev/cluster-selector`).
public struct ClusterSelectorFilter: FilterPlugin {
    public let name = "ClusterSelector"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        let mismatches = app.clusterSelector.keys.sorted().filter { cluster.labels[$0] != app.clusterSelector[$0] }
        guard !mismatches.isEmpty else { return .feasible(name) }
        return FilterStatus(
            code: .unschedulable,
            reasons: mismatches.map { "label \($0)=\(app.clusterSelector[$0] ?? "") required, cluster has \(cluster.labels[$0] ?? "none")" },
            plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard !app.app.clusterSelector.isEmpty else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        guard !app.app.clusterSelector.isEmpty else { return true }
        let labels = state.clusterList[c].labels
        for (key, value) in app.app.clusterSelector where labels[key] != value { return false }
        return true
    }
}
