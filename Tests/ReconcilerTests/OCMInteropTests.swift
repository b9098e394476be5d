import AppModel
import EdgeSim
import Foundation
import GitStore
import OCMClient
import Testing

@testable import Reconciler

/// The OCM side of a reconcile against the EdgeSim hub: PlacementDecisions for OCM consumers, drift
/// correction with events, make-before-break moves.
@Suite struct OCMInteropTests {
    @Test func decisionsArePublishedForOCMConsumersAndNotRewrittenWhenUnchanged() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler { $0.decisionNamespace = "placer" }
            let report = try await placer.reconcileOnce()
            #expect(report.publishedDecisions.count == EndToEndTests.apps.count + 1)

            // What an ApplicationSet cluster-decision generator reads: decisions selected by the placement label.
            let client = factory.client
            let items = try await client.list(
                .placementDecision, namespace: "placer",
                labelSelector: "cluster.open-cluster-management.io/placement=vision-inference")
            #expect(items.count == 1)
            let decision = try Value.parseJSON(try #require(items.first))
            #expect(decision[path: "metadata.name"]?.stringValue == "vision-inference-decision-1")
            let clusters = decision[path: "status.decisions"]?.arrayValue?.compactMap { $0["clusterName"]?.stringValue }
            #expect(clusters == ["factory-dc"])
            let placement = try Value.parseJSON(
                try #require(try await client.get(.placement, namespace: "placer", name: "vision-inference")))
            #expect(
                placement[path: "metadata.annotations"]?[
                    "cluster.open-cluster-management.io/experimental-scheduling-disable"] == .string("true"))
            #expect(
                decision[path: "metadata.ownerReferences"]?.arrayValue?.first?["uid"] == placement[path: "metadata.uid"]
            )

            let fleet = try await client.list(
                .placementDecision, namespace: "placer",
                labelSelector: "cluster.open-cluster-management.io/placement=placer")
            let fleetClusters = try fleet.flatMap {
                try Value.parseJSON($0)[path: "status.decisions"]?.arrayValue ?? []
            }
            .compactMap { $0["clusterName"]?.stringValue }
            #expect(
                Set(fleetClusters) == ["hall-1-edge", "hall-2-edge", "hall-3-edge", "factory-dc", "regional-cloud"])

            let writes = await factory.hub.mutationCount()
            let again = try await factory.reconciler(cache: "cache-2") { $0.decisionNamespace = "placer" }
                .reconcileOnce()
            #expect(again.publishedDecisions.isEmpty)
            #expect(await factory.hub.mutationCount() == writes)
        }
    }

    @Test func decisionsAreSplitIntoObjectsOfAtMostOneHundred() {
        let decisions = (0..<250).map {
            DecisionPublisher.Decision(cluster: String(format: "edge-%03d", $0), reason: "")
        }
        let chunks = DecisionPublisher.chunks(decisions.shuffled())
        #expect(chunks.map(\.count) == [100, 100, 50])
        #expect(chunks.first?.first?.cluster == "edge-000")
        #expect(chunks.last?.last?.cluster == "edge-249")
    }

    @Test func aManifestWorkEditedOrDeletedOnTheHubIsCorrectedWithAnEvent() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let client = factory.client

            // Someone scales the broker's ManifestWork by hand, and deletes the dashboard's.
            let key = "factory-dc/mqtt-broker"
            let live = try Value.parseJSON(
                try #require(try await client.get(.manifestWork, namespace: "factory-dc", name: "mqtt-broker")))
            let spec = (live["spec"] ?? .null).setting(
                "deleteOption", to: .object([("propagationPolicy", .string("Orphan"))]))
            _ = try await client.update(
                .manifestWork, namespace: "factory-dc", name: "mqtt-broker",
                body: live.setting("spec", to: spec).canonicalJSONData())
            let dashboard = try #require(await factory.works().keys.first { $0.hasSuffix("/quality-dashboard") })
            let dashboardCluster = String(dashboard.split(separator: "/")[0])
            try await client.delete(.manifestWork, namespace: dashboardCluster, name: "quality-dashboard")

            let report = try await placer.reconcileOnce()
            #expect(report.commit == nil)
            #expect(Set(report.applied) == [key, dashboard])
            #expect(
                report.events.contains { $0.hasPrefix("drift: ManifestWork \(key) was edited") }, "\(report.events)")
            #expect(report.events.contains { $0.hasPrefix("drift: ManifestWork \(dashboard) was deleted") })
            let fixed = try Value.parseJSON(
                try #require(try await client.get(.manifestWork, namespace: "factory-dc", name: "mqtt-broker")))
            #expect(fixed[path: "spec.deleteOption.propagationPolicy"] == .string("Foreground"))
            let events = await factory.hub.objects("events", namespace: "factory-dc")
            #expect(
                events.contains {
                    $0["reason"] == .string("DriftCorrected")
                        && $0[path: "involvedObject.name"] == .string("mqtt-broker")
                })
        }
    }
}

/// Moves are make-before-break: the old ManifestWork stays until the new one is Available.
@Suite struct MigrationTests {
    @Test func aMoveWaitsForTheNewClusterAndKeepsTheOldPlacementWhileItFails() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler { $0.statusWaitSeconds = 1 }
            _ = try await placer.reconcileOnce()
            #expect(await factory.works()["regional-cloud/digital-twin"] != nil)

            // The target cluster's work agent reports failure: the move must not break the running app.
            await factory.hub.setAgent(cluster: "factory-dc", behaviour: .failing)
            try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
                $0.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
            }
            let blocked = try await placer.reconcileOnce()
            let twin = try #require(blocked.apps.first { $0.app == "digital-twin" })
            #expect(twin.phase == .degraded)
            #expect(twin.reason.contains("new placement on factory-dc is not available"), "\(twin.reason)")
            #expect(twin.reason.hasSuffix("still running on regional-cloud"))
            #expect(blocked.events.contains { $0.hasPrefix("move blocked: digital-twin") })
            let works = await factory.works()
            #expect(works["regional-cloud/digital-twin"] != nil, "old placement kept")
            #expect(works["factory-dc/digital-twin"] != nil, "new placement applied")

            // Once the new cluster reports the work available, the old one goes.
            await factory.hub.setAgent(cluster: "factory-dc", behaviour: .healthy)
            let settled = try await placer.reconcileOnce()
            #expect(
                settled.deleted == ["regional-cloud/digital-twin"],
                "\(settled.apps.filter { $0.app == "digital-twin" })")
            #expect(await factory.works()["regional-cloud/digital-twin"] == nil)
            #expect(settled.apps.first { $0.app == "digital-twin" }?.phase == .ready)
        }
    }

    @Test func anUnavailableClusterIsLeftAndNotChosen() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler { $0.statusWaitSeconds = 1 }
            _ = try await placer.reconcileOnce()
            try await factory.hub.setClusterAvailable("regional-cloud", false)
            let report = try await placer.reconcileOnce()
            #expect(report.commit != nil)
            let files = try factory.files()
            // digital-twin has somewhere else to go and leaves; batch-analytics (20% energy limit) fits nowhere else
            // and stays, saying why.
            #expect(files["rendered/regional-cloud/digital-twin.yaml"] == nil)
            #expect(files["rendered/factory-dc/digital-twin.yaml"] != nil)
            let bytes = try #require(files["placements/batch-analytics.yaml"])
            let record = try PlacementRecord.parse(try #require(try YAMLLoader.load(bytes, file: "b").first))
            #expect(record.cluster == "regional-cloud")
            #expect(record.reasons.first == "no feasible cluster; kept on regional-cloud")
            #expect(
                record.rejected.first { $0.cluster == "regional-cloud" }?.reasons == [
                    "Availability: cluster is not available"
                ])
        }
    }
}

/// The hub's ManagedClusters are the live inventory: their allocatable and claims win over clusters/*.yaml,
/// and clusters registered only on the hub are considered too.
@Suite struct HubInventoryTests {
    @Test func hubAllocatableAndHubOnlyClustersFeedTheDecision() async throws {
        try await withFactory { factory in
            // The data centre is smaller than the repo says; a fourth hall's cluster registered on the hub only.
            let status: Value = .object([
                ("apiVersion", .string("cluster.open-cluster-management.io/v1")), ("kind", .string("ManagedCluster")),
                ("metadata", .object([("name", .string("factory-dc"))])),
                ("status", .object([("allocatable", .object([("cpu", .string("4")), ("memory", .string("128Gi"))]))])),
            ])
            _ = try await factory.client.applyStatus(
                .managedCluster, namespace: nil, name: "factory-dc", body: status.canonicalJSONData())
            let extra = ClusterSpec(
                name: "hall-4-edge", labels: ["topology.kubernetes.io/zone": "hall-4", "placer.dev/tier": "edge"],
                zone: "hall-4",
                cpuCores: 8, memoryBytes: 17_179_869_184, latencyMilliseconds: [:], energyCostPerCoreHour: 0)
            try await factory.hub.seed(ManagedClusterFactory.make(from: extra))

            _ = try await factory.reconciler().reconcileOnce()
            let bytes = try #require(try factory.files()["placements/vision-inference.yaml"])
            let record = try PlacementRecord.parse(try #require(try YAMLLoader.load(bytes, file: "v").first))
            let dc = try #require(record.rejected.first { $0.cluster == "factory-dc" })
            #expect(dc.reasons.contains { $0.hasPrefix("Capacity: needs 6.5 cpu, 3.6 free") }, "\(dc.reasons)")
            let hall4 = try #require(record.rejected.first { $0.cluster == "hall-4-edge" })
            #expect(
                hall4.reasons.contains("LatencyBudget: latency to hall-2 unknown, budget 10 ms"), "\(hall4.reasons)")
        }
    }
}
