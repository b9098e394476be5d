import AppModel
import EdgeSim
import Foundation
import Hummingbird
import OCMClient
import PlacerTestSupport
import Testing

/// create, update with optimistic concurrency, `/status` writes and delete options, against the EdgeSim hub.
@Suite struct WriteTests {
    static func value(_ data: Data) throws -> Value { try Value.parseJSON(data) }

    @Test func createThenUpdateWithTheCurrentVersionAndConflictWithAStaleOne() async throws {
        try await withHub(HubConfiguration()) { _, client in
            let created = try LeaseObject.decode(
                try await client.create(.lease, namespace: "default", body: Self.lease(holder: "a", version: nil)))
            let version = try #require(created.metadata.resourceVersion)
            #expect(created.spec.holderIdentity == "a")

            let again = await #expect(throws: KubeError.self) {
                _ = try await client.create(.lease, namespace: "default", body: Self.lease(holder: "a", version: nil))
            }
            #expect(again?.isAlreadyExists == true)
            #expect(again?.isConflict == false)

            let updated = try LeaseObject.decode(
                try await client.update(
                    .lease, namespace: "default", name: "lock", body: Self.lease(holder: "b", version: version)))
            #expect(updated.spec.holderIdentity == "b")
            #expect(updated.metadata.resourceVersion != version)

            let stale = await #expect(throws: KubeError.self) {
                _ = try await client.update(
                    .lease, namespace: "default", name: "lock", body: Self.lease(holder: "c", version: version))
            }
            #expect(stale?.isConflict == true)
            #expect(stale?.statusCode == 409)
            #expect(stale?.attempts == 1, "a conflict is final")
            let stored = try LeaseObject.decode(
                try #require(try await client.get(.lease, namespace: "default", name: "lock")))
            #expect(stored.spec.holderIdentity == "b")
        }
    }

    @Test func statusIsWrittenOnlyThroughTheStatusSubresource() async throws {
        try await withHub(HubConfiguration()) { _, client in
            let until = "2030-01-02T03:04:05Z"
            // The status in a POST is ignored by a type with a status subresource.
            let created = try await client.create(
                .addOnPlacementScore, namespace: "edge-1", body: Self.score(value: 10, validUntil: until, version: nil))
            #expect(try AddOnPlacementScoreObject.decode(created).status.scores.isEmpty)
            let version = try AddOnPlacementScoreObject.decode(created).metadata.resourceVersion
            let written = try AddOnPlacementScoreObject.decode(
                try await client.updateStatus(
                    .addOnPlacementScore, namespace: "edge-1", name: "resource-usage",
                    body: Self.score(value: 42, validUntil: until, version: version)))
            #expect(written.status.scores.map(\.name) == ["cpuAvailable"])
            #expect(written[score: "cpuAvailable"] == 42)
            #expect(written.clusterName == "edge-1")
            let expiry = try #require(written.status.validUntil)
            #expect(expiry == Date(timeIntervalSince1970: 1_893_553_445))
            #expect(written.isValid(at: expiry.addingTimeInterval(-1)))
            #expect(!written.isValid(at: expiry))

            let stale = await #expect(throws: KubeError.self) {
                _ = try await client.updateStatus(
                    .addOnPlacementScore, namespace: "edge-1", name: "resource-usage",
                    body: Self.score(value: 1, validUntil: until, version: version))
            }
            #expect(stale?.isConflict == true)
        }
    }

    @Test func appliedStatusIsReadBackAsAPlacementDecision() async throws {
        try await withHub(HubConfiguration()) { _, client in
            let meta: Value = .object([
                ("name", .string("web-decision-1")), ("namespace", .string("placer")),
                ("labels", .object([(PlacementDecisionObject.placementLabel, .string("web"))])),
            ])
            let head: [(String, Value)] = [
                ("apiVersion", .string("cluster.open-cluster-management.io/v1beta1")),
                ("kind", .string("PlacementDecision")), ("metadata", meta),
            ]
            _ = try await client.apply(
                .placementDecision, namespace: "placer", name: "web-decision-1",
                body: Value.object(head).canonicalJSONData())
            let decisions: Value = .array(
                ["edge-2", "edge-1"].map { .object([("clusterName", .string($0)), ("reason", .string(""))]) })
            let status: Value = .object(head + [("status", .object([("decisions", decisions)]))])
            _ = try await client.applyStatus(
                .placementDecision, namespace: "placer", name: "web-decision-1", body: status.canonicalJSONData())
            let read = try PlacementDecisionObject.decode(
                try #require(try await client.get(.placementDecision, namespace: "placer", name: "web-decision-1")))
            #expect(read.placementName == "web")
            #expect(read.clusterNames == ["edge-2", "edge-1"])
            let listed = try await client.list(
                .placementDecision, namespace: "placer", labelSelector: "\(PlacementDecisionObject.placementLabel)=web")
            #expect(
                PlacementDecisionObject.clusterNames(of: try listed.map(PlacementDecisionObject.decode)) == [
                    "edge-1", "edge-2",
                ])

            let missing = await #expect(throws: KubeError.self) {
                _ = try await client.applyStatus(
                    .placementDecision, namespace: "placer", name: "other", body: status.canonicalJSONData())
            }
            #expect(missing?.statusCode == 404 || missing?.statusCode == 400)
        }
    }

    @Test func deleteSendsItsPropagationPolicy() async throws {
        try await withHub(HubConfiguration()) { _, client in
            _ = try await client.create(.lease, namespace: "default", body: Self.lease(holder: "a", version: nil))
            try await client.delete(.lease, namespace: "default", name: "lock", propagationPolicy: .foreground)
            #expect(try await client.get(.lease, namespace: "default", name: "lock") == nil)
            try await client.delete(.lease, namespace: "default", name: "lock", propagationPolicy: .orphan)
        }
        let server = try await ScriptedServer.start { _, _ in
            ScriptedServer.json(#"{"kind":"Status","status":"Success"}"#)
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: server.url, token: "t"))
        try await client.delete(.manifestWork, namespace: "edge-1", name: "shop", propagationPolicy: .background)
        try await client.delete(.manifestWork, namespace: "edge-1", name: "shop")
        try await client.shutdown()
        await server.stop()
        let requests = server.requests
        #expect(requests.map(\.method) == ["DELETE", "DELETE"])
        let options = try JSONSerialization.jsonObject(with: requests[0].body) as? [String: String]
        #expect(options == ["apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"])
        #expect(requests[0].headers["content-type"] == "application/json")
        #expect(requests[1].body.isEmpty)
    }

    static func lease(holder: String, version: String?) -> Data {
        var metadata: [(String, Value)] = [("name", .string("lock")), ("namespace", .string("default"))]
        if let version { metadata.append(("resourceVersion", .string(version))) }
        return Value.object([
            ("apiVersion", .string("coordination.k8s.io/v1")), ("kind", .string("Lease")),
            ("metadata", .object(metadata)),
            ("spec", .object([("holderIdentity", .string(holder)), ("leaseDurationSeconds", .int(15))])),
        ]).canonicalJSONData()
    }

    static func score(value: Int, validUntil: String, version: String?) -> Data {
        var metadata: [(String, Value)] = [("name", .string("resource-usage")), ("namespace", .string("edge-1"))]
        if let version { metadata.append(("resourceVersion", .string(version))) }
        return Value.object([
            ("apiVersion", .string("cluster.open-cluster-management.io/v1alpha1")),
            ("kind", .string("AddOnPlacementScore")), ("metadata", .object(metadata)),
            (
                "status",
                .object([
                    ("scores", .array([.object([("name", .string("cpuAvailable")), ("value", .int(value))])])),
                    ("validUntil", .string(validUntil)),
                ])
            ),
        ]).canonicalJSONData()
    }
}
