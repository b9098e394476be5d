import AppModel
import EdgeSim
import Foundation
import OCMClient
import PDLC
import PlacerTestSupport
import Telemetry
import Testing

@testable import Agent

/// The agent against the real parts: Debian's Prometheus scraping EdgeSim's exporter, and the EdgeSim hub over
/// HTTPS with a kubeconfig, as `placer agent` runs.
@Suite("placer agent against Prometheus and the hub", .serialized)
struct LiveAgentTests {
    /// Two clusters alike in everything but load: `hall-a` busy (7 of 8 cores), `hall-b` quiet (1 of 8).
    static let busy = MetricsExporter.ClusterMetrics(
        nodes: 2, cpuCores: 8, cpuUsedCores: 7, memoryBytes: 16 * gibibyte, memoryUsedBytes: 12 * gibibyte,
        powerWatts: 100)
    static let quiet = MetricsExporter.ClusterMetrics(
        nodes: 2, cpuCores: 8, cpuUsedCores: 1, memoryBytes: 16 * gibibyte, memoryUsedBytes: 2 * gibibyte,
        powerWatts: 40)

    @Test("each agent's forecast lands on the HTTPS hub as an AddOnPlacementScore and changes PDLC's decision")
    func scoreChangesDecision() async throws {
        let live = try await LivePrometheus.start(
            ["hall-a": Self.busy, "hall-b": Self.quiet], historySeconds: 600, stepSeconds: 5,
            waitForScrape: false)
        do {
            try await live.waitUntilScraped(["hall-a", "hall-b"], timeout: .seconds(30), waitForRules: false)
            try await check(live)
        } catch {
            await live.finish()
            throw error
        }
        await live.finish()
    }

    private func check(_ live: LivePrometheus) async throws {

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agent-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let hub = EdgeSimHub(configuration: HubConfiguration(), tls: try HubTLS())
        try await hub.start()
        let inventory = [inventoryCluster("hall-a"), inventoryCluster("hall-b")]
        for cluster in inventory { try await hub.seed(ManagedClusterFactory.make(from: cluster)) }
        let kubeconfig = folder.appendingPathComponent("hub.kubeconfig").path
        try hub.writeKubeconfig(to: kubeconfig)
        let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: kubeconfig), fieldManager: "placer-agent")
        do {
            // Before any agent: no score, both clusters neutral, the tie goes to the first by name.
            let engine = PlacementEngine.standard()
            let policy = PlacementPolicy(
                weights: [.gold: ["addOnScore": 1], .silver: ["addOnScore": 1], .bestEffort: ["addOnScore": 1]],
                reservePercent: 0, minScoreGain: 0)
            let observer = FleetObserver(hub: client)
            let before = try await observer.observe(inventory: inventory, now: Date())
            #expect(before.clusters.allSatisfy { $0.addOnScores.isEmpty })
            let first = engine.decide(apps: [smallApp("camera")], clusters: before.clusters, policy: policy)
            #expect(first.first?.cluster == "hall-a")

            var reports: [String: ScoreReport] = [:]
            for name in ["hall-a", "hall-b"] {
                let agent = ClusterAgent(
                    configuration: AgentConfiguration(cluster: name, intervalSeconds: 5, horizonSeconds: 60),
                    source: PrometheusMetricsSource(client: live.client, selector: #"cluster="\#(name)""#),
                    hub: client, federated: false)
                reports[name] = try await agent.step()
                #expect(await agent.cpu.series.count > 20, "history seeded from Prometheus")
            }
            // The forecasts are the exporters' loads as utilisation (7/8 and 1/8), so the scores are their headroom.
            let busyReport = try #require(reports["hall-a"])
            let quietReport = try #require(reports["hall-b"])
            #expect(abs((busyReport.cpu?.value ?? 0) - 7.0 / 8) < 0.05, "\(String(describing: busyReport.cpu))")
            #expect(abs((quietReport.cpu?.value ?? 0) - 1.0 / 8) < 0.05, "\(String(describing: quietReport.cpu))")
            #expect((busyReport.cpuScore ?? 100) < -50)
            #expect((quietReport.cpuScore ?? -100) > 50)

            // What kubectl would see on the hub: the object in the cluster namespace, owner-labelled, valid ahead.
            let stored = try #require(
                try await client.get(.addOnPlacementScore, namespace: "hall-b", name: ForecastScore.objectName))
            let object = try AddOnPlacementScoreObject.decode(stored)
            #expect(object.metadata.labels?[Labels.owner] == "agent-hall-b")
            #expect(object.metadata.labels?[Labels.managedBy] == "placer")
            #expect(object.metadata.annotations?[ScorePublisher.Annotation.model] == "holt")
            #expect(object[score: ForecastScore.cpuScore] == quietReport.cpuScore)
            #expect(object.isValid(at: Date()))
            #expect(!object.isValid(at: Date().addingTimeInterval(20)))

            // PDLC reads the scores through the FleetObserver and now picks the quiet cluster.
            let after = try await observer.observe(inventory: inventory, now: Date())
            let quietScores = try #require(after.clusters.first { $0.name == "hall-b" }?.addOnScores)
            #expect(quietScores["placer-forecast/cpuHeadroom"] == Double(quietReport.cpuScore ?? 0))
            let second = engine.decide(apps: [smallApp("camera")], clusters: after.clusters, policy: policy)
            #expect(second.first?.cluster == "hall-b")
        } catch {
            await hub.stop()
            try? await client.shutdown()
            throw error
        }
        await hub.stop()
        try? await client.shutdown()
    }
}
