import AppModel

/// Steering the simulated managed clusters of a running (or not yet started) hub.
extension EdgeSimHub {
    /// Sets how the work agent of one managed cluster behaves from now on (healthy, delayed, failing, offline).
    ///
    /// The agent re-reads the cluster's current ManifestWorks, so switching an offline agent back to healthy
    /// reports them, and switching to ``AgentBehaviour/failing`` marks them failed.
    /// - Parameters:
    ///   - cluster: the managed cluster's name (its namespace on the hub).
    ///   - behaviour: the new behaviour.
    public func setAgent(cluster: String, behaviour: AgentBehaviour) async {
        await store.setAgentBehaviour(cluster: cluster, behaviour)
    }

    /// Marks a ManagedCluster available or unavailable: its `ManagedClusterConditionAvailable` condition and the
    /// `cluster.open-cluster-management.io/unavailable` NoSelect taint (added when unavailable, removed when
    /// available), as OCM's registration agent and taint controller would. Watches see the change.
    /// - Throws: ``EdgeSimError/notFound(_:)`` when the hub has no such ManagedCluster.
    public func setClusterAvailable(_ name: String, _ available: Bool) async throws {
        guard await store.setClusterAvailable(name, available) else { throw EdgeSimError.notFound(name) }
    }
}
