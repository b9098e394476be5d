import EdgeSim
import Foundation
import Hummingbird
import OCMClient
import PlacerTestSupport
import Testing

/// `watchList`: list, watch from the list's version, resume, and re-list on 410.
@Suite struct WatchListTests {
    static let fast = RetryPolicy(
        maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100), jitter: 0, maxElapsed: .seconds(60))

    static func text(_ items: [Data]) -> [String] { items.map { String(decoding: $0, as: UTF8.self) } }

    @Test func listsThenStreamsChangesAcrossWatchTimeouts() async throws {
        try await withHub(HubConfiguration(bookmarkInterval: .milliseconds(100))) { _, client in
            _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-1"))
            let stream = client.watchList(.managedCluster, namespace: nil, limit: 1, timeoutSeconds: 1)
            let changes = Task {
                try await Task.sleep(for: .milliseconds(300))
                _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-2"))
                // After the first watch timed out (1 s): the resumed watch must see this, and only this, once.
                try await Task.sleep(for: .milliseconds(1500))
                try await client.delete(.managedCluster, namespace: nil, name: "edge-1")
            }
            let events = try await collect(stream) { $0.count >= 3 }
            try await changes.value
            guard case .listed(let items) = events[0] else {
                Issue.record("the first event is the list: \(events[0])")
                return
            }
            #expect(try names(items) == ["edge-1"])
            guard case .changed(let added) = events[1], case .changed(let deleted) = events[2] else {
                Issue.record("then changes: \(events)")
                return
            }
            #expect(added.type == .added && added.metadata.name == "edge-2")
            #expect(deleted.type == .deleted && deleted.metadata.name == "edge-1")
        }
    }

    /// A selective watch whose resume point falls out of the hub's history (only other objects changed, and no
    /// bookmark came) resumes with 410 and re-lists.
    @Test func anExpiredResumePointReLists() async throws {
        try await withHub(HubConfiguration(watchHistoryLimit: 3, bookmarkInterval: .seconds(60))) { _, client in
            _ = try await client.create(
                .managedCluster, namespace: nil, body: clusterJSON("a-1", labels: ["team": "a"]))
            let stream = client.watchList(.managedCluster, namespace: nil, labelSelector: "team=a", timeoutSeconds: 1)
            let changes = Task {
                try await Task.sleep(for: .milliseconds(300))
                for index in 1...5 {
                    _ = try await client.create(
                        .managedCluster, namespace: nil, body: clusterJSON("b-\(index)", labels: ["team": "b"]))
                }
                // Well after the re-list (at the 1 s watch timeout): the watch resumed from the new list's version.
                try await Task.sleep(for: .milliseconds(2200))
                _ = try await client.create(
                    .managedCluster, namespace: nil, body: clusterJSON("a-2", labels: ["team": "a"]))
            }
            let events = try await collect(stream, timeout: .seconds(15)) { $0.count >= 3 }
            try await changes.value
            guard events.count == 3, case .listed(let first) = events[0], case .relisted(let again) = events[1],
                case .changed(let added) = events[2]
            else {
                Issue.record("listed, relisted, then a change: \(events)")
                return
            }
            #expect(try names(first) == ["a-1"])
            #expect(try names(again) == ["a-1"])
            #expect(added.type == .added && added.metadata.name == "a-2")
        }
    }

    /// Against a scripted hub: a dropped stream resumes from the last BOOKMARK's version; an ERROR event with
    /// code 410 re-lists; the watch after the re-list starts at the new list's version.
    @Test func resumesAfterADropAndReListsOnAnErrorEvent() async throws {
        let server = try await ScriptedServer.start { request, index in
            switch index {
            case 0:
                return ScriptedServer.json(
                    #"{"metadata":{"resourceVersion":"5"},"items":[{"metadata":{"name":"x1"}}]}"#)
            case 1:
                return ScriptedServer.stream(
                    [
                        (.zero, #"{"type":"ADDED","object":{"metadata":{"name":"x2","resourceVersion":"6"}}}"#),
                        (.zero, #"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}"#),
                        // A pause, so the bookmark is read before the cut (bytes in flight at a reset may be lost).
                        (.milliseconds(200), ""),
                    ], dropAtEnd: true)
            case 2:
                return ScriptedServer.stream([
                    (
                        .zero,
                        #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"#
                    )
                ])
            case 3:
                return ScriptedServer.json(
                    #"{"metadata":{"resourceVersion":"20"},"items":[{"metadata":{"name":"x2"}},{"metadata":{"name":"x3"}}]}"#
                )
            default:
                return ScriptedServer.stream([
                    (.zero, #"{"type":"MODIFIED","object":{"metadata":{"name":"x3","resourceVersion":"21"}}}"#),
                    (.seconds(30), ""),
                ])
            }
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: server.url, token: "t"), retryPolicy: Self.fast)
        let events = try await collect(client.watchList(.manifestWork, namespace: nil, labelSelector: "app=web")) {
            $0.count >= 4
        }
        try await client.shutdown()
        await server.stop()
        #expect(events.count == 4)
        guard events.count == 4, case .listed(let first) = events[0], case .changed(let added) = events[1],
            case .relisted(let again) = events[2], case .changed(let modified) = events[3]
        else {
            Issue.record("unexpected events \(events)")
            return
        }
        #expect(try names(first) == ["x1"])
        #expect(added.type == .added && added.metadata.name == "x2")
        #expect(try names(again) == ["x2", "x3"])
        #expect(modified.type == .modified && modified.resourceVersion == "21")
        let requests = server.requests
        #expect(requests.map { $0.query["watch"] ?? "list" } == ["list", "1", "1", "list", "1"])
        #expect(requests.map { $0.query["resourceVersion"] ?? "-" } == ["-", "5", "9", "-", "20"])
        #expect(requests.allSatisfy { $0.query["labelSelector"] == "app=web" })
    }

    @Test func aLastingRefusalEndsTheStream() async throws {
        let server = try await ScriptedServer.start { _, _ in
            ScriptedServer.status(403, reason: "Forbidden", message: "cannot list manifestworks")
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: server.url, token: "t"), retryPolicy: Self.fast)
        let error = await #expect(throws: KubeError.self) {
            _ = try await collect(client.watchList(.manifestWork, namespace: nil)) { _ in false }
        }
        try await client.shutdown()
        await server.stop()
        #expect(error?.statusCode == 403)
        #expect(server.requests.count == 1)
    }
}
