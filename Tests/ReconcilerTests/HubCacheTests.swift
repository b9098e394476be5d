import AppModel
import EdgeSim
import Foundation
import OCMClient
import PlacerFakes
import PlacerTestSupport
import Synchronization
import Testing

@testable import Reconciler

/// Informer caches on the hub (issue 15), against the EdgeSim hub over HTTPS: a steady-state reconcile sends no
/// request beyond the open watches, drift is repaired from a watch event, an expired watch re-lists, and objects
/// Placer does not own are never written.
@Suite(.serialized) struct HubCacheTests {
    /// A reconciler over a running ``HubCache`` with the decision namespace on; `body` gets both.
    static func withCachedPlacer(
        _ factory: FactoryFixture, _ body: (Reconciler, HubCache) async throws -> Void
    ) async throws {
        var configuration = ReconcilerConfiguration(
            repoURL: factory.repoURL, branch: "main", cacheDirectory: factory.folder.appendingPathComponent("c").path,
            presets: ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path),
            statusWaitSeconds: 3)
        configuration.decisionNamespace = "placer"
        let cache = HubCache(client: factory.client, configuration: configuration)
        let running = Task { try await cache.hub.run() }
        defer { running.cancel() }
        await cache.hub.waitUntilSynced()
        let placer = try Reconciler(configuration: configuration, hub: cache.hub)
        try await body(placer, cache)
    }

    @Test func aSteadyStateReconcileSendsTheHubNoRequest() async throws {
        try await withFactory { factory in
            try await Self.withCachedPlacer(factory) { placer, _ in
                let first = try await placer.reconcileOnce()
                #expect(!first.applied.isEmpty)
                #expect(first.publishedDecisions.count > 1)
                _ = try await placer.reconcileOnce()  // settles status written after the first pass
                let before = factory.hub.requests.snapshot()
                for _ in 0..<3 {
                    let idle = try await placer.reconcileOnce()
                    #expect(idle.applied.isEmpty && idle.deleted.isEmpty && idle.commit == nil)
                    #expect(idle.apps.allSatisfy { $0.phase == .ready }, "\(idle.apps.map { ($0.app, $0.phase) })")
                }
                let during = factory.hub.requests.since(before)
                #expect(during.isEmpty, "hub requests during 3 idle reconciles: \(during)")
            }
        }
    }

    @Test func aPushOfOneAppComparesOnlyItsWorkAndAnAppRemovedIsStillPruned() async throws {
        try await withFactory { factory in
            try await Self.withCachedPlacer(factory) { placer, _ in
                _ = try await placer.reconcileOnce()
                #expect(await placer.lastApplyCompared > 1)
                _ = try await placer.reconcileOnce()  // settles status written after the first pass
                #expect(await placer.lastApplyCompared == 0)
                try factory.humanEdit("apps/fleet-manager/app.yaml", message: "fleet-manager 2.15.0\n") {
                    $0.replacingOccurrences(of: "fleet-manager:2.14.0", with: "fleet-manager:2.15.0")
                }
                let pushed = try await placer.reconcileOnce()
                // One rendered file changed: one work read from Git and compared, not the fleet.
                #expect(await placer.lastApplyCompared == 1)
                #expect(pushed.applied.count == 1 && pushed.applied.first?.hasSuffix("/fleet-manager") == true)
                let cluster = try #require(pushed.applied.first?.split(separator: "/").first.map(String.init))
                let live = try #require(
                    try await factory.client.get(.manifestWork, namespace: cluster, name: "fleet-manager"))
                #expect(String(decoding: live, as: UTF8.self).contains("fleet-manager:2.15.0"))
                #expect(pushed.apps.allSatisfy { $0.phase == .ready }, "\(pushed.apps.map { ($0.app, $0.phase) })")

                // An app removed from Git leaves the hub on the same partial path.
                let before = await factory.works().keys.filter { $0.hasSuffix("/batch-analytics") }
                #expect(before.count == 1)
                let removed = Dictionary(
                    uniqueKeysWithValues: try factory.files().keys.filter { $0.hasPrefix("apps/batch-analytics/") }
                        .map { ($0, Data?.none) })
                _ = try factory.humanPush(removed, message: "retire batch-analytics\n")
                let pruned = try await placer.reconcileOnce()
                #expect(pruned.deleted.contains { $0.hasSuffix("/batch-analytics") }, "\(pruned.deleted)")
                #expect(await factory.works().keys.filter { $0.hasSuffix("/batch-analytics") }.isEmpty)
            }
        }
    }

    @Test func aManifestWorkEditedByAnotherIsRepairedFromItsWatchEvent() async throws {
        try await withFactory { factory in
            try await Self.withCachedPlacer(factory) { placer, cache in
                _ = try await placer.reconcileOnce()
                let trigger = ReconcileTrigger()
                cache.requestReconcileOnDrift(trigger)
                // An hour between polls: only the watch event can explain a quick repair.
                let loop = ReconcileService(reconciler: placer, intervalSeconds: 3600, trigger: trigger)
                let running = Task { try await loop.run() }
                defer { running.cancel() }
                try await Task.sleep(for: .milliseconds(500))  // the loop's first (idle) pass

                let other = try KubeClient(
                    kubeconfig: try Kubeconfig.load(path: factory.kubeconfigPath), fieldManager: "someone-else")
                defer { Task { try? await other.shutdown() } }
                let live = try Value.parseJSON(
                    try #require(try await other.get(.manifestWork, namespace: "factory-dc", name: "mqtt-broker")))
                let edited = (live["spec"] ?? .null).setting(
                    "deleteOption", to: .object([("propagationPolicy", .string("Orphan"))]))
                _ = try await other.update(
                    .manifestWork, namespace: "factory-dc", name: "mqtt-broker",
                    body: live.setting("spec", to: edited).canonicalJSONData())

                var repaired = false
                for _ in 0..<100 where !repaired {
                    try await Task.sleep(for: .milliseconds(100))
                    let now = try Value.parseJSON(
                        try #require(try await other.get(.manifestWork, namespace: "factory-dc", name: "mqtt-broker")))
                    repaired = now[path: "spec.deleteOption.propagationPolicy"] == .string("Foreground")
                }
                #expect(repaired, "the edit was undone within 10 s, with polls an hour apart")
                let events = await factory.hub.objects("events", namespace: "factory-dc")
                #expect(
                    events.contains {
                        $0["reason"] == .string("DriftCorrected")
                            && $0[path: "involvedObject.name"] == .string("mqtt-broker")
                    })
            }
        }
    }

    @Test func aWorkTakenByAnotherOwnerIsNeverWrittenOrPrunedThroughTheCache() async throws {
        try await withFactory { factory in
            try await Self.withCachedPlacer(factory) { placer, cache in
                _ = try await placer.reconcileOnce()
                // Someone else's work beside ours, and one of ours relabelled to another owner.
                let other = try KubeClient(
                    kubeconfig: try Kubeconfig.load(path: factory.kubeconfigPath), fieldManager: "someone-else")
                defer { Task { try? await other.shutdown() } }
                func work(_ name: String) -> Value {
                    .object([
                        ("apiVersion", .string("work.open-cluster-management.io/v1")),
                        ("kind", .string("ManifestWork")),
                        (
                            "metadata",
                            .object([
                                ("name", .string(name)), ("namespace", .string("factory-dc")),
                                ("labels", .object([(Labels.owner, .string("someone-else"))])),
                            ])
                        ),
                        (
                            "spec",
                            .object([
                                (
                                    "workload",
                                    .object([
                                        (
                                            "manifests",
                                            .array([
                                                .object([
                                                    ("apiVersion", .string("v1")), ("kind", .string("ConfigMap")),
                                                    (
                                                        "metadata",
                                                        .object([
                                                            ("name", .string(name)), ("namespace", .string("default")),
                                                        ])
                                                    ),
                                                ])
                                            ])
                                        )
                                    ])
                                )
                            ])
                        ),
                    ])
                }
                _ = try await other.apply(
                    .manifestWork, namespace: "factory-dc", name: "vision-inference",
                    body: work("vision-inference").canonicalJSONData())
                _ = try await other.apply(
                    .manifestWork, namespace: "factory-dc", name: "not-placers",
                    body: work("not-placers").canonicalJSONData())
                // The relabel leaves the owner-selected cache (a DELETED event for it): wait until it has.
                for _ in 0..<50 {
                    if case .some(nil) = await cache.hub.informers[0].object(
                        namespace: "factory-dc", name: "vision-inference")
                    {
                        break
                    }
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await Task.sleep(for: .milliseconds(500))  // the work agent's status on the new works
                let before = await factory.works()
                for _ in 0..<2 {
                    let report = try await placer.reconcileOnce()
                    let vision = try #require(report.apps.first { $0.app == "vision-inference" })
                    #expect(vision.phase == .conflict)
                    #expect(!report.applied.contains("factory-dc/vision-inference"))
                    #expect(!report.deleted.contains { $0.hasSuffix("/not-placers") })
                }
                #expect(await factory.works() == before, "nothing rewritten or deleted")
            }
        }
    }

    /// A watch whose resume point fell out of the hub's history (only objects it does not select changed, no
    /// bookmark came) gets 410 Gone and lists again; the cache then holds what the hub holds.
    @Test func anExpiredWatchReListsAndTheCacheCatchesUp() async throws {
        let tls = try HubTLS(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        let configuration = HubConfiguration(
            agentDelay: .seconds(60), watchHistoryLimit: 3, bookmarkInterval: .seconds(60))
        try await withHub(configuration: configuration, tls: tls) { hub in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "placer-410-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("hub.kubeconfig").path
            try hub.writeKubeconfig(to: path)
            let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: path))
            defer { Task { try? await client.shutdown() } }
            func cluster(_ name: String, team: String) -> Data {
                Value.object([
                    ("apiVersion", .string("cluster.open-cluster-management.io/v1")),
                    ("kind", .string("ManagedCluster")),
                    ("metadata", .object([("name", .string(name)), ("labels", .object([("team", .string(team))]))])),
                    ("spec", .object([("hubAcceptsClient", .bool(true))])),
                ]).canonicalJSONData()
            }
            _ = try await client.create(.managedCluster, namespace: nil, body: cluster("a-1", team: "a"))
            let informer = Informer(
                hub: client, kind: .managedCluster, labelSelector: "team=a",
                retryPolicy: RetryPolicy(
                    maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100), jitter: 0,
                    maxElapsed: .seconds(60)),
                timeoutSeconds: 1)
            let running = Task { try await informer.run() }
            defer { running.cancel() }
            await informer.waitUntilSynced()
            for index in 1...5 {
                _ = try await client.create(.managedCluster, namespace: nil, body: cluster("b-\(index)", team: "b"))
            }
            // The watch ends at its 1 s timeout and resumes from a version the hub no longer keeps: 410, LIST.
            var lists = 0
            for _ in 0..<100 where lists < 2 {
                try await Task.sleep(for: .milliseconds(100))
                lists = await informer.lists
            }
            #expect(lists >= 2, "a second LIST after 410")
            // The watch after the re-list resumes from the new list's version and keeps the cache current.
            try await client.delete(.managedCluster, namespace: nil, name: "a-1")
            _ = try await client.create(.managedCluster, namespace: nil, body: cluster("a-2", team: "a"))
            var held: [String] = []
            for _ in 0..<50 {
                let items = await informer.items(namespace: nil, selector: .init(requirements: [])) ?? []
                held = items.compactMap { try? Value.parseJSON($0)[path: "metadata.name"]?.stringValue }
                if held == ["a-2"] { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(held == ["a-2"])
            #expect((hub.requests.snapshot()["list managedclusters"] ?? 0) >= 2)
        }
    }

    /// A cache cancelled before its first LIST ends: `placer run` got SIGTERM while the informers were still
    /// listing (issue 17's intermittent hang at after-fetch without leader election). The child task of
    /// `CachedHub.run` that waits for a selected informer's first sync used to wait on a continuation nothing
    /// resumed, so the task group, the cache service and the daemon's graceful shutdown never ended.
    @Test func aCacheCancelledBeforeItsFirstListStops() async throws {
        let hub = FakeHub()
        await hub.failNext(1_000_000)  // an unreachable hub: the first LIST never completes
        let informer = Informer(hub: hub, kind: .manifestWork, labelSelector: "placer.dev/owner=test")
        let cached = CachedHub(base: hub, informers: [informer])
        let ended = Mutex(false)
        let running = Task {
            _ = try? await cached.run()
            ended.withLock { $0 = true }
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(await !informer.isSynced)
        running.cancel()
        // Polled rather than awaited, so a regression fails here instead of hanging the suite.
        for _ in 0..<200 where !ended.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(ended.withLock { $0 }, "CachedHub.run did not end 10 s after it was cancelled")
    }
}
