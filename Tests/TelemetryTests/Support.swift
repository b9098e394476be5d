import AppModel
import EdgeSim
import Foundation
import OCMClient
import Telemetry

/// Simulated clusters' exporters and a real Prometheus (Debian's /usr/bin/prometheus) scraping them every second
/// with CODECO's recording rules; `finish()` stops both and removes Prometheus's folder.
struct LivePrometheus {
    let exporter: MetricsExporter
    let server: PrometheusServer
    let client: PrometheusClient

    /// Starts the exporters with `clusters` and a Prometheus scraping them, its TSDB backfilled with
    /// `historySeconds` of the same values (so `rate(…[1m])` is exact from the first evaluation).
    static func start(
        _ clusters: [String: MetricsExporter.ClusterMetrics], historySeconds: Double = 180, waitForScrape: Bool = true,
        tls: HubTLS? = nil
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
            let history = exporter.history(start: since, end: now, stepSeconds: 1) { cluster in
                ["job": PrometheusServer.jobName, "cluster": cluster, "instance": address]
            }
            server = try PrometheusServer(
                targets: targets, recordingRules: CODECORecordingRules.yaml, backfill: history, tls: tls)
            try await server.waitUntilReady()
        } catch {
            await exporter.stop()
            throw error
        }
        var caFile: String?
        if let tls {
            let path = server.directory.appendingPathComponent("client-ca.pem").path
            try Data(tls.caCertificatePEM.utf8).write(to: URL(fileURLWithPath: path))
            caFile = path
        }
        let client = try PrometheusClient(baseURL: server.baseURL, caFile: caFile, requestTimeout: .seconds(5))
        let live = LivePrometheus(exporter: exporter, server: server, client: client)
        do {
            if waitForScrape { try await live.waitUntilScraped(clusters.keys.sorted()) }
        } catch {
            await live.finish()
            throw error
        }
        return live
    }

    /// Polls `up` until every cluster's target was scraped live once (`up` exists only after a real scrape; the
    /// backfilled samples alone would look fresh for a while).
    func waitUntilScraped(_ clusters: [String], timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let up = (try? await client.query("up == 1"))?.samples.compactMap { $0.labels["cluster"] } ?? []
            if Set(up).isSuperset(of: clusters) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        // Then one rule evaluation after that scrape, so the recorded series include the live samples.
        let scraped = Date().timeIntervalSince1970
        while ContinuousClock.now < deadline {
            var evaluated: [Double] = []
            for record in ["instance:node_cpu:rate1m", "instance:node_energy:irate1m", "instance:node_status:avg1m"] {
                if let time = try? await client.query("min(timestamp(\(record)))").samples.first?.value {
                    evaluated.append(time)
                }
            }
            if evaluated.count == 3, evaluated.allSatisfy({ $0 >= scraped }) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw PrometheusServerError(
            "prometheus did not scrape \(clusters) within \(timeout): \(server.logTail)")
    }

    /// A collector over this Prometheus; histories reach 30 s back in 1 s steps unless `configure` says otherwise.
    func collector(_ configure: (inout TelemetryConfiguration) -> Void = { _ in }) -> TelemetryCollector {
        var configuration = TelemetryConfiguration(prometheusURL: server.baseURL)
        configuration.historyWindowSeconds = 30
        configuration.historyStepSeconds = 1
        configure(&configuration)
        return TelemetryCollector(configuration: configuration, prometheus: client)
    }

    func finish() async {
        try? await client.shutdown()
        server.stop()
        await exporter.stop()
    }
}

/// Runs `body` with fresh exporters and Prometheus (scraped and rules evaluated once, unless `waitForScrape` is
/// false), and always cleans up.
func withLivePrometheus<T>(
    _ clusters: [String: MetricsExporter.ClusterMetrics], waitForScrape: Bool = true, tls: HubTLS? = nil,
    _ body: (LivePrometheus) async throws -> T
) async throws -> T {
    let live = try await LivePrometheus.start(clusters, waitForScrape: waitForScrape, tls: tls)
    do {
        let result = try await body(live)
        await live.finish()
        return result
    } catch {
        await live.finish()
        throw error
    }
}

/// Collects until `condition` holds or `timeout` passes; returns the last collection (check it with #expect).
func collect(
    _ collector: TelemetryCollector, clusters: [ClusterSpec], hub: [ManagedClusterObject] = [],
    scores: [AddOnPlacementScoreObject] = [], timeout: Duration = .seconds(20),
    until condition: ([String: ClusterTelemetry]) -> Bool
) async -> [String: ClusterTelemetry] {
    let deadline = ContinuousClock.now + timeout
    while true {
        let telemetry = await collector.collect(clusters: clusters, hubClusters: hub, addOnScores: scores, now: Date())
        if condition(telemetry) || ContinuousClock.now >= deadline { return telemetry }
        try? await Task.sleep(for: .milliseconds(250))
    }
}

let gibibyte = 1024.0 * 1024 * 1024

/// An inventory cluster.
func inventoryCluster(
    _ name: String, zone: String = "hall-1", cpuCores: Double = 8, memoryBytes: Double = 16 * gibibyte,
    latency: [String: Double] = [:], available: Bool = true
) -> ClusterSpec {
    ClusterSpec(
        name: name, labels: [:], zone: zone, cpuCores: cpuCores, memoryBytes: memoryBytes,
        latencyMilliseconds: latency, energyCostPerCoreHour: 0.02, available: available, source: "clusters/\(name).yaml"
    )
}

/// A hub ManagedCluster with allocatable cpu and memory and an Available condition (`True`, `False`, `Unknown`).
func managedCluster(
    _ name: String, cpu: String = "8", memory: String = "16Gi", available: String = "True"
) throws
    -> ManagedClusterObject
{
    let json = """
        {"apiVersion": "cluster.open-cluster-management.io/v1", "kind": "ManagedCluster",
         "metadata": {"name": "\(name)"}, "spec": {"hubAcceptsClient": true},
         "status": {"allocatable": {"cpu": "\(cpu)", "memory": "\(memory)"}, "capacity": {"cpu": "\(cpu)", "memory": "\(memory)"},
                    "conditions": [{"type": "ManagedClusterConditionAvailable", "status": "\(available)",
                                    "reason": "ManagedClusterAvailable", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}}
        """
    return try ManagedClusterObject.decode(Data(json.utf8))
}

/// A `resource-usage-score` AddOnPlacementScore for `cluster`.
func usageScore(
    _ cluster: String, cpuAvailable: Int, memAvailable: Int, validUntil: String? = nil
) throws
    -> AddOnPlacementScoreObject
{
    let until = validUntil.map { #", "validUntil": "\#($0)""# } ?? ""
    let json = """
        {"apiVersion": "cluster.open-cluster-management.io/v1alpha1", "kind": "AddOnPlacementScore",
         "metadata": {"name": "resource-usage-score", "namespace": "\(cluster)"},
         "status": {"scores": [{"name": "cpuAvailable", "value": \(cpuAvailable)},
                               {"name": "memAvailable", "value": \(memAvailable)}]\(until)}}
        """
    return try AddOnPlacementScoreObject.decode(Data(json.utf8))
}

/// Whether `value` is within `tolerance` (a fraction) of `expected`.
func near(_ value: Double?, _ expected: Double, tolerance: Double = 0.05) -> Bool {
    guard let value else { return false }
    return abs(value - expected) <= abs(expected) * tolerance + 1e-9
}

/// Whether the cluster's cpu and energy came from Prometheus with samples at most 2 s old.
func scrapedLive(_ telemetry: ClusterTelemetry) -> Bool {
    telemetry.sources["cpu"] == "prometheus" && (telemetry.ageSeconds["cpu"] ?? .infinity) <= 2
        && (telemetry.ageSeconds["energy"] ?? .infinity) <= 2
}
