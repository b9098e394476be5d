import AppModel
import EdgeSim
import Foundation
import Hummingbird
import OCMClient
import PlacerTestSupport
import Testing

/// Reads elements of `stream` until `done` says the list is complete, or fails after `timeout`.
func collect<Element: Sendable>(
    _ stream: AsyncThrowingStream<Element, Error>, timeout: Duration = .seconds(10),
    until done: @escaping @Sendable ([Element]) -> Bool
) async throws -> [Element] {
    try await withThrowingTaskGroup(of: [Element]?.self) { group in
        group.addTask {
            var seen: [Element] = []
            for try await element in stream {
                seen.append(element)
                if done(seen) { return seen }
            }
            return seen
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let seen = first else { throw CollectTimedOut() }
        return seen
    }
}

struct CollectTimedOut: Error {}

/// `watch` against the EdgeSim hub and a scripted stream.
@Suite struct WatchTests {
    @Test func changesAfterAResourceVersionArriveInOrderWithBookmarks() async throws {
        try await withHub(HubConfiguration(bookmarkInterval: .milliseconds(200))) { hub, client in
            _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-1"))
            let start = try await client.listAll(.managedCluster, namespace: nil)
            let startVersion = try #require(start.resourceVersion)
            let stream = client.watch(.managedCluster, namespace: nil, resourceVersion: startVersion)
            _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-2"))
            _ = try await client.apply(
                .managedCluster, namespace: nil, name: "edge-2", body: clusterJSON("edge-2", labels: ["zone": "north"]))
            try await client.delete(.managedCluster, namespace: nil, name: "edge-1")
            let events = try await collect(stream) { seen in
                seen.filter { $0.type != .bookmark }.count >= 3 && seen.last?.type == .bookmark
            }
            let changes = events.filter { $0.type != .bookmark }
            #expect(changes.map(\.type) == [.added, .modified, .deleted])
            #expect(changes.map(\.metadata.name) == ["edge-2", "edge-2", "edge-1"])
            #expect(changes[1].metadata.labels?["zone"] == "north")
            #expect(try ManagedClusterObject.decode(changes[1].object).metadata.labels?["zone"] == "north")
            let versions = changes.compactMap(\.resourceVersion)
            #expect(versions.count == 3 && Set(versions).count == 3 && !versions.contains(startVersion))
            let bookmark = try #require(events.last)
            #expect(bookmark.metadata.name == nil)
            let current = try await client.listAll(.managedCluster, namespace: nil).resourceVersion
            #expect(bookmark.resourceVersion == current, "a bookmark carries the hub's current resourceVersion")
            _ = hub
        }
    }

    @Test func aWatchWithoutAResourceVersionStartsWithTheExistingObjects() async throws {
        try await withHub(HubConfiguration()) { _, client in
            for name in ["edge-1", "edge-2"] {
                _ = try await client.create(
                    .managedCluster, namespace: nil,
                    body: clusterJSON(name, labels: ["team": name == "edge-1" ? "a" : "b"]))
            }
            let all = try await collect(client.watch(.managedCluster, namespace: nil, resourceVersion: nil)) {
                $0.count >= 2
            }
            #expect(all.map(\.type) == [.added, .added])
            #expect(all.map(\.metadata.name) == ["edge-1", "edge-2"])
            let selected = client.watch(.managedCluster, namespace: nil, labelSelector: "team=b", resourceVersion: nil)
            _ = try await client.create(
                .managedCluster, namespace: nil, body: clusterJSON("edge-3", labels: ["team": "b"]))
            let teamB = try await collect(selected) { $0.count >= 2 }
            #expect(teamB.map(\.metadata.name) == ["edge-2", "edge-3"])
        }
    }

    @Test func aResourceVersionOlderThanTheHistoryIsGone() async throws {
        try await withHub(HubConfiguration(watchHistoryLimit: 2)) { _, client in
            _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-0"))
            let before = try await client.listAll(.managedCluster, namespace: nil).resourceVersion
            #expect(before != "0", "resourceVersion 0 means any version, which never expires")
            for index in 1...5 {
                _ = try await client.create(.managedCluster, namespace: nil, body: clusterJSON("edge-\(index)"))
            }
            let error = await #expect(throws: KubeError.self) {
                _ = try await collect(client.watch(.managedCluster, namespace: nil, resourceVersion: before)) { _ in
                    true
                }
            }
            #expect(error?.isGone == true)
        }
    }

    @Test func theServerEndsTheWatchAfterTimeoutSeconds() async throws {
        try await withHub(HubConfiguration()) { _, client in
            let rv = try await client.listAll(.managedCluster, namespace: nil).resourceVersion
            let started = ContinuousClock.now
            let events = try await collect(
                client.watch(.managedCluster, namespace: nil, resourceVersion: rv, timeoutSeconds: 1)
            ) { _ in false }
            #expect(events.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func errorEventsAreYieldedAndADroppedStreamThrows() async throws {
        let server = try await ScriptedServer.start { request, _ in
            if request.query["resourceVersion"] == "1" {
                return ScriptedServer.stream([
                    (
                        .zero,
                        #"{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"2"},"spec":{"x":1.50}}}"#
                    ),
                    (.zero, ""),
                    (
                        .milliseconds(50),
                        #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}}"#
                    ),
                ])
            }
            return ScriptedServer.stream(
                [
                    (.zero, #"{"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"3"}}}"#),
                    (.milliseconds(200), ""),
                ], dropAtEnd: true)
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: server.url, token: "t"))
        let events = try await collect(client.watch(.manifestWork, namespace: "edge-1", resourceVersion: "1")) { _ in
            false
        }
        #expect(events.map(\.type) == [.added, .error])
        #expect(
            String(decoding: events[0].object, as: UTF8.self)
                == #"{"metadata":{"name":"a","resourceVersion":"2"},"spec":{"x":1.50}}"#)
        #expect(events[1].status?.code == 410)
        #expect(events[1].status?.reason == "Expired")
        var received: [WatchEvent] = []
        let error = await #expect(throws: KubeError.self) {
            for try await event in client.watch(.manifestWork, namespace: "edge-1", resourceVersion: "2") {
                received.append(event)
            }
        }
        #expect(received.map(\.type) == [.modified])
        #expect(error?.kind == .unreachable)
        let query = try #require(server.requests.first?.query)
        #expect(query["watch"] == "1")
        #expect(query["allowWatchBookmarks"] == "true")
        #expect(Int(query["timeoutSeconds"] ?? "") ?? 0 >= 300)
        #expect(
            server.requests.first?.path == "/apis/work.open-cluster-management.io/v1/namespaces/edge-1/manifestworks")
        try await client.shutdown()
        await server.stop()
    }
}
