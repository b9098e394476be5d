import EdgeSim
import Foundation
import Telemetry
import Testing

@Test func debugScratch() async throws {
    try await withLivePrometheus(["hall-cell": LivePrometheusTests.hallCell]) { live in
        try await Task.sleep(for: .seconds(6))
        for q in ["node_cpu_seconds_total{cpu=\"0\",mode=\"user\"}[6s]", "rate(node_cpu_seconds_total{mode=\"user\"}[1m])", "instance:node_cpu:rate1m", "kepler_node_platform_joules_total[5s]"] {
            let r = try await live.client.query(q)
            print("Q", q, r)
        }
        print(live.exporter.exposition(cluster: "hall-cell") ?? "")
    }
}
