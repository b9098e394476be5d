import AppModel
import EdgeSim
import Foundation
import OCMClient
import PlacerFakes
import Telemetry
import Testing

/// The FleetObserver over a fake hub: one read of ManagedClusters and AddOnPlacementScores, merged into the
/// inventory, each input with its source and age.
@Suite struct FleetObserverTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func cluster(_ name: String, cpu: Double = 8) -> ClusterSpec {
        ClusterSpec(
            name: name, labels: ["zone": "z-\(name)"], zone: "z-\(name)", cpuCores: cpu, memoryBytes: 16e9,
            latencyMilliseconds: ["z": 5], energyCostPerCoreHour: 0.02, source: "clusters/\(name).yaml")
    }

    static func score(cluster: String, name: String, value: Int, validUntil: Date?) -> Value {
        var status: [(String, Value)] = [
            ("scores", .array([.object([("name", .string(name)), ("value", .int(value))])]))
        ]
        if let validUntil { status.append(("validUntil", .string(ISO8601DateFormatter().string(from: validUntil)))) }
        return .object([
            ("apiVersion", .string("cluster.open-cluster-management.io/v1alpha1")),
            ("kind", .string("AddOnPlacementScore")),
            ("metadata", .object([("name", .string("resource-usage-score")), ("namespace", .string(cluster))])),
            ("status", .object(status)),
        ])
    }

    @Test func mergesTheHubIntoTheInventoryOnceWithSourcesAndAges() async throws {
        let hub = FakeHub()
        await hub.seed(ManagedClusterFactory.make(from: Self.cluster("edge-a", cpu: 4)), kind: .managedCluster)
        await hub.seed(
            ManagedClusterFactory.make(from: Self.cluster("edge-b"), available: false), kind: .managedCluster)
        await hub.seed(ManagedClusterFactory.make(from: Self.cluster("hub-only")), kind: .managedCluster)
        await hub.seed(
            Self.score(cluster: "edge-a", name: "cpuAvailable", value: 250, validUntil: nil), kind: .addOnPlacementScore
        )
        await hub.seed(
            Self.score(
                cluster: "edge-b", name: "cpuAvailable", value: 10, validUntil: Self.now.addingTimeInterval(-60)),
            kind: .addOnPlacementScore)

        let observation = try await FleetObserver(hub: hub).observe(
            inventory: [Self.cluster("edge-a"), Self.cluster("edge-b"), Self.cluster("gone")], now: Self.now)

        #expect(observation.clusters.map(\.name) == ["edge-a", "edge-b", "gone", "hub-only"])
        let byName = Dictionary(uniqueKeysWithValues: observation.clusters.map { ($0.name, $0) })
        #expect(byName["edge-a"]?.available == true)
        #expect(byName["edge-a"]?.cpuCores == 4, "the hub's allocatable wins")
        #expect(byName["edge-a"]?.addOnScores == ["resource-usage-score/cpuAvailable": 100], "clamped to 100")
        #expect(byName["edge-b"]?.available == false)
        #expect(byName["edge-b"]?.addOnScores == [:])
        #expect(byName["edge-b"]?.expiredAddOnScores == ["resource-usage-score/cpuAvailable"])
        #expect(byName["gone"]?.available == false, "not registered with this hub")
        #expect(byName["hub-only"]?.source == "hub")
        #expect(byName["hub-only"]?.energyCostPerCoreHour == 0.02)
        #expect(observation.managedClusters.map(\.metadata.name) == ["edge-a", "edge-b", "hub-only"])
        #expect(observation.addOnScores.count == 2)
        #expect(observation.inputs.map(\.name) == ["inventory", "ManagedCluster", "AddOnPlacementScore"])
        #expect(observation.inputs.map(\.source) == [.inventory, .hubList, .hubList])
        #expect(observation.inputs.allSatisfy { $0.observedAt == Self.now })
        #expect(await hub.writes == 0)
    }

    /// One observer over passes (as the daemon keeps it): a cluster that changed on the hub is seen changed, one that
    /// went is gone, unchanged ones read the same (the last pass's decoding is reused by their bytes).
    @Test func laterPassesSeeWhatChangedOnTheHub() async throws {
        let hub = FakeHub()
        await hub.seed(ManagedClusterFactory.make(from: Self.cluster("edge-a", cpu: 4)), kind: .managedCluster)
        await hub.seed(ManagedClusterFactory.make(from: Self.cluster("edge-b")), kind: .managedCluster)
        let observer = FleetObserver(hub: hub)
        let inventory = [Self.cluster("edge-a"), Self.cluster("edge-b")]
        let first = try await observer.observe(inventory: inventory, now: Self.now)
        #expect(first.clusters.map(\.available) == [true, true])
        #expect(first.clusters.map(\.cpuCores) == [4, 8])
        await hub.seed(
            ManagedClusterFactory.make(from: Self.cluster("edge-a", cpu: 6), available: false), kind: .managedCluster)
        let second = try await observer.observe(inventory: inventory, now: Self.now)
        #expect(second.clusters.map(\.available) == [false, true])
        #expect(second.clusters.map(\.cpuCores) == [6, 8])
        #expect(second.managedClusters[1] == first.managedClusters[1])
        try await hub.delete(.managedCluster, namespace: nil, name: "edge-b", propagationPolicy: nil)
        let third = try await observer.observe(inventory: inventory, now: Self.now)
        #expect(third.managedClusters.map(\.metadata.name) == ["edge-a"])
        #expect(third.clusters.map(\.available) == [false, false], "edge-b is no longer registered")
    }

    @Test func aWatchedCacheIsUsedInsteadOfAList() async throws {
        let hub = FakeHub()
        let watched = try ManagedClusterObject.decode(
            ManagedClusterFactory.make(from: Self.cluster("edge-a")).canonicalJSONData())
        let observation = try await FleetObserver(hub: hub, managedClusters: { ["edge-a": watched] })
            .observe(inventory: [Self.cluster("edge-a")], now: Self.now)
        #expect(observation.clusters.first?.available == true)
        #expect(observation.inputs.first { $0.name == "ManagedCluster" }?.source == .hubWatch)
    }

    @Test func withoutAHubTheInventoryIsTheFleet() async throws {
        let observation = try await FleetObserver(hub: nil).observe(inventory: [Self.cluster("edge-a")], now: Self.now)
        #expect(observation.clusters.map(\.name) == ["edge-a"] && observation.clusters[0].cpuCores == 8)
        #expect(observation.inputs.map(\.source) == [.inventory])
    }

    @Test func anUnreachableHubThrowsItsError() async throws {
        let hub = FakeHub()
        await hub.failNext(1)
        await #expect(throws: KubeError.self) {
            _ = try await FleetObserver(hub: hub).observe(inventory: [Self.cluster("edge-a")], now: Self.now)
        }
    }
}
