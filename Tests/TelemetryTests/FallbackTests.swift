import AppModel
import EdgeSim
import Foundation
import OCMClient
import Testing

@testable import Telemetry

/// Hub and inventory sources without a Prometheus, and the API envelope decoding, in memory.
@Suite("Telemetry fallbacks and API decoding")
struct FallbackTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("without Prometheus, hub scores and conditions then the inventory fill in, each flagged")
    func hubThenInventory() async throws {
        let collector = TelemetryCollector(configuration: TelemetryConfiguration(), prometheus: nil)
        let clusters = [
            inventoryCluster("a", latency: ["hall-1": 4]),
            inventoryCluster("b", cpuCores: 4, available: false),
        ]
        let telemetry = await collector.collect(
            clusters: clusters, hubClusters: [try managedCluster("a", cpu: "16", available: "Unknown")],
            addOnScores: [
                try usageScore("a", cpuAvailable: 0, memAvailable: -100),
                try usageScore("b", cpuAvailable: 100, memAvailable: 100, validUntil: "2020-01-01T00:00:00Z"),
            ], now: now)
        let a = try #require(telemetry["a"])
        #expect(a.cpuUsedCores == 8)  // allocatable from the ManagedCluster (16), half free
        #expect(a.memoryUsedBytes == 16 * gibibyte)  // no memory allocatable override: inventory capacity, none free
        #expect(a.sources == ["cpu": "hub", "memory": "hub", "nodes": "inventory", "latency": "inventory"])
        #expect(a.fallbacks.contains("cpu: prometheus not configured, used hub"))
        #expect(a.fallbacks.contains("nodes: prometheus not configured, hub availability unknown, used inventory"))
        #expect(a.nodeReadyFraction == 1)
        #expect(a.latencyMilliseconds == ["hall-1": 4])
        #expect(a.energyWatts == nil && a.failuresLast24Hours == nil)
        #expect(a.ageSeconds.isEmpty)
        let b = try #require(telemetry["b"])
        #expect(b.cpuUsedCores == nil)
        #expect(
            b.fallbacks.contains(
                "cpu: prometheus not configured, hub resource-usage-score/cpuAvailable expired, inventory has no usage: unknown"
            ))
        #expect(b.nodeReadyFraction == 0)
        #expect(b.fallbacks.contains("latency: prometheus not configured, hub has none, inventory has none: unknown"))
    }

    @Test("the API envelope decodes vector, matrix and scalar results and error answers")
    func decodesEnvelope() throws {
        let vector =
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"cluster":"a"},"value":[1700000000.5,"2.25"]},{"metric":{},"value":[1700000000.5,"NaN"]}]}}"#
        let samples = try PrometheusResult.decode(Data(vector.utf8), query: "q", statusCode: 200).samples
        #expect(samples.count == 2)
        #expect(samples[0].labels == ["cluster": "a"])
        #expect(samples[0].value == 2.25)
        #expect(samples[0].timestamp == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(samples[1].value.isNaN)
        let matrix =
            #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"cluster":"a"},"values":[[1,"1"],[2,"+Inf"]]}]}}"#
        let series = try PrometheusResult.decode(Data(matrix.utf8), query: "q", statusCode: 200).series
        #expect(series.first?.points.map(\.value) == [1, .infinity])
        let scalar = #"{"status":"success","data":{"resultType":"scalar","result":[3,"7"]}}"#
        #expect(
            try PrometheusResult.decode(Data(scalar.utf8), query: "q", statusCode: 200)
                == .scalar(.init(timestamp: Date(timeIntervalSince1970: 3), value: 7)))
        let failure = #"{"status":"error","errorType":"execution","error":"query timed out"}"#
        #expect(
            throws: PrometheusError(
                kind: .api, query: "up", statusCode: 422, errorType: "execution", message: "query timed out")
        ) {
            try PrometheusResult.decode(Data(failure.utf8), query: "up", statusCode: 422)
        }
        let proxy = PrometheusError(
            kind: .http, query: "up", statusCode: 502, message: "not a Prometheus API body: Bad Gateway")
        #expect(throws: proxy) { try PrometheusResult.decode(Data("Bad Gateway".utf8), query: "up", statusCode: 502) }
    }

    @Test("an unusable URL or CA file is a configuration error")
    func configurationErrors() throws {
        #expect(throws: PrometheusError.self) { try PrometheusClient(baseURL: "ftp://x") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-ca-\(UUID())")
        try Data("hello".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: PrometheusError.self) {
            try PrometheusClient(baseURL: "https://127.0.0.1:1", caFile: file.path)
        }
        #expect(error?.kind == .configuration)
    }
}

/// The bearer token, against a real server that checks one (EdgeSim's hub: 401 without the right token).
@Suite("Prometheus client authentication")
struct ClientAuthenticationTests {
    @Test("the token file is read on every request and the token never appears in errors")
    func tokenFileIsSentAndRotated() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration(token: "right-token"))
        try await hub.start()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("prom-token-\(UUID())")
        do {
            try Data("wrong-token\n".utf8).write(to: file)
            let client = try PrometheusClient(baseURL: hub.baseURL, bearerTokenFile: file.path)
            let refused = await #expect(throws: PrometheusError.self) { _ = try await client.query("up") }
            #expect(refused?.statusCode == 401)
            #expect(!String(describing: refused).contains("wrong-token"))
            // Rotated: the next request carries the new token and passes authentication (the hub then has no
            // Prometheus API: 404, not 401).
            try Data("right-token".utf8).write(to: file)
            let passed = await #expect(throws: PrometheusError.self) { _ = try await client.query("up") }
            #expect(passed?.statusCode == 404)
            #expect(passed?.kind == .http)
            #expect(!String(describing: passed).contains("right-token"))
            try FileManager.default.removeItem(at: file)
            let missing = await #expect(throws: PrometheusError.self) { _ = try await client.query("up") }
            #expect(missing?.kind == .configuration)
            try? await client.shutdown()
        } catch {
            await hub.stop()
            throw error
        }
        await hub.stop()
    }
}
