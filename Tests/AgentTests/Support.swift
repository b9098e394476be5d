import AppModel
import EdgeSim
import Foundation
import OCMClient
import Telemetry

/// EdgeSim exporters and Debian's real Prometheus scraping them every second (the TelemetryTests harness, trimmed
/// to what the agent needs); `finish()` stops both.
struct LivePrometheus {
    let exporter: MetricsExporter
    let server: PrometheusServer
    let client: PrometheusClient

    static func start(
        _ clusters: [String: MetricsExporter.ClusterMetrics], historySeconds: Double = 600
    ) async throws -> LivePrometheus {
        let exporter = MetricsExporter()
        let now = Date()
        let since = now.addingTimeInterval(-historySeconds)
        for (name, metrics) in clusters { exporter.setUp(cluster: name, metrics, runningSince: since) }
        try await exporter.start()
        let server: PrometheusServer
        do {
            let address = exporter.address ?? "127.0.0.1:0"
            let targets = clusters.keys.sorted().map {
                PrometheusServer.Target(
                    cluster: $0, address: address, metricsPath: MetricsExporter.metricsPath(cluster: $0))
            }
            let history = exporter.history(start: since, end: now, stepSeconds: 5) { cluster in
                ["job": PrometheusServer.jobName, "cluster": cluster, "instance": address]
            }
            server = try PrometheusServer(
                targets: targets, recordingRules: CODECORecordingRules.yaml, backfill: history)
            try await server.waitUntilReady()
        } catch {
            await exporter.stop()
            throw error
        }
        let client = try PrometheusClient(baseURL: server.baseURL, requestTimeout: .seconds(5))
        return LivePrometheus(exporter: exporter, server: server, client: client)
    }

    /// Polls `up` until every cluster's target was scraped live once.
    func waitUntilScraped(_ clusters: [String], timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let up = (try? await client.query("up == 1"))?.samples.compactMap { $0.labels["cluster"] } ?? []
            if Set(up).isSuperset(of: clusters) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PrometheusServerError("prometheus did not scrape \(clusters) within \(timeout): \(server.logTail)")
    }

    func finish() async {
        try? await client.shutdown()
        server.stop()
        await exporter.stop()
    }
}

let gibibyte = 1024.0 * 1024 * 1024

/// An inventory cluster of 8 cores and 16 GiB.
func inventoryCluster(_ name: String) -> ClusterSpec {
    ClusterSpec(
        name: name, labels: [:], zone: "hall-1", cpuCores: 8, memoryBytes: 16 * gibibyte,
        latencyMilliseconds: ["hall-1": 2], energyCostPerCoreHour: 0.02, source: "clusters/\(name).yaml")
}

/// An app of 1 core and 1 GiB.
func smallApp(_ name: String) -> Application {
    Application(
        name: name, appName: name, sourceFile: "apps/\(name)/app.yaml", qosClass: .silver, cpuCores: 1,
        memoryBytes: gibibyte, latencyBudgetMilliseconds: nil, userZones: [], energyLimitPercent: nil,
        clusterSelector: [:], peerChannels: [], manifests: [], sourceDigest: "digest-\(name)")
}
