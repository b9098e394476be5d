import AppModel

/// Refuses clusters the hub reports unavailable (ManagedClusterConditionAvailable not True).
public struct AvailabilityFilter: FilterPlugin {
    public let name = "Availability"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        cluster.available ? .feasible(name) : .unschedulable(name, "cluster is not available")
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool { state.fleet.available[c] }
}
