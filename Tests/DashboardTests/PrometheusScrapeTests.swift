import AsyncHTTPClient
import Dashboard
import EdgeSim
import Foundation
import NIOCore
import PlacerTestSupport
import Reconciler
import Testing

/// Debian's real Prometheus scrapes a running server's `/metrics` after a reconcile on the EdgeSim hub, and the
/// series are read back through Prometheus's HTTP API: the exposition is valid to the real parser, and the values
/// are what Placer counted.
@Suite(.serialized) struct PrometheusScrapeTests {
    let logs = LogCapture()

    @Test func prometheusScrapesAndAnswersPlacersSeries() async throws {
        try await withMetricsWorld { world in
            let prometheus = PrometheusEndpoint()
            let reconciler = try world.reconciler(metrics: prometheus.metrics)
            let report = try await reconciler.reconcileOnce()
            let server = try await RunningServer.start(
                secret: try WebhookSecret("scrape-test-secret"), logs: logs, prometheus: prometheus)
            let scraper = try PrometheusServer(
                targets: [.init(cluster: "placer", address: "127.0.0.1:\(server.port)", metricsPath: "/metrics")],
                recordingRules: nil)
            defer { scraper.stop() }
            do {
                try await scraper.waitUntilReady()
                // The scrape target is up (Prometheus parsed the exposition), then the series come back by query.
                var up: [QueryResult] = []
                let scraped = await eventually(timeout: .seconds(30), interval: .milliseconds(250)) {
                    up = (try? await query(scraper, "up{job=\"\(PrometheusServer.jobName)\"}")) ?? []
                    return up.first?.value == 1
                }
                #expect(scraped, "target never up: \(up) \(scraper.logTail)")
                let total = try await query(scraper, "placer_reconcile_total")
                #expect(total.map(\.labels["result"]) == ["success"], "\(total)")
                #expect(total.first?.value == 1)
                let placed = try await query(scraper, "sum(placer_decisions_total{outcome=\"Placed\"})")
                #expect(placed.first?.value == Double(MetricsWorld.exampleApps))
                let applies = try await query(
                    scraper, "placer_hub_request_duration_seconds_count{verb=\"apply\",resource=\"manifestworks\"}")
                #expect(applies.first?.value == Double(report.applied.count))
                // A histogram quantile over the reconcile's buckets: one observation, somewhere under a minute.
                let p99 = try await query(
                    scraper, "histogram_quantile(0.99, sum by (le) (placer_reconcile_duration_seconds_bucket))")
                #expect((p99.first?.value ?? -1) > 0 && (p99.first?.value ?? 61) <= 60, "\(p99)")
                // The scrape target's own label is kept beside Placer's.
                #expect(total.first?.labels["cluster"] == "placer")
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }

    struct QueryResult: Sendable, CustomStringConvertible {
        var labels: [String: String]
        var value: Double?
        var description: String { "\(labels) \(value.map { String($0) } ?? "-")" }
    }

    /// An instant query through Prometheus's HTTP API (`/api/v1/query`).
    func query(_ server: PrometheusServer, _ expression: String) async throws -> [QueryResult] {
        var components = URLComponents(string: server.baseURL + "/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: expression)]
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: components.url!.absoluteString), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        guard object?["status"] as? String == "success", let data = object?["data"] as? [String: Any],
            let results = data["result"] as? [[String: Any]]
        else { throw PrometheusServerError("query \(expression) failed: \(String(buffer: body))") }
        return results.map { result in
            let pair = result["value"] as? [Any]
            return QueryResult(
                labels: result["metric"] as? [String: String] ?? [:],
                value: (pair?.last as? String).flatMap(Double.init))
        }
    }
}
