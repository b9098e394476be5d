import AppModel
import Foundation

/// Builds the ManagedCluster (cluster.open-cluster-management.io/v1) a registered edge cluster would have on
/// a hub: labels, `hubAcceptsClient`, allocatable and capacity, cluster claims and the OCM conditions
/// (`HubAcceptedManagedCluster`, `ManagedClusterJoined`, `ManagedClusterConditionAvailable`; CONTRACT.md §3).
public enum ManagedClusterFactory {
    /// - Parameters:
    ///   - cluster: the inventory entry.
    ///   - available: the Available condition's status.
    /// - Returns: the object, ready for ``EdgeSimHub/seed(_:)``.
    public static func make(from cluster: ClusterSpec, available: Bool = true) -> Value {
        let time = ISO8601DateFormatter().string(from: Date())
        func condition(_ type: String, _ status: Bool, _ reason: String, _ message: String) -> Value {
            .object([
                ("type", .string(type)), ("status", .string(status ? "True" : "False")), ("reason", .string(reason)),
                ("message", .string(message)), ("lastTransitionTime", .string(time)),
            ])
        }
        let labels = Value.object(
            cluster.labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }
                + [
                    ("cluster.open-cluster-management.io/clusterset", .string("default")),
                    ("open-cluster-management.io/cluster-name", .string(cluster.name)),
                ])
        let resources = Value.object([
            ("cpu", .string(quantity(cores: cluster.cpuCores))),
            ("memory", .string("\(Int64(cluster.memoryBytes / 1_048_576))Mi")),
        ])
        return .object([
            ("apiVersion", .string("cluster.open-cluster-management.io/v1")),
            ("kind", .string("ManagedCluster")),
            ("metadata", .object([("name", .string(cluster.name)), ("labels", labels)])),
            ("spec", .object([("hubAcceptsClient", .bool(true)), ("leaseDurationSeconds", .int(60))])),
            (
                "status",
                .object([
                    ("allocatable", resources), ("capacity", resources),
                    ("version", .object([("kubernetes", .string("v1.31.4"))])),
                    (
                        "clusterClaims",
                        .array([
                            .object([("name", .string("id.k8s.io")), ("value", .string(cluster.name))]),
                            .object([("name", .string("zone.placer.dev")), ("value", .string(cluster.zone))]),
                        ])
                    ),
                    (
                        "conditions",
                        .array([
                            condition(
                                "HubAcceptedManagedCluster", true, "HubClusterAdminAccepted",
                                "Accepted by hub cluster admin"),
                            condition("ManagedClusterJoined", true, "ManagedClusterJoined", "Managed cluster joined"),
                            available
                                ? condition(
                                    "ManagedClusterConditionAvailable", true, "ManagedClusterAvailable",
                                    "Managed cluster is available")
                                : condition(
                                    "ManagedClusterConditionAvailable", false, "ManagedClusterKubeAPIServerUnavailable",
                                    "Managed cluster is not available"),
                        ])
                    ),
                ])
            ),
        ])
    }

    private static func quantity(cores: Double) -> String {
        cores == cores.rounded() ? String(Int64(cores)) : "\(Int64(cores * 1000))m"
    }
}
