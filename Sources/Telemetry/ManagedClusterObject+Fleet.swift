import AppModel
import OCMClient

/// How Placer reads a ManagedCluster: one interpretation shared by ``FleetObserver`` (availability, labels,
/// capacity of the cluster spec) and ``TelemetryCollector``'s hub fallback.
extension ManagedClusterObject {
    /// `status.allocatable.cpu` in cores; nil when absent or not a Kubernetes quantity.
    var allocatableCPUCores: Double? { status?.allocatable["cpu"].flatMap(Quantity.parse) }

    /// `status.allocatable.memory` in bytes; nil when absent or not a Kubernetes quantity.
    var allocatableMemoryBytes: Double? { status?.allocatable["memory"].flatMap(Quantity.parse) }

    /// Whether placements may go there: ``isAvailable`` and no `NoSelect` taint.
    var isSelectable: Bool { isAvailable && !spec.taints.contains { $0.effect == "NoSelect" } }

    /// `ManagedClusterConditionAvailable` as true or false; nil when the condition is absent or `Unknown`.
    var reportedAvailability: Bool? {
        guard let condition = status?.conditions[type: "ManagedClusterConditionAvailable"],
            condition.status == "True" || condition.status == "False"
        else { return nil }
        return condition.isTrue
    }
}
