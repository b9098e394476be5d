import AppModel
import EdgeSim
import Foundation
import GitStore
import Reconciler
import Telemetry
import Testing

/// Placer against a real Prometheus scraping EdgeSim's exporters: a hall cluster whose nodes all fail (the hub
/// still calls it Available) wakes the loop through the metrics watcher, its apps are evacuated at once, and the
/// commit message carries the metric evidence.
@Suite(.serialized) struct MetricsDrivenTests {
    static func healthy(_ cluster: ClusterSpec) -> MetricsExporter.ClusterMetrics {
        MetricsExporter.ClusterMetrics(
            nodes: 3, cpuCores: cluster.cpuCores, cpuUsedCores: cluster.cpuCores * 0.1,
            memoryBytes: cluster.memoryBytes,
            memoryUsedBytes: cluster.memoryBytes * 0.1, powerWatts: 40 * cluster.cpuCores,
            latencyMilliseconds: cluster.latencyMilliseconds)
    }

    @Test func aHallWhoseNodesFailIsEvacuatedOnMetricsAlone() async throws {
        try await withFactory { factory in
            let clusters = RepoLoader.load(
                files: try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
            ).clusters
            let exporter = MetricsExporter()
            let now = Date()
            for cluster in clusters {
                exporter.setUp(cluster: cluster.name, Self.healthy(cluster), runningSince: now.addingTimeInterval(-180))
            }
            try await exporter.start()
            let address = exporter.address ?? "127.0.0.1:0"
            let history = exporter.history(start: now.addingTimeInterval(-180), end: now, stepSeconds: 1) { cluster in
                ["job": PrometheusServer.jobName, "cluster": cluster, "instance": address]
            }
            let server = try PrometheusServer(
                targets: clusters.map {
                    .init(
                        cluster: $0.name, address: address, metricsPath: MetricsExporter.metricsPath(cluster: $0.name))
                },
                recordingRules: CODECORecordingRules.yaml, backfill: history)
            var configuration = TelemetryConfiguration(prometheusURL: server.baseURL)
            configuration.historyWindowSeconds = 30
            configuration.historyStepSeconds = 1
            let collector = try TelemetryCollector(configuration: configuration)
            do {
                try await server.waitUntilReady()
                try await Self.run(factory, exporter: exporter, collector: collector, clusters: clusters)
            } catch {
                await collector.shutdown()
                server.stop()
                await exporter.stop()
                throw error
            }
            await collector.shutdown()
            server.stop()
            await exporter.stop()
        }
    }

    static func run(
        _ factory: FactoryFixture, exporter: MetricsExporter, collector: TelemetryCollector, clusters: [ClusterSpec]
    ) async throws {
        var configuration = ReconcilerConfiguration(
            repoURL: factory.repoURL, branch: "main",
            cacheDirectory: factory.folder.appendingPathComponent("cache").path,
            presets: ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path),
            statusWaitSeconds: 3)
        configuration.maxPushAttempts = 5
        let placer = try Reconciler(configuration: configuration, hub: factory.client, telemetry: collector)
        // Wait until Prometheus has scraped every hall live (the first reconcile should see real readings).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let telemetry = await collector.collect(clusters: clusters, hubClusters: [], addOnScores: [], now: Date())
            let live = clusters.allSatisfy {
                telemetry[$0.name]?.sources["nodes"] == "prometheus"
                    && telemetry[$0.name]?.sources["cpu"] == "prometheus"
            }
            if live { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        _ = try await placer.reconcileOnce()
        #expect(await factory.works()["hall-2-edge/agv-controller-hall-2"] != nil)
        let explanation = try await placer.explain(app: "agv-controller-hall-2")
        #expect(explanation.clusters.first { $0.name == "hall-2-edge" }?.telemetry?.sources["nodes"] == "prometheus")

        let trigger = ReconcileTrigger()
        let watcher = MetricsWatcher(reconciler: placer, trigger: trigger, intervalSeconds: 0.5)
        let watching = Task { try await watcher.run() }
        defer { watching.cancel() }
        try await Task.sleep(for: .seconds(1.5))  // the watcher's first look is its baseline

        // Every node of hall-2's cluster goes NotReady; the hub still reports the ManagedCluster Available.
        _ = exporter.update(cluster: "hall-2-edge") { $0.readyNodes = 0 }
        var reasons: [String] = []
        let wake = Date().addingTimeInterval(30)
        while Date() < wake {
            reasons = await trigger.pendingReasons
            if reasons.contains(where: { $0.contains("hall-2-edge nodes ready") }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(reasons.contains { $0.contains("hall-2-edge nodes ready 100% → 0%") }, "\(reasons)")

        let report = try await placer.reconcileOnce()
        let commit = try #require(report.commit)
        let status = try #require(report.apps.first { $0.app == "agv-controller-hall-2" })
        #expect(status.cluster != "hall-2-edge" && status.moved, "\(status)")
        let works = await factory.works()
        #expect(works["hall-2-edge/agv-controller-hall-2"] == nil, "\(works.keys.sorted())")
        let message = try await git(factory, ["log", "-1", "--format=%B", commit])
        #expect(message.contains("evidence: hall-2-edge: nodes ready 0% (prometheus"), "\(message)")
    }
}
