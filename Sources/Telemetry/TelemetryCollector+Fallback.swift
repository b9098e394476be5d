import AppModel
import Foundation
import OCMClient

extension TelemetryCollector {
    /// The hub's figure for `metric`.
    ///
    /// - cpu, memory: from the AddOnPlacementScore ``TelemetryConfiguration/hubScoreResource`` in the cluster's
    ///   namespace, scores ``TelemetryConfiguration/hubCPUAvailableScore`` and `hubMemoryAvailableScore`
    ///   (−100…100, OCM addon-contrib resource-usage-collect). Placer reads a score `s` as the available share
    ///   `(s + 100) / 200` of the ManagedCluster's `status.allocatable` (or the inventory's capacity), so in use =
    ///   capacity × (1 − share). The add-on normalises across clusters, so this is an estimate; the flag says hub.
    /// - nodes: `ManagedClusterConditionAvailable` True → 1, False → 0 (the whole cluster, not per node).
    /// - energy, failures, latency, bandwidth: the hub has none.
    func hubValue(
        _ metric: TelemetryMetric, cluster: ClusterSpec, hub: ManagedClusterObject?, scores: AddOnPlacementScoreObject?,
        now: Date
    ) -> Result<SourceValue, Unavailable> {
        switch metric {
        case .cpu, .memory:
            let name = metric == .cpu ? configuration.hubCPUAvailableScore : configuration.hubMemoryAvailableScore
            let scoreName = "\(configuration.hubScoreResource)/\(name)"
            guard let scores, let score = scores[score: name] else {
                return .failure(Unavailable("has no \(scoreName)"))
            }
            guard scores.isValid(at: now) else { return .failure(Unavailable("\(scoreName) expired")) }
            let allocatable = metric == .cpu ? hub?.allocatableCPUCores : hub?.allocatableMemoryBytes
            let capacity = allocatable ?? (metric == .cpu ? cluster.cpuCores : cluster.memoryBytes)
            let available = (Double(min(100, max(-100, score))) + 100) / 200
            return .success(.scalar(capacity * (1 - available)))
        case .nodes:
            guard let hub else { return .failure(Unavailable("has no ManagedCluster")) }
            guard let available = hub.reportedAvailability else { return .failure(Unavailable("availability unknown")) }
            return .success(.scalar(available ? 1 : 0))
        case .energy, .failures, .latency, .bandwidth:
            return .failure(Unavailable("has none"))
        }
    }

    /// The static inventory's figure for `metric`: latency (`EdgeCluster` latencies) and nodes (the cluster's
    /// availability, 1 or 0); it has no usage, energy draw, failures or bandwidth.
    func inventoryValue(_ metric: TelemetryMetric, cluster: ClusterSpec) -> Result<SourceValue, Unavailable> {
        switch metric {
        case .latency:
            guard !cluster.latencyMilliseconds.isEmpty else { return .failure(Unavailable("has none")) }
            return .success(.zoned(cluster.latencyMilliseconds))
        case .nodes:
            return .success(.scalar(cluster.available ? 1 : 0))
        case .cpu, .memory:
            return .failure(Unavailable("has no usage"))
        case .energy, .failures, .bandwidth:
            return .failure(Unavailable("has none"))
        }
    }
}
