import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

@Suite struct PagingTests {
    let works = "/apis/work.open-cluster-management.io/v1/manifestworks"

    func names(_ reply: HubClient.Reply) -> [String] {
        reply.body["items"]?.arrayValue?.compactMap { $0[path: "metadata.name"]?.stringValue } ?? []
    }

    @Test func limitAndContinueWalkTheWholeList() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            for (index, namespace) in ["edge-1", "edge-1", "edge-2", "edge-2", "edge-3"].enumerated() {
                let path = "/apis/work.open-cluster-management.io/v1/namespaces/\(namespace)/manifestworks"
                _ = try await client.send("POST", path, body: workJSON(name: "w\(index)", namespace: namespace))
            }
            let first = try await client.send("GET", works + "?limit=2")
            #expect(names(first) == ["w0", "w1"])
            #expect(first.body[path: "metadata.remainingItemCount"] == .number("3"))
            let listVersion = first.body[path: "metadata.resourceVersion"]
            let token = try #require(first.body[path: "metadata.continue"]?.stringValue)
            // A change between pages does not change the list's resourceVersion.
            _ = try await client.send(
                "POST", "/apis/work.open-cluster-management.io/v1/namespaces/edge-9/manifestworks",
                body: workJSON(name: "late", namespace: "edge-9"))
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
            let second = try await client.send("GET", works + "?limit=2&continue=\(encoded)")
            #expect(names(second) == ["w2", "w3"])
            #expect(second.body[path: "metadata.resourceVersion"] == listVersion)
            let next = try #require(second.body[path: "metadata.continue"]?.stringValue)
            let third = try await client.send(
                "GET",
                works + "?limit=2&continue=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? next)"
            )
            #expect(names(third) == ["w4", "late"])
            #expect(third.body[path: "metadata.continue"] == nil)
            let all = try await client.send("GET", works)
            #expect(names(all).count == 6)
            #expect(all.body[path: "metadata.continue"] == nil)
        }
    }

    @Test func badAndExpiredTokensAreRefused() async throws {
        try await withHub(configuration: HubConfiguration(agentDelay: .seconds(60), watchHistoryLimit: 2)) { hub in
            let client = HubClient(hub)
            let path = "/apis/work.open-cluster-management.io/v1/namespaces/edge-1/manifestworks"
            for index in 0..<3 {
                _ = try await client.send("POST", path, body: workJSON(name: "w\(index)", namespace: "edge-1"))
            }
            let first = try await client.send("GET", path + "?limit=1")
            let token = try #require(first.body[path: "metadata.continue"]?.stringValue)
            let bad = try await client.send("GET", path + "?limit=1&continue=not-a-token")
            #expect(bad.code == 400)
            #expect(bad.body["reason"] == .string("BadRequest"))
            for index in 0..<3 {
                _ = try await client.send(
                    "PATCH", path + "/w0", body: #"{"metadata":{"labels":{"n":"\#(index)"}}}"#,
                    contentType: "application/merge-patch+json")
            }
            let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
            let expired = try await client.send("GET", path + "?limit=1&continue=\(encoded)")
            #expect(expired.code == 410)
            #expect(expired.body["reason"] == .string("Expired"))
        }
    }
}
