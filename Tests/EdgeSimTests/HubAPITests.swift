import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

@Suite struct HubAPITests {
    let worksPath = "/apis/work.open-cluster-management.io/v1/namespaces/edge-1/manifestworks"

    @Test func requestsWithoutTheTokenGet401() async throws {
        try await withHub { hub in
            let anonymous = HubClient(hub, token: "")
            let reply = try await anonymous.send("GET", "/apis", authorization: "")
            #expect(reply.code == 401)
            #expect(reply.body["kind"] == .string("Status"))
            #expect(reply.body["reason"] == .string("Unauthorized"))
            let wrong = try await HubClient(hub, token: "not-the-token").send("GET", worksPath)
            #expect(wrong.code == 401)
            #expect(try await HubClient(hub).send("GET", worksPath).code == 200)
        }
    }

    @Test func anonymousReadsAllowOnlyTokenlessGets() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration(anonymousReads: true))
        try await hub.start()
        let client = HubClient(hub)
        #expect(try await client.send("GET", worksPath, authorization: "none").code == 200)
        #expect(try await client.send("GET", worksPath, authorization: "Bearer wrong").code == 401)
        let write = try await client.send(
            "POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1"), authorization: "none")
        #expect(write.code == 401)
        #expect(try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1")).code == 201)
        await hub.stop()
        let strict = EdgeSimHub()
        try await strict.start()
        #expect(try await HubClient(strict).send("GET", worksPath, authorization: "none").code == 401)
        await strict.stop()
    }

    @Test func creatingAnExistingObjectIs409AlreadyExists() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let first = try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1"))
            #expect(first.code == 201)
            #expect(first.body[path: "metadata.generation"] == .number("1"))
            #expect(first.body[path: "metadata.uid"]?.stringValue?.isEmpty == false)
            let second = try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1"))
            #expect(second.code == 409)
            #expect(second.body["reason"] == .string("AlreadyExists"))
            #expect(second.body["status"] == .string("Failure"))
            #expect(await hub.mutationCount() == 1)
        }
    }

    @Test func putWithAStaleResourceVersionIs409Conflict() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let created = try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1"))
            let staleVersion = try #require(created.body[path: "metadata.resourceVersion"]?.stringValue)
            let relabelled = created.body.settingLabel("tier", "gold")
            let updated = try await client.send("PUT", worksPath + "/w1", body: relabelled.canonicalJSON())
            #expect(updated.code == 200)
            #expect(updated.body[path: "metadata.resourceVersion"]?.stringValue != staleVersion)
            #expect(updated.body[path: "metadata.generation"] == .number("1"), "a label change keeps the generation")
            let stale = try await client.send(
                "PUT", worksPath + "/w1", body: created.body.settingLabel("tier", "silver").canonicalJSON())
            #expect(stale.code == 409)
            #expect(stale.body["reason"] == .string("Conflict"))
            let stored = try await client.send("GET", worksPath + "/w1")
            #expect(stored.body[path: "metadata.labels.tier"] == .string("gold"))
        }
    }

    @Test func applyNeedsAFieldManager() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let body = workJSON(name: "w1", namespace: "edge-1")
            let refused = try await client.send(
                "PATCH", worksPath + "/w1", body: body, contentType: "application/apply-patch+yaml")
            #expect(refused.code == 400)
            #expect(refused.body["reason"] == .string("BadRequest"))
            #expect(await hub.objects("manifestworks").isEmpty)
            let applied = try await client.send(
                "PATCH", worksPath + "/w1?fieldManager=test&force=true", body: body,
                contentType: "application/apply-patch+yaml")
            #expect(applied.code == 201)
            #expect(await hub.objects("manifestworks", namespace: "edge-1").count == 1)
        }
    }

    @Test func applyAcceptsYAMLAndBumpsGenerationOnlyForSpecChanges() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            func apply(_ replicas: Int, label: String) async throws -> HubClient.Reply {
                let yaml = """
                    apiVersion: work.open-cluster-management.io/v1
                    kind: ManifestWork
                    metadata:
                      name: w1
                      namespace: edge-1
                      labels: {app: "\(label)"}
                    spec:
                      workload:
                        manifests:
                        - apiVersion: apps/v1
                          kind: Deployment
                          metadata: {name: web, namespace: shop}
                          spec: {replicas: \(replicas)}
                    status:
                      conditions: [{type: Applied, status: "False"}]
                    """
                return try await client.send(
                    "PATCH", worksPath + "/w1?fieldManager=test", body: yaml,
                    contentType: "application/apply-patch+yaml")
            }
            let created = try await apply(1, label: "a")
            #expect(created.code == 201)
            #expect(created.body["status"] == nil, "status is never taken from the main resource")
            let relabelled = try await apply(1, label: "b")
            #expect(relabelled.body[path: "metadata.generation"] == .number("1"))
            #expect(relabelled.body[path: "metadata.labels.app"] == .string("b"))
            let scaled = try await apply(3, label: "b")
            #expect(scaled.body[path: "metadata.generation"] == .number("2"))
            let unchanged = try await apply(3, label: "b")
            #expect(unchanged.code == 200)
            #expect(
                unchanged.body[path: "metadata.resourceVersion"] == scaled.body[path: "metadata.resourceVersion"])
            #expect(await hub.mutationCount() == 3)
        }
    }

    @Test func missingObjectsAre404StatusAndDeleteReturnsTheObject() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let missing = try await client.send("GET", worksPath + "/nope")
            #expect(missing.code == 404)
            #expect(missing.body["reason"] == .string("NotFound"))
            #expect(missing.body["code"] == .number("404"))
            #expect(
                missing.body["message"] == .string(#"manifestworks.work.open-cluster-management.io "nope" not found"#))
            _ = try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1"))
            let deleted = try await client.send("DELETE", worksPath + "/w1")
            #expect(deleted.code == 200)
            #expect(deleted.body[path: "metadata.name"] == .string("w1"))
            #expect(try await client.send("GET", worksPath + "/w1").code == 404)
            #expect(try await client.send("DELETE", worksPath + "/w1").code == 404)
        }
    }

    @Test func statusSubresourceWritesOnlyStatus() async throws {
        try await withHub(agentDelay: .seconds(60)) { hub in
            let client = HubClient(hub)
            let created = try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1"))
            let withStatus = created.body
                .setting("status", to: .object([("conditions", .array([]))]))
                .settingLabel("sneaky", "yes")
            let reply = try await client.send("PUT", worksPath + "/w1/status", body: withStatus.canonicalJSON())
            #expect(reply.code == 200)
            #expect(reply.body["status"] == .object([("conditions", .array([]))]))
            #expect(reply.body[path: "metadata.labels.sneaky"] == nil)
            let patched = try await client.send(
                "PATCH", worksPath + "/w1", body: #"{"metadata":{"labels":{"x":"1"}},"status":null}"#,
                contentType: "application/merge-patch+json")
            #expect(patched.code == 200)
            #expect(patched.body[path: "metadata.labels.x"] == .string("1"))
            #expect(patched.body["status"] != nil, "a main-resource patch leaves status alone")
            #expect(await hub.mutationCount() == 3)
        }
    }

    @Test func listFiltersByLabelSelector() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            _ = try await client.send(
                "POST", worksPath, body: workJSON(name: "a", namespace: "edge-1", labels: ["app": "web"]))
            _ = try await client.send(
                "POST", worksPath, body: workJSON(name: "b", namespace: "edge-1", labels: ["app": "db"]))
            _ = try await client.send(
                "POST", "/apis/work.open-cluster-management.io/v1/namespaces/edge-2/manifestworks",
                body: workJSON(name: "c", namespace: "edge-2"))
            func names(_ query: String) async throws -> [String] {
                let reply = try await client.send(
                    "GET", "/apis/work.open-cluster-management.io/v1/manifestworks" + query)
                #expect(reply.body["kind"] == .string("ManifestWorkList"))
                return reply.body["items"]?.arrayValue?.compactMap { $0[path: "metadata.name"]?.stringValue } ?? []
            }
            #expect(try await names("") == ["a", "b", "c"])
            #expect(try await names("?labelSelector=app%3Dweb") == ["a"])
            #expect(try await names("?labelSelector=app!%3Dweb") == ["b", "c"])
            #expect(try await names("?labelSelector=app") == ["a", "b"])
            #expect(try await names("?labelSelector=!app") == ["c"])
            #expect(try await names("?labelSelector=app%20in%20(db,x)") == ["b"])
            let namespaces = try await client.send("GET", "/api/v1/namespaces")
            let nsNames = namespaces.body["items"]?.arrayValue?.compactMap { $0[path: "metadata.name"]?.stringValue }
            #expect(nsNames == ["default", "edge-1", "edge-2"])
        }
    }
}

extension Value {
    func settingLabel(_ key: String, _ value: String) -> Value {
        let metadata = self["metadata"] ?? .object([])
        let labels = (metadata["labels"] ?? .object([])).setting(key, to: .string(value))
        return setting("metadata", to: metadata.setting("labels", to: labels))
    }
}
