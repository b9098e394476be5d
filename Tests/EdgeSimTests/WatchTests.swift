import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

@Suite struct WatchTests {
    let group = "/apis/work.open-cluster-management.io/v1"
    func works(_ namespace: String) -> String { "\(group)/namespaces/\(namespace)/manifestworks" }

    @Test func watchFromZeroStartsWithExistingObjectsThenLiveEvents() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            _ = try await client.send("POST", works("edge-1"), body: workJSON(name: "a", namespace: "edge-1"))
            let watch = try WatchLines(client, "\(group)/manifestworks?watch=1&resourceVersion=0")
            defer { Task { await watch.child.kill() } }
            #expect(await watch.waitForEvents(1).map(\.type) == ["ADDED"])
            _ = try await client.send("POST", works("edge-2"), body: workJSON(name: "b", namespace: "edge-2"))
            _ = try await client.send(
                "PATCH", works("edge-1") + "/a", body: #"{"metadata":{"labels":{"x":"1"}}}"#,
                contentType: "application/merge-patch+json")
            _ = try await client.send("DELETE", works("edge-2") + "/b")
            let events = await watch.waitForEvents(4)
            #expect(events.map(\.type) == ["ADDED", "ADDED", "MODIFIED", "DELETED"])
            #expect(events.map { $0.object.objectNameForTest } == ["a", "b", "a", "b"])
            #expect(events[2].object[path: "metadata.labels.x"] == .string("1"))
            let versions = events.compactMap { $0.object[path: "metadata.resourceVersion"]?.stringValue }
            #expect(Set(versions).count == 4, "every event carries its own resourceVersion")
            await watch.child.kill()
        }
    }

    @Test func watchFromAListVersionReplaysOnlyLaterChangesAndFiltersByLabel() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            _ = try await client.send(
                "POST", works("edge-1"), body: workJSON(name: "old", namespace: "edge-1", labels: ["app": "web"]))
            let list = try await client.send("GET", works("edge-1"))
            let version = try #require(list.body[path: "metadata.resourceVersion"]?.stringValue)
            _ = try await client.send(
                "POST", works("edge-1"), body: workJSON(name: "db", namespace: "edge-1", labels: ["app": "db"]))
            _ = try await client.send(
                "POST", works("edge-1"), body: workJSON(name: "new", namespace: "edge-1", labels: ["app": "web"]))
            let watch = try WatchLines(
                client, works("edge-1") + "?watch=1&resourceVersion=\(version)&labelSelector=app%3Dweb")
            let events = await watch.waitForEvents(1)
            try await Task.sleep(for: .milliseconds(200))
            #expect(events.map(\.type) == ["ADDED"])
            #expect(watch.events.map { $0.object.objectNameForTest } == ["new"], "only the later, matching object")
            await watch.child.kill()
        }
    }

    @Test func objectsEnteringOrLeavingALabelSelectorAreAddedOrDeleted() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            _ = try await client.send(
                "POST", works("edge-1"), body: workJSON(name: "a", namespace: "edge-1", labels: ["app": "web"]))
            let watch = try WatchLines(client, works("edge-1") + "?watch=1&labelSelector=app%3Dweb")
            #expect(await watch.waitForEvents(1).map(\.type) == ["ADDED"])
            func relabel(_ value: String) async throws {
                _ = try await client.send(
                    "PATCH", works("edge-1") + "/a", body: #"{"metadata":{"labels":{"app":"\#(value)"}}}"#,
                    contentType: "application/merge-patch+json")
            }
            try await relabel("db")
            try await relabel("other")
            try await relabel("web")
            let events = await watch.waitForEvents(3)
            #expect(events.map(\.type) == ["ADDED", "DELETED", "ADDED"])
            await watch.child.kill()
        }
    }

    @Test func bookmarksCarryOnlyTheResourceVersion() async throws {
        let configuration = HubConfiguration(agentDelay: .seconds(60), bookmarkInterval: .milliseconds(100))
        try await withHub(configuration: configuration) { hub in
            let client = HubClient(hub)
            _ = try await client.send("POST", works("edge-1"), body: workJSON(name: "a", namespace: "edge-1"))
            let current = try await client.send("GET", works("edge-1"))
            let version = try #require(current.body[path: "metadata.resourceVersion"]?.stringValue)
            let watch = try WatchLines(
                client, works("edge-1") + "?watch=1&resourceVersion=\(version)&allowWatchBookmarks=true")
            let events = await watch.waitForEvents(2)
            #expect(events.count >= 2)
            let bookmark = try #require(events.first)
            #expect(bookmark.type == "BOOKMARK")
            #expect(bookmark.object[path: "metadata.resourceVersion"] == .string(version))
            #expect(bookmark.object["kind"] == .string("ManifestWork"))
            #expect(bookmark.object[path: "metadata.name"] == nil)
            #expect(bookmark.object["spec"] == nil)
            await watch.child.kill()
            // Without allowWatchBookmarks there are none.
            let plain = try WatchLines(client, works("edge-1") + "?watch=1&resourceVersion=\(version)")
            try await Task.sleep(for: .milliseconds(400))
            #expect(plain.events.isEmpty)
            await plain.child.kill()
        }
    }

    @Test func aVersionOlderThanTheHistoryIs410Gone() async throws {
        try await withHub(configuration: HubConfiguration(agentDelay: .seconds(60), watchHistoryLimit: 3)) { hub in
            let client = HubClient(hub)
            let first = try await client.send("POST", works("edge-1"), body: workJSON(name: "a", namespace: "edge-1"))
            let version = try #require(first.body[path: "metadata.resourceVersion"]?.stringValue)
            for index in 0..<5 {
                _ = try await client.send(
                    "PATCH", works("edge-1") + "/a", body: #"{"metadata":{"labels":{"n":"\#(index)"}}}"#,
                    contentType: "application/merge-patch+json")
            }
            let gone = try await client.send("GET", works("edge-1") + "?watch=1&resourceVersion=\(version)")
            #expect(gone.code == 410)
            #expect(gone.body["kind"] == .string("Status"))
            #expect(gone.body["reason"] == .string("Expired"))
            #expect(gone.body["code"] == .number("410"))
            let bad = try await client.send("GET", works("edge-1") + "?watch=1&resourceVersion=abc")
            #expect(bad.code == 400)
        }
    }

    @Test func timeoutSecondsEndsTheStream() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let watch = try WatchLines(client, works("edge-1") + "?watch=1&timeoutSeconds=1")
            #expect(await watch.child.waitForExit(timeout: .seconds(10)), "curl ends when the server closes the watch")
            #expect(watch.child.process.terminationStatus == 0)
            await watch.child.kill()
        }
    }

    @Test func clusterScopedWatchSeesAvailabilityChanges() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            try await hub.seed(testCluster("edge-1"))
            let watch = try WatchLines(client, "/apis/cluster.open-cluster-management.io/v1/managedclusters?watch=true")
            #expect(await watch.waitForEvents(1).map(\.type) == ["ADDED"])
            try await hub.setClusterAvailable("edge-1", false)
            let events = await watch.waitForEvents(2)
            #expect(events.map(\.type) == ["ADDED", "MODIFIED"])
            #expect(
                events.last?.object[path: "spec.taints"]?.arrayValue?.first?["key"]
                    == .string("cluster.open-cluster-management.io/unavailable"))
            await watch.child.kill()
        }
    }

    @Test func stoppingTheHubEndsOpenWatches() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration(agentDelay: .seconds(60)))
        try await hub.start()
        let watch = try WatchLines(HubClient(hub), works("edge-1") + "?watch=1&allowWatchBookmarks=true")
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        await hub.stop()
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await watch.child.waitForExit(timeout: .seconds(5)))
        await watch.child.kill()
    }
}

extension Value {
    var objectNameForTest: String { self[path: "metadata.name"]?.stringValue ?? "" }
}

/// A ManagedCluster object for seeding.
func testCluster(_ name: String, labels: [String: String] = [:]) -> Value {
    .object([
        ("apiVersion", .string("cluster.open-cluster-management.io/v1")), ("kind", .string("ManagedCluster")),
        (
            "metadata",
            .object([
                ("name", .string(name)),
                ("labels", .object(labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })),
            ])
        ),
        ("spec", .object([("hubAcceptsClient", .bool(true))])),
        (
            "status",
            .object([
                (
                    "conditions",
                    .array([
                        .object([
                            ("type", .string("ManagedClusterConditionAvailable")), ("status", .string("True")),
                            ("reason", .string("ManagedClusterAvailable")), ("message", .string("")),
                            ("lastTransitionTime", .string("2026-01-01T00:00:00Z")),
                        ])
                    ])
                )
            ])
        ),
    ])
}
