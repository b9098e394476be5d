import AppModel
import EdgeSim
import Foundation
import OCMClient
import PlacerTestSupport
import Telemetry
import Testing

/// Telemetry against Debian's real Prometheus scraping EdgeSim's exporters with CODECO's recording rules loaded.
@Suite("Telemetry from a live Prometheus", .serialized)
struct LivePrometheusTests {
    static let hallCell = MetricsExporter.ClusterMetrics(
        nodes: 2, cpuCores: 8, cpuUsedCores: 3, memoryBytes: 16 * gibibyte, memoryUsedBytes: 6 * gibibyte,
        powerWatts: 120, latencyMilliseconds: ["hall-1": 2, "factory-dc": 8],
        bandwidthMegabitsPerSecond: ["factory-dc": 900])
    static let dataCentre = MetricsExporter.ClusterMetrics(
        nodes: 2, readyNodes: 1, cpuCores: 4, cpuUsedCores: 0.5, memoryBytes: 8 * gibibyte,
        memoryUsedBytes: 1 * gibibyte, powerWatts: 35, latencyMilliseconds: ["hall-1": 12],
        bandwidthMegabitsPerSecond: ["hall-1": 100])
    static let inventory = [
        inventoryCluster("hall-cell", latency: ["hall-1": 3, "factory-dc": 9]),
        inventoryCluster(
            "factory-dc", zone: "factory-dc", cpuCores: 4, memoryBytes: 8 * gibibyte, latency: ["hall-1": 15]),
    ]

    @Test("collected values match what the exporters were set to; seen past the maximum age they fall back")
    func valuesMatchExporters() async throws {
        try await withLivePrometheus(["hall-cell": Self.hallCell, "factory-dc": Self.dataCentre]) { live in
            let collector = live.collector()
            let telemetry = await collect(collector, clusters: Self.inventory) { telemetry in
                telemetry.values.allSatisfy { $0.fallbacks.isEmpty && scrapedLive($0) }
            }
            let hall = try #require(telemetry["hall-cell"])
            let dc = try #require(telemetry["factory-dc"])
            #expect(hall.fallbacks == [])
            #expect(dc.fallbacks == [])
            #expect(near(hall.cpuUsedCores, 3, tolerance: 0.08), "cpu \(String(describing: hall.cpuUsedCores))")
            #expect(near(dc.cpuUsedCores, 0.5, tolerance: 0.08), "cpu \(String(describing: dc.cpuUsedCores))")
            #expect(near(hall.memoryUsedBytes, 6 * gibibyte, tolerance: 0.001))
            #expect(near(dc.memoryUsedBytes, 1 * gibibyte, tolerance: 0.001))
            #expect(near(hall.energyWatts, 120, tolerance: 0.1), "energy \(String(describing: hall.energyWatts))")
            #expect(near(dc.energyWatts, 35, tolerance: 0.1), "energy \(String(describing: dc.energyWatts))")
            #expect(hall.nodeReadyFraction == 1)
            #expect(dc.nodeReadyFraction == 0.5)
            #expect(hall.failuresLast24Hours == 0)
            #expect(hall.latencyMilliseconds == ["hall-1": 2, "factory-dc": 8])
            #expect(dc.latencyMilliseconds == ["hall-1": 12])
            #expect(hall.bandwidthMegabitsPerSecond == ["factory-dc": 900])
            #expect(Set(hall.sources.values) == ["prometheus"])
            #expect(Set(hall.sources.keys) == Set(TelemetryMetric.allCases.map(\.rawValue)))
            #expect(hall.ageSeconds.values.allSatisfy { $0 < 10 })
            // A range query gives the history, oldest first, one point per step.
            #expect(hall.stepSeconds == 1)
            #expect(hall.cpuUsedHistory.count >= 25)  // 30 s window, 1 s step, backfilled
            #expect(near(hall.cpuUsedHistory.last, 3, tolerance: 0.08))
            #expect(hall.memoryUsedHistory.allSatisfy { near($0, 6 * gibibyte, tolerance: 0.001) })
            #expect(!hall.memoryUsedHistory.isEmpty)

            // The helper sets each cluster's telemetry, in order.
            let annotated = await collector.annotate(
                clusters: Self.inventory, hubClusters: [], addOnScores: [], now: Date())
            #expect(annotated.map(\.name) == ["hall-cell", "factory-dc"])
            #expect(near(annotated[0].telemetry?.cpuUsedCores, 3, tolerance: 0.08))

            // The same samples seen 90 s later are older than a 60 s maximum age: they fall back, the age named.
            let hallOnly = [Self.inventory[0]]
            let strict = live.collector { $0.maxAgeSeconds = 60 }
            // Evaluated 90 s ahead: Prometheus still finds the samples (5 min lookback), 90 s old.
            let later = await strict.collect(
                clusters: hallOnly, hubClusters: [try managedCluster("hall-cell")],
                addOnScores: [try usageScore("hall-cell", cpuAvailable: 50, memAvailable: 0)],
                now: Date().addingTimeInterval(90))
            let stale = try #require(later["hall-cell"])
            let cpuFlag = try #require(stale.fallbacks.first { $0.hasPrefix("cpu:") })
            #expect(cpuFlag.contains("prometheus stale ("), "\(cpuFlag)")
            #expect(cpuFlag.hasSuffix("used hub"), "\(cpuFlag)")
            let age = try #require(Int(cpuFlag.split(separator: "(")[1].split(separator: " ")[0]))
            #expect((88...100).contains(age), "\(cpuFlag)")
            // Hub: cpuAvailable 50 → 75 % of 8 allocatable cores free → 2 in use.
            #expect(stale.sources["cpu"] == "hub")
            #expect(stale.cpuUsedCores == 2)
            #expect(stale.memoryUsedBytes == 8 * gibibyte)
            #expect(stale.sources["latency"] == "inventory")
            #expect(stale.latencyMilliseconds == ["hall-1": 3, "factory-dc": 9])
            #expect(stale.energyWatts == nil)
            #expect(
                stale.fallbacks.contains { $0.hasPrefix("energy: prometheus stale (") && $0.hasSuffix(": unknown") })

            // The same collection at the real now is fresh.
            let fresh = await strict.collect(clusters: hallOnly, hubClusters: [], addOnScores: [], now: Date())
            #expect(fresh["hall-cell"]?.fallbacks == [])
        }
    }

    @Test("an exporter that answers 500 or vanishes makes only its cluster fall back, with the scrape error named")
    func failingExporterFallsBack() async throws {
        try await withLivePrometheus(["hall-cell": Self.hallCell, "factory-dc": Self.dataCentre]) { live in
            let collector = live.collector()
            let hub = [try managedCluster("hall-cell"), try managedCluster("factory-dc", cpu: "4", memory: "8Gi")]
            let scores = [try usageScore("factory-dc", cpuAvailable: 0, memAvailable: 0)]
            _ = await collect(collector, clusters: Self.inventory, hub: hub, scores: scores) {
                $0.values.allSatisfy(scrapedLive)
            }
            // A node going not-ready is a failure.
            live.exporter.update(cluster: "hall-cell") { $0.readyNodes = 1 }
            let failed = await collect(collector, clusters: Self.inventory) {
                $0["hall-cell"]?.failuresLast24Hours == 1
            }
            #expect(failed["hall-cell"]?.failuresLast24Hours == 1)

            live.exporter.update(cluster: "factory-dc") { $0.scrape = .serverError }
            let broken = await collect(collector, clusters: Self.inventory, hub: hub, scores: scores) {
                $0["factory-dc"]?.sources["cpu"] == "hub"
            }
            let dc = try #require(broken["factory-dc"])
            #expect(dc.sources["cpu"] == "hub")
            #expect(dc.cpuUsedCores == 2)  // score 0: half of 4 allocatable cores
            let flag = try #require(dc.fallbacks.first { $0.hasPrefix("cpu:") })
            #expect(flag.contains("prometheus no sample (scrape: server returned HTTP status 500"), "\(flag)")
            #expect(dc.sources["nodes"] == "hub")
            #expect(dc.nodeReadyFraction == 1)
            #expect(dc.sources["latency"] == "inventory")
            #expect(dc.latencyMilliseconds == ["hall-1": 15])
            #expect(dc.bandwidthMegabitsPerSecond.isEmpty)
            #expect(
                dc.fallbacks.contains { $0.hasPrefix("bandwidth: prometheus no sample") && $0.hasSuffix(": unknown") })
            // The other cluster is untouched.
            #expect(broken["hall-cell"]?.sources["cpu"] == "prometheus")
            #expect(near(broken["hall-cell"]?.cpuUsedCores, 3, tolerance: 0.08))

            live.exporter.remove(cluster: "factory-dc")
            let vanished = await collect(collector, clusters: Self.inventory) {
                $0["factory-dc"]?.fallbacks.contains { $0.contains("404") } == true
            }
            let gone = try #require(vanished["factory-dc"]?.fallbacks.first { $0.hasPrefix("cpu:") })
            #expect(gone.contains("scrape: server returned HTTP status 404"), "\(gone)")
            #expect(gone.hasSuffix("inventory has no usage: unknown"), "\(gone)")
            #expect(vanished["factory-dc"]?.cpuUsedCores == nil)
        }
    }

    @Test("Prometheus killed: every cluster falls back to hub and inventory with a flag")
    func prometheusDownFallsBack() async throws {
        try await withLivePrometheus(["hall-cell": Self.hallCell, "factory-dc": Self.dataCentre]) { live in
            let collector = live.collector()
            _ = await collect(collector, clusters: Self.inventory) { $0.values.allSatisfy(scrapedLive) }
            live.server.stop()
            let hub = [try managedCluster("hall-cell"), try managedCluster("factory-dc", available: "False")]
            let scores = [try usageScore("hall-cell", cpuAvailable: -50, memAvailable: 100)]
            let telemetry = await collector.collect(
                clusters: Self.inventory, hubClusters: hub, addOnScores: scores, now: Date())
            let hall = try #require(telemetry["hall-cell"])
            let dc = try #require(telemetry["factory-dc"])
            #expect(hall.fallbacks.contains("cpu: prometheus unreachable, used hub"))
            #expect(hall.cpuUsedCores == 6)  // −50: a quarter of 8 cores free
            #expect(hall.memoryUsedBytes == 0)
            #expect(hall.cpuUsedHistory.isEmpty)
            #expect(hall.fallbacks.contains("cpu history: prometheus unreachable, none") == false)
            #expect(hall.fallbacks.contains("latency: prometheus unreachable, hub has none, used inventory"))
            #expect(
                dc.fallbacks.contains(
                    "cpu: prometheus unreachable, hub has no resource-usage-score/cpuAvailable, inventory has no usage: unknown"
                ))
            #expect(dc.cpuUsedCores == nil)
            #expect(dc.nodeReadyFraction == 0)
            #expect(dc.sources["nodes"] == "hub")
            for cluster in telemetry.values {
                #expect(!cluster.sources.values.contains("prometheus"))
                #expect(cluster.fallbacks.count == TelemetryMetric.allCases.count)
            }
        }
    }

    @Test("a Prometheus error answer is an error naming the query and the server's errorType; the collector flags it")
    func badQueryIsNamed() async throws {
        // Query errors need no scraped data.
        try await withLivePrometheus(["hall-cell": Self.hallCell], waitForScrape: false) { live in
            let tokenFile = FileManager.default.temporaryDirectory.appendingPathComponent("prom-token-\(UUID())")
            try Data("s3cret-token-value\n".utf8).write(to: tokenFile)
            defer { try? FileManager.default.removeItem(at: tokenFile) }
            let client = try PrometheusClient(baseURL: live.server.baseURL, bearerTokenFile: tokenFile.path)
            let error = await #expect(throws: PrometheusError.self) {
                _ = try await client.query("sum(rate(node_cpu_seconds_total[1m])")
            }
            try? await client.shutdown()
            #expect(error?.kind == .api)
            #expect(error?.errorType == "bad_data")
            #expect(error?.statusCode == 400)
            let text = error.map(String.init(describing:)) ?? ""
            #expect(text.contains("sum(rate(node_cpu_seconds_total[1m])"), "\(text)")
            #expect(text.contains("bad_data"))
            #expect(!text.contains("s3cret"))

            let collector = live.collector { $0.queries[.cpu]?.value = "sum by (cluster) (" }
            let telemetry = await collector.collect(
                clusters: [Self.inventory[0]], hubClusters: [],
                addOnScores: [try usageScore("hall-cell", cpuAvailable: 100, memAvailable: 100)], now: Date())
            #expect(telemetry["hall-cell"]?.fallbacks.contains("cpu: prometheus error bad_data, used hub") == true)
            #expect(telemetry["hall-cell"]?.cpuUsedCores == 0)
        }
    }

    @Test("an https Prometheus is trusted through the CA file, and refused without it")
    func httpsWithCAFile() async throws {
        try await withLivePrometheus(["hall-cell": Self.hallCell], tls: try HubTLS()) { live in
            #expect(live.server.baseURL.hasPrefix("https://127.0.0.1:"))
            // The collector's client was made with the CA file: it reaches the API and reads live values.
            let telemetry = await collect(live.collector(), clusters: [Self.inventory[0]]) {
                $0["hall-cell"].map(scrapedLive) == true
            }
            #expect(telemetry["hall-cell"]?.sources["cpu"] == "prometheus")
            #expect(near(telemetry["hall-cell"]?.cpuUsedCores, 3, tolerance: 0.08))
            let untrusting = try PrometheusClient(baseURL: live.server.baseURL)
            let error = await #expect(throws: PrometheusError.self) { _ = try await untrusting.query("up") }
            try? await untrusting.shutdown()
            #expect(error?.kind == .unreachable)
        }
    }
}
