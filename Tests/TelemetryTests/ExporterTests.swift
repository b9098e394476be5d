import EdgeSim
import Foundation
import Testing

/// EdgeSim's exposition text, read directly.
@Suite("EdgeSim metrics exporter")
struct ExporterTests {
    /// Series → value from a text-format exposition.
    func parse(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }

    @Test("counters advance with time at the set rate, stay monotonic across changes, and gauges carry the values")
    func countersAdvance() throws {
        let exporter = MetricsExporter()
        exporter.setUp(
            cluster: "c",
            .init(
                nodes: 2, cpuCores: 4, cpuUsedCores: 1, memoryBytes: 1000, memoryUsedBytes: 400, powerWatts: 50,
                latencyMilliseconds: ["z": 5]))
        let start = Date()
        let first = parse(try #require(exporter.exposition(cluster: "c", now: start.addingTimeInterval(10))))
        let busy = #"node_cpu_seconds_total{cpu="0",instance="c-node-0",mode="user"}"#
        let joules = #"kepler_node_platform_joules_total{instance="c-node-1",source="acpi"}"#
        // 1 core busy over 2 nodes × 2 cpus: each cpu 0.25 busy; 50 W over 2 nodes: 25 J/s each.
        #expect(abs((first[busy] ?? 0) - 2.5) < 0.05)
        #expect(abs((first[joules] ?? 0) - 250) < 1)
        #expect(first[#"node_memory_MemAvailable_bytes{instance="c-node-1"}"#] == 300)
        #expect(first[#"placer_zone_round_trip_seconds{zone="z"}"#] == 0.005)
        exporter.update(cluster: "c") {
            $0.cpuUsedCores = 0
            $0.readyNodes = 1
        }
        let second = parse(try #require(exporter.exposition(cluster: "c", now: start.addingTimeInterval(20))))
        #expect((second[busy] ?? 0) >= (first[busy] ?? 0))
        #expect(second[#"kube_node_status_condition{condition="Ready",node="c-node-1",status="true"}"#] == 0)
        exporter.remove(cluster: "c")
        #expect(exporter.exposition(cluster: "c") == nil)
    }
}
