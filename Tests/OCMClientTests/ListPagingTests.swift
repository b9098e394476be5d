import EdgeSim
import Foundation
import Hummingbird
import OCMClient
import PlacerTestSupport
import Testing

/// `list` with `limit`/`continue` against the EdgeSim hub and a scripted server.
@Suite struct ListPagingTests {
    @Test func pagesAreFollowedToTheEnd() async throws {
        try await withHub(HubConfiguration()) { _, client in
            let all = (1...7).map { "edge-\($0)" }
            for name in all { _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON(name)) }

            let first = try await client.listPage(.managedCluster, namespace: nil, limit: 3)
            #expect(try names(first.items) == ["edge-1", "edge-2", "edge-3"])
            #expect(first.continueToken != nil)
            #expect(first.remainingItemCount == 4)
            let second = try await client.listPage(
                .managedCluster, namespace: nil, limit: 3, continue: first.continueToken)
            #expect(try names(second.items) == ["edge-4", "edge-5", "edge-6"])
            #expect(second.resourceVersion == first.resourceVersion, "every page belongs to one snapshot")
            let last = try await client.listPage(
                .managedCluster, namespace: nil, limit: 3, continue: second.continueToken)
            #expect(try names(last.items) == ["edge-7"])
            #expect(last.continueToken == nil)

            #expect(try names(try await client.list(.managedCluster, namespace: nil, limit: 3)) == all)
            #expect(try names(try await client.list(.managedCluster, namespace: nil, limit: 1)) == all)
            #expect(try names(try await client.list(.managedCluster, namespace: nil)) == all)
            let snapshot = try await client.listAll(.managedCluster, namespace: nil, limit: 2)
            #expect(snapshot.items.count == 7)
            #expect(snapshot.continueToken == nil)
            #expect(snapshot.resourceVersion?.isEmpty == false)
        }
    }

    @Test func anExpiredContinueTokenIsGone() async throws {
        try await withHub(HubConfiguration(watchHistoryLimit: 2)) { _, client in
            for index in 1...4 {
                _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-\(index)"))
            }
            let first = try await client.listPage(.managedCluster, namespace: nil, limit: 2)
            for index in 5...8 {
                _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-\(index)"))
            }
            let error = await #expect(throws: KubeError.self) {
                _ = try await client.listPage(.managedCluster, namespace: nil, limit: 2, continue: first.continueToken)
            }
            #expect(error?.isGone == true)
            #expect(error?.statusCode == 410)
        }
    }

    /// A server whose first continue token expires: the list restarts once and never mixes two snapshots.
    @Test func aListWhoseTokenExpiresStartsOverOnce() async throws {
        let server = try await ScriptedServer.start { request, index in
            switch (request.query["continue"], index) {
            case (nil, 0):
                return ScriptedServer.json(
                    #"{"metadata":{"resourceVersion":"10","continue":"old"},"items":[{"n":"stale-a"}]}"#)
            case ("old", _):
                return ScriptedServer.status(410, reason: "Expired", message: "continue token expired")
            case (nil, _):
                return ScriptedServer.json(
                    #"{"metadata":{"resourceVersion":"20","continue":"new"},"items":[{"n":"a"}]}"#)
            default:
                return ScriptedServer.json(#"{"metadata":{"resourceVersion":"20","continue":""},"items":[{"n":"b"}]}"#)
            }
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: server.url, token: "t"))
        let page = try await client.listAll(.manifestWork, namespace: "edge-1", labelSelector: "app=web", limit: 1)
        try await client.shutdown()
        await server.stop()
        #expect(page.items.map { String(decoding: $0, as: UTF8.self) } == [#"{"n":"a"}"#, #"{"n":"b"}"#])
        #expect(page.resourceVersion == "20")
        #expect(server.requests.map { $0.query["continue"] ?? "-" } == ["-", "old", "-", "new"])
        #expect(server.requests.allSatisfy { $0.query["limit"] == "1" && $0.query["labelSelector"] == "app=web" })
    }

    @Test func aSecondExpiryIsReported() async throws {
        let server = try await ScriptedServer.start { request, _ in
            request.query["continue"] == nil
                ? ScriptedServer.json(#"{"metadata":{"resourceVersion":"1","continue":"t"},"items":[{}]}"#)
                : ScriptedServer.status(410, reason: "Expired", message: "too old")
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: server.url, token: "t"))
        let error = await #expect(throws: KubeError.self) {
            _ = try await client.list(.manifestWork, namespace: nil, limit: 1)
        }
        try await client.shutdown()
        await server.stop()
        #expect(error?.isGone == true)
        #expect(server.requests.count == 4)
    }
}
