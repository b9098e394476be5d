import AppModel
import EdgeSim
import Foundation
import OCMClient
import Telemetry

/// Simulated clusters' exporters and a real Prometheus (Debian's /usr/bin/prometheus) scraping them every second
/// with CODECO's recording rules; `finish()` stops both and removes Prometheus's folder.
public struct LivePrometheus: Sendable {
    public let exporter: MetricsExporter
    public let server: PrometheusServer
    public let client: PrometheusClient

    /// Starts the exporters with `clusters` and a Prometheus scraping them, its TSDB backfilled with
    /// `historySeconds` of the same values at `stepSeconds` (so `rate(…[1m])` is exact from the first evaluation).
    public static func start(
        _ clusters: [String: MetricsExporter.ClusterMetrics], historySeconds: Double = 180, stepSeconds: Double = 1,
        waitForScrape: Bool = true, tls: HubTLS? = nil
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
            let history = exporter.history(start: since, end: now, stepSeconds: stepSeconds) { cluster in
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
    /// - Parameter waitForRules: also wait for one recording-rule evaluation after that scrape.
    public func waitUntilScraped(
        _ clusters: [String], timeout: Duration = .seconds(20), waitForRules: Bool = true
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let up = (try? await client.query("up == 1"))?.samples.compactMap { $0.labels["cluster"] } ?? []
            if Set(up).isSuperset(of: clusters) {
                if waitForRules { break }
                return
            }
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
    public func collector(_ configure: (inout TelemetryConfiguration) -> Void = { _ in }) -> TelemetryCollector {
        var configuration = TelemetryConfiguration(prometheusURL: server.baseURL)
        configuration.historyWindowSeconds = 30
        configuration.historyStepSeconds = 1
        configure(&configuration)
        return TelemetryCollector(configuration: configuration, prometheus: client)
    }

    public func finish() async {
        try? await client.shutdown()
        server.stop()
        await exporter.stop()
    }
}

/// Runs `body` with fresh exporters and Prometheus (scraped and rules evaluated once, unless `waitForScrape` is
/// false), and always cleans up.
public func withLivePrometheus<T>(
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
