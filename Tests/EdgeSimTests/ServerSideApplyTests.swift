import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

@Suite struct ServerSideApplyTests {
    let works = "/apis/work.open-cluster-management.io/v1/namespaces/edge-1/manifestworks"

    /// A ManifestWork apply body with the given labels and replicas (nil leaves `spec` out).
    func body(labels: [String: String], replicas: Int? = 1) -> String {
        let labelText = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            .joined(separator: ",")
        let spec =
            replicas.map {
                #","spec":{"workload":{"manifests":[{"apiVersion":"apps/v1","kind":"Deployment","#
                    + #""metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":\#($0)}}]}}"#
            } ?? ""
        return #"{"apiVersion":"work.open-cluster-management.io/v1","kind":"ManifestWork","#
            + #""metadata":{"name":"w1","namespace":"edge-1","labels":{\#(labelText)}}\#(spec)}"#
    }

    func apply(
        _ client: HubClient, _ body: String, manager: String, force: Bool = false
    ) async throws
        -> HubClient.Reply
    {
        try await client.send(
            "PATCH", works + "/w1?fieldManager=\(manager)\(force ? "&force=true" : "")", body: body,
            contentType: "application/apply-patch+yaml")
    }

    func entry(_ object: Value, _ manager: String) -> Value? {
        object[path: "metadata.managedFields"]?.arrayValue?.first { $0["manager"] == .string(manager) }
    }

    @Test func applyRecordsManagedFieldsPerManager() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let created = try await apply(client, body(labels: ["app": "web"]), manager: "placer")
            #expect(created.code == 201)
            let mine = try #require(entry(created.body, "placer"))
            #expect(mine["operation"] == .string("Apply"))
            #expect(mine["apiVersion"] == .string("work.open-cluster-management.io/v1"))
            #expect(mine["fieldsType"] == .string("FieldsV1"))
            #expect(mine[path: "fieldsV1.f:metadata.f:labels.f:app"] == .object([]))
            #expect(mine[path: "fieldsV1.f:spec.f:workload.f:manifests"] == .object([]), "lists are atomic")
            #expect(mine["time"]?.stringValue?.isEmpty == false)

            let other = try await apply(client, body(labels: ["team": "ops"], replicas: nil), manager: "ops")
            #expect(other.code == 200)
            #expect(
                other.body[path: "metadata.labels"] == .object([("app", .string("web")), ("team", .string("ops"))]))
            #expect(entry(other.body, "ops")?[path: "fieldsV1.f:metadata.f:labels.f:team"] == .object([]))
            #expect(entry(other.body, "placer") != nil)
        }
    }

    @Test func changingAnotherManagersFieldConflictsUnlessForced() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            _ = try await apply(client, body(labels: ["app": "web"], replicas: 1), manager: "placer")
            // Same values: no conflict, shared ownership.
            let same = try await apply(client, body(labels: ["app": "web"], replicas: 1), manager: "human")
            #expect(same.code == 200)
            let conflict = try await apply(client, body(labels: ["app": "db"], replicas: 1), manager: "other")
            #expect(conflict.code == 409)
            #expect(conflict.body["reason"] == .string("Conflict"))
            let message = conflict.body["message"]?.stringValue ?? ""
            #expect(message.contains(#"conflict with "placer""#), "\(message)")
            #expect(message.contains(".metadata.labels.app"), "\(message)")
            let causes = conflict.body[path: "details.causes"]?.arrayValue ?? []
            #expect(causes.contains { $0["field"] == .string(".metadata.labels.app") })
            #expect(causes.allSatisfy { $0["type"] == .string("FieldManagerConflict") })
            #expect(try await client.send("GET", works + "/w1").body[path: "metadata.labels.app"] == .string("web"))

            let forced = try await apply(
                client, body(labels: ["app": "db"], replicas: 1), manager: "other", force: true)
            #expect(forced.code == 200)
            #expect(forced.body[path: "metadata.labels.app"] == .string("db"))
            #expect(
                entry(forced.body, "placer")?[path: "fieldsV1.f:metadata.f:labels.f:app"] == nil,
                "force takes the field from placer")
            #expect(entry(forced.body, "other")?[path: "fieldsV1.f:metadata.f:labels.f:app"] == .object([]))
            // Now placer conflicts with "other" (and "human" only agrees on the old value: both listed).
            let back = try await apply(client, body(labels: ["app": "web"], replicas: 1), manager: "placer")
            #expect(back.code == 409)
            #expect((back.body["message"]?.stringValue ?? "").contains(#""other""#))
        }
    }

    @Test func anUpdateOwnsWhatItChangedAndConflictsWithAppliers() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let created = try await apply(client, body(labels: ["app": "web"], replicas: 1), manager: "placer")
            let edited = created.body.settingLabel("app", "edited")
            let put = try await client.send(
                "PUT", works + "/w1?fieldManager=kubectl-edit", body: edited.canonicalJSON())
            #expect(put.code == 200)
            let update = try #require(entry(put.body, "kubectl-edit"))
            #expect(update["operation"] == .string("Update"))
            #expect(update[path: "fieldsV1.f:metadata.f:labels.f:app"] == .object([]))
            #expect(update[path: "fieldsV1.f:spec"] == nil, "an update owns only what it changed")
            let reapply = try await apply(client, body(labels: ["app": "web"], replicas: 1), manager: "placer")
            #expect(reapply.code == 409)
            #expect(
                reapply.text.contains(
                    #"conflict with \"kubectl-edit\" using work.open-cluster-management.io/v1: .metadata.labels.app"#),
                "\(reapply.text)")
            let forced = try await apply(
                client, body(labels: ["app": "web"], replicas: 1), manager: "placer", force: true)
            #expect(forced.body[path: "metadata.labels.app"] == .string("web"))
            #expect(entry(forced.body, "kubectl-edit") == nil, "an entry left with no fields is dropped")
        }
    }

    @Test func fieldsAManagerStopsApplyingAreRemovedUnlessSomeoneElseOwnsThem() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            _ = try await apply(
                client, body(labels: ["app": "web", "tier": "front", "shared": "x"]), manager: "placer")
            let ops = try await apply(client, body(labels: ["shared": "x"], replicas: nil), manager: "ops")
            #expect(entry(ops.body, "ops") != nil, "\(ops.text)")
            let dropped = try await apply(client, body(labels: ["app": "web"]), manager: "placer")
            #expect(
                dropped.body[path: "metadata.labels"] == .object([("app", .string("web")), ("shared", .string("x"))]))
        }
    }

    @Test func managedFieldsInTheBodyAreRefused() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let text = body(labels: [:]).replacingOccurrences(
                of: #""labels":{}"#, with: #""managedFields":[{"manager":"x","operation":"Apply"}]"#)
            let refused = try await apply(client, text, manager: "placer")
            #expect(refused.code == 400)
            #expect(refused.body["reason"] == .string("BadRequest"))
        }
    }

    @Test func mapListsMergeByKeyAcrossManagers() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let scores = "/apis/cluster.open-cluster-management.io/v1alpha1/namespaces/edge-1/addonplacementscores"
            let object =
                #"{"apiVersion":"cluster.open-cluster-management.io/v1alpha1","kind":"AddOnPlacementScore","#
                + #""metadata":{"name":"usage","namespace":"edge-1"}}"#
            #expect(try await client.send("POST", scores, body: object).code == 201)
            func status(_ name: String, _ value: Int) -> String {
                #"{"apiVersion":"cluster.open-cluster-management.io/v1alpha1","kind":"AddOnPlacementScore","#
                    + #""metadata":{"name":"usage","namespace":"edge-1"},"#
                    + #""status":{"scores":[{"name":"\#(name)","value":\#(value)}]}}"#
            }
            let cpu = try await client.send(
                "PATCH", scores + "/usage/status?fieldManager=cpu", body: status("cpu", 10),
                contentType: "application/apply-patch+yaml")
            #expect(cpu.code == 200, "\(cpu.text)")
            let memory = try await client.send(
                "PATCH", scores + "/usage/status?fieldManager=memory", body: status("memory", 20),
                contentType: "application/apply-patch+yaml")
            let names = memory.body[path: "status.scores"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["cpu", "memory"], "\(memory.text)")
            let owned = try #require(entry(memory.body, "memory"))
            #expect(owned["subresource"] == .string("status"))
            let fields = owned["fieldsV1"]?["f:status"]?["f:scores"]?[#"k:{"name":"memory"}"#]
            #expect(fields?["f:value"] == .object([]), "\(memory.text)")
        }
    }
}
