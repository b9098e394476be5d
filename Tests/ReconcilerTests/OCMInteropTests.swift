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
            let placement = try Value.parseJSON(try #require(try await client.get(.placement, namespace: "placer", name: "vision-inference")))
            #expect(placement[path: "metadata.annotations"]?["cluster.open-cluster-management.io/experimental-scheduling-disable"] == .string("true"))
            #expect(decision[path: "metadata.ownerReferences"]?.arrayValue?.first?["uid"] == placement[path: "metadata.uid"])

            let fleet = try await client.list(
                .placementDecision, namespace: "placer", labelSelector: "cluster.open-cluster-management.io/placement=placer")
            let fleetClusters = try fleet.flatMap { try Value.parseJSON($0)[path: "status.decisions"]?.arrayValue ?? [] }
                .compactMap { $0["clusterName"]?.stringValue }
            #expect(Set(fleetClusters) == ["hall-1-edge", "hall-2-edge", "hall-3-edge", "factory-dc", "regional-cloud"])

            let writes = await factory.hub.mutationCount()
            let again = try await factory.reconciler(cache: "cache-2") { $0.decisionNamespace = "placer" }.reconcileOnce()
            #expect(again.publishedDecisions.isEmpty)
            #expect(await factory.hub.mutationCount() == writes)
        }
    }

    @Test func decisionsAreSplitIntoObjectsOfAtMostOneHundred() {
        let decisions = (0..<250).map { DecisionPublisher.Decision(cluster: String(format: "edge-%03d", $0), reason: "") }
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
            let live = try Value.parseJSON(try #require(try await client.get(.manifestWork, namespace: "factory-dc", name: "mqtt-broker")))
            let spec = (live["spec"] ?? .null).setting("deleteOption", to: .object([("propagationPolicy", .string("Orphan"))]))
            _ = try await client.update(
                .manifestWork, namespace: "factory-dc", name: "mqtt-broker", body: live.setting("spec", to: spec).canonicalJSONData())
            try await client.delete(.manifestWork, namespace: "factory-dc", name: "quality-dashboard")

            let report = try await placer.reconcileOnce()
            #expect(report.commit == nil)
            #expect(Set(report.applied) == [key, "factory-dc/quality-dashboard"])
            #expect(report.events.contains { $0.hasPrefix("drift: ManifestWork \(key) was edited") }, "\(report.events)")
            #expect(report.events.contains { $0.hasPrefix("drift: ManifestWork factory-dc/quality-dashboard was deleted") })
            let fixed = try Value.parseJSON(try #require(try await client.get(.manifestWork, namespace: "factory-dc", name: "mqtt-broker")))
            #expect(fixed[path: "spec.deleteOption.propagationPolicy"] == .string("Foreground"))
            let events = await factory.hub.objects("events", namespace: "factory-dc")
            #expect(events.contains { $0["reason"] == .string("DriftCorrected") && $0[path: "involvedObject.name"] == .string("mqtt-broker") })
        }
    }
}
