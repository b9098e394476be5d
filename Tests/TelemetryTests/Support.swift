import AppModel
import EdgeSim
import Foundation
import OCMClient
import Telemetry

/// Collects until `condition` holds or `timeout` passes; returns the last collection (check it with #expect).
func collect(
    _ collector: TelemetryCollector, clusters: [ClusterSpec], hub: [ManagedClusterObject] = [],
    scores: [AddOnPlacementScoreObject] = [], timeout: Duration = .seconds(20),
    until condition: ([String: ClusterTelemetry]) -> Bool
) async -> [String: ClusterTelemetry] {
    let deadline = ContinuousClock.now + timeout
    while true {
        let telemetry = await collector.collect(clusters: clusters, hubClusters: hub, addOnScores: scores, now: Date())
        if condition(telemetry) || ContinuousClock.now >= deadline { return telemetry }
        try? await Task.sleep(for: .milliseconds(250))
    }
}

let gibibyte = 1024.0 * 1024 * 1024

/// An inventory cluster.
func inventoryCluster(
    _ name: String, zone: String = "hall-1", cpuCores: Double = 8, memoryBytes: Double = 16 * gibibyte,
    latency: [String: Double] = [:], available: Bool = true
) -> ClusterSpec {
    ClusterSpec(
        name: name, labels: [:], zone: zone, cpuCores: cpuCores, memoryBytes: memoryBytes,
        latencyMilliseconds: latency, energyCostPerCoreHour: 0.02, available: available, source: "clusters/\(name).yaml"
    )
}

/// A hub ManagedCluster with allocatable cpu and memory and an Available condition (`True`, `False`, `Unknown`).
func managedCluster(
    _ name: String, cpu: String = "8", memory: String = "16Gi", available: String = "True"
) throws
    -> ManagedClusterObject
{
    let json = """
        {"apiVersion": "cluster.open-cluster-management.io/v1", "kind": "ManagedCluster",
         "metadata": {"name": "\(name)"}, "spec": {"hubAcceptsClient": true},
         "status": {"allocatable": {"cpu": "\(cpu)", "memory": "\(memory)"}, "capacity": {"cpu": "\(cpu)", "memory": "\(memory)"},
                    "conditions": [{"type": "ManagedClusterConditionAvailable", "status": "\(available)",
                                    "reason": "ManagedClusterAvailable", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}
        """
    return try ManagedClusterObject.decode(Data(json.utf8))
}

/// A `resource-usage-score` AddOnPlacementScore for `cluster`.
func usageScore(
    _ cluster: String, cpuAvailable: Int, memAvailable: Int, validUntil: String? = nil
) throws
    -> AddOnPlacementScoreObject
{
    let until = validUntil.map { #", "validUntil": "\#($0)""# } ?? ""
    let json = """
        {"apiVersion": "cluster.open-cluster-management.io/v1alpha1", "kind": "AddOnPlacementScore",
         "metadata": {"name": "resource-usage-score", "namespace": "\(cluster)"},
         "status": {"scores": [{"name": "cpuAvailable", "value": \(cpuAvailable)},
                               {"name": "memAvailable", "value": \(memAvailable)}]\(until)}}
        """
    return try AddOnPlacementScoreObject.decode(Data(json.utf8))
}

/// Whether `value` is within `tolerance` (a fraction) of `expected`.
func near(_ value: Double?, _ expected: Double, tolerance: Double = 0.05) -> Bool {
    guard let value else { return false }
    return abs(value - expected) <= abs(expected) * tolerance + 1e-9
}

/// Whether the cluster's cpu and energy came from Prometheus with samples at most 2 s old.
func scrapedLive(_ telemetry: ClusterTelemetry) -> Bool {
    telemetry.sources["cpu"] == "prometheus" && (telemetry.ageSeconds["cpu"] ?? .infinity) <= 2
        && (telemetry.ageSeconds["energy"] ?? .infinity) <= 2
}
