import AppModel
import EdgeSim
import Foundation
import OCMClient
import Telemetry

let gibibyte = 1024.0 * 1024 * 1024

/// An inventory cluster of 8 cores and 16 GiB.
func inventoryCluster(_ name: String) -> ClusterSpec {
    ClusterSpec(
        name: name, labels: [:], zone: "hall-1", cpuCores: 8, memoryBytes: 16 * gibibyte,
        latencyMilliseconds: ["hall-1": 2], energyCostPerCoreHour: 0.02, source: "clusters/\(name).yaml")
}

/// An app of 1 core and 1 GiB.
func smallApp(_ name: String) -> Application {
    Application(
        name: name, appName: name, sourceFile: "apps/\(name)/app.yaml", qosClass: .silver, cpuCores: 1,
        memoryBytes: gibibyte, latencyBudgetMilliseconds: nil, userZones: [], energyLimitPercent: nil,
        clusterSelector: [:], peerChannels: [], manifests: [], sourceDigest: "digest-\(name)")
}
