import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

/// Leases (leader election), Events (drift records) and Namespaces.
@Suite struct CoreResourceTests {
    let leases = "/apis/coordination.k8s.io/v1/namespaces/placer-system/leases"

    func leaseJSON(holder: String, resourceVersion: String? = nil, renewed: String = "00") -> String {
        let version = resourceVersion.map { #","resourceVersion":"\#($0)""# } ?? ""
        return """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
             "metadata":{"name":"placer","namespace":"placer-system"\(version)},
             "spec":{"holderIdentity":"\(holder)","leaseDurationSeconds":15,
                     "acquireTime":"2026-01-01T00:00:00.000000Z","renewTime":"2026-01-01T00:00:\(renewed).000000Z",
                     "leaseTransitions":0}}
            """
    }

    @Test func leasesSupportCreateGetAndOptimisticUpdate() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            #expect(try await client.send("GET", leases + "/placer").code == 404)
            let created = try await client.send("POST", leases, body: leaseJSON(holder: "a"))
            #expect(created.code == 201)
            #expect(created.body[path: "spec.renewTime"] == .string("2026-01-01T00:00:00.000000Z"))
            let version = try #require(created.body[path: "metadata.resourceVersion"]?.stringValue)
            #expect(try await client.send("POST", leases, body: leaseJSON(holder: "b")).code == 409)

            let renewed = try await client.send(
                "PUT", leases + "/placer", body: leaseJSON(holder: "a", resourceVersion: version, renewed: "10"))
            #expect(renewed.code == 200)
            let stale = try await client.send(
                "PUT", leases + "/placer", body: leaseJSON(holder: "b", resourceVersion: version, renewed: "20"))
            #expect(stale.code == 409)
            #expect(stale.body["reason"] == .string("Conflict"))
            let got = try await client.send("GET", leases + "/placer")
            #expect(got.body[path: "spec.holderIdentity"] == .string("a"))
            #expect(got.body[path: "metadata.managedFields"]?.arrayValue?.first?["operation"] == .string("Update"))

            let list = try await client.send("GET", leases)
            #expect(list.body["kind"] == .string("LeaseList"))
            #expect(try await client.send("DELETE", leases + "/placer").code == 200)
            #expect(try await client.send("GET", leases + "/placer").code == 404)

            let discovery = try await client.send("GET", "/apis/coordination.k8s.io/v1")
            let names = discovery.body["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["leases"])
            let verbs = discovery.body["resources"]?.arrayValue?.first?["verbs"]?.arrayValue ?? []
            #expect(verbs.contains(.string("watch")))
            let groups = try await client.send("GET", "/apis")
            #expect(
                groups.body["groups"]?.arrayValue?.contains { $0["name"] == .string("coordination.k8s.io") } == true)
        }
    }

    @Test func eventsCanBeRecordedAndListed() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let event = """
                {"apiVersion":"v1","kind":"Event","metadata":{"generateName":"shop-web.","namespace":"edge-1"},
                 "involvedObject":{"apiVersion":"work.open-cluster-management.io/v1","kind":"ManifestWork",
                                   "name":"shop-web","namespace":"edge-1"},
                 "reason":"DriftCorrected","message":"spec changed on the hub; re-applied","type":"Warning",
                 "source":{"component":"placer"},"count":1}
                """
            let created = try await client.send("POST", "/api/v1/namespaces/edge-1/events", body: event)
            #expect(created.code == 201)
            #expect(created.body[path: "metadata.name"]?.stringValue?.hasPrefix("shop-web.") == true)
            let list = try await client.send("GET", "/api/v1/namespaces/edge-1/events")
            #expect(list.body["kind"] == .string("EventList"))
            let items = list.body["items"]?.arrayValue ?? []
            #expect(items.count == 1)
            #expect(items.first?["reason"] == .string("DriftCorrected"))
            #expect(items.first?[path: "involvedObject.name"] == .string("shop-web"))
            let all = try await client.send("GET", "/api/v1/events")
            #expect(all.body["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func namespacesCanBeCreatedAndRead() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let body = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"placer-system"}}"#
            #expect(try await client.send("POST", "/api/v1/namespaces", body: body).code == 201)
            #expect(try await client.send("POST", "/api/v1/namespaces", body: body).code == 409)
            let got = try await client.send("GET", "/api/v1/namespaces/placer-system")
            #expect(got.code == 200)
            #expect(got.body[path: "metadata.name"] == .string("placer-system"))
            #expect(try await client.send("GET", "/api/v1/namespaces/nowhere").code == 404)
        }
    }
}
