import AppModel

/// Refuses failed clusters: the hub reports them unavailable (ManagedClusterConditionAvailable not True), or
/// telemetry sees none of their nodes ready (`nodeReadyFraction` 0), which the hub may not notice for minutes.
public struct AvailabilityFilter: FilterPlugin {
    public let name = "Availability"
    public init() {}

    /// Whether the cluster is up: available on the hub and, when measured, with at least one node ready.
    static func isUp(_ cluster: ClusterSpec) -> Bool {
        cluster.available && (cluster.telemetry?.nodeReadyFraction ?? 1) > 0
    }

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard cluster.available else { return .unschedulable(name, "cluster is not available") }
        guard Self.isUp(cluster) else {
            let source = cluster.telemetry?.sources["nodes"] ?? "telemetry"
            return .unschedulable(name, "no node is ready (nodes ready 0%, \(source))")
        }
        return .feasible(name)
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool { state.fleet.available[c] }
}
