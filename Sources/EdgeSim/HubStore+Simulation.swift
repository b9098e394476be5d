import AppModel

/// The simulated parts of the hub: per-cluster work agent behaviour and ManagedCluster availability.
extension HubStore {
    /// The work agent behaviour of `cluster` (healthy when never set).
    func agentBehaviour(cluster: String) -> AgentBehaviour {
        agentBehaviours[cluster] ?? .healthy
    }

    /// Sets the work agent behaviour of `cluster` and hands the agent that cluster's works again, so a
    /// recovered agent reports them and a failing one marks them failed.
    func setAgentBehaviour(cluster: String, _ behaviour: AgentBehaviour) {
        agentBehaviours[cluster] = behaviour
        resyncWorks(namespace: cluster)
    }

    static let unavailableTaint = "cluster.open-cluster-management.io/unavailable"

    /// Marks a ManagedCluster available or not, as OCM's registration agent and taint controller do: the
    /// `ManagedClusterConditionAvailable` condition (True `ManagedClusterAvailable` / False
    /// `ManagedClusterKubeAPIServerUnavailable`) and the `cluster.open-cluster-management.io/unavailable`
    /// NoSelect taint. Not a client mutation.
    /// - Returns: false when there is no such ManagedCluster.
    func setClusterAvailable(_ name: String, _ available: Bool) -> Bool {
        let type = ResourceCatalog.managedClusters
        let key = Self.key(type, nil, name)
        guard let old = objects[key] else { return false }
        let now = Self.timestamp()
        let condition: Value = .object([
            ("type", .string("ManagedClusterConditionAvailable")), ("status", .string(available ? "True" : "False")),
            ("reason", .string(available ? "ManagedClusterAvailable" : "ManagedClusterKubeAPIServerUnavailable")),
            (
                "message",
                .string(available ? "Managed cluster is available" : "Managed cluster is not available")
            ),
            ("lastTransitionTime", .string(now)),
        ])
        var conditions = old[path: "status.conditions"]?.arrayValue ?? []
        if let index = conditions.firstIndex(where: { $0["type"]?.stringValue == "ManagedClusterConditionAvailable" }) {
            if conditions[index]["status"] == condition["status"] { return true }
            conditions[index] = condition
        } else {
            conditions.append(condition)
        }
        var taints = (old[path: "spec.taints"]?.arrayValue ?? []).filter {
            $0["key"]?.stringValue != Self.unavailableTaint
        }
        if !available {
            taints.append(
                .object([
                    ("key", .string(Self.unavailableTaint)), ("value", .string("")), ("effect", .string("NoSelect")),
                    ("timeAdded", .string(now)),
                ]))
        }
        let spec = (old["spec"] ?? .object([])).setting("taints", to: .array(taints))
        let status = (old["status"] ?? .object([])).setting("conditions", to: .array(conditions))
        commit(
            type, key: key, old: old, candidate: old.setting("spec", to: spec).setting("status", to: status),
            byClient: false)
        return true
    }
}
