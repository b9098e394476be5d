import Agent
import AppModel
import EdgeSim
import Foundation
import Logging
import OCMClient
import PlacerCLI
import ServiceLifecycle

/// The demo's learning side: an EdgeSim exporter per simulated cluster driven by a real trace, one `placer agent`
/// per cluster (in-process), reading its cluster's exporter, publishing AddOnPlacementScores on the demo hub.
///
/// Time runs fast: every agent interval the load moves on by one trace step (5 min of the Google 2019 day), so the
/// forecasts, their errors and the rounds show within a minute.
struct DemoLearning {
    let exporter: MetricsExporter
    let agents: [ClusterAgent]
    let driver: LoadDriver
    let sources: [ScrapeMetricsSource]
    /// The leader's federated rounds, when a federated forecaster is built in.
    let coordinator: RoundCoordinator?

    /// Starts the exporter and makes the agents (not yet running: add ``services`` to the service group).
    static func start(
        inventory: [ClusterSpec], hub: any Hub, tree: SourceTree, intervalSeconds: Double
    ) async throws -> DemoLearning {
        let model = FederatedModels.names().first
        let trace =
            (try? LoadTrace.load(path: tree.root.appendingPathComponent("bench/traces/google2019-cpu.csv").path))
            ?? .flat
        let exporter = MetricsExporter()
        for (index, cluster) in inventory.enumerated() {
            exporter.setUp(cluster: cluster.name, metrics(cluster, share: share(index, trace: trace, seconds: 0)))
        }
        try await exporter.start()
        guard let address = exporter.address else { throw CommandFailure("the demo's metrics exporter did not start") }
        var agents: [ClusterAgent] = []
        var sources: [ScrapeMetricsSource] = []
        var logger = Logger(label: "placer.agent")
        logger.logLevel = .warning  // the demo prints its own lines; `placer agent` logs each step at info
        for cluster in inventory {
            let source = ScrapeMetricsSource(
                url: "http://\(address)\(MetricsExporter.metricsPath(cluster: cluster.name))")
            sources.append(source)
            agents.append(
                ClusterAgent(
                    configuration: AgentConfiguration(
                        cluster: cluster.name, intervalSeconds: intervalSeconds, horizonSeconds: 3 * intervalSeconds,
                        forecaster: model ?? "holt"),
                    source: source, hub: hub, logger: logger))
        }
        let driver = LoadDriver(
            exporter: exporter, inventory: inventory, trace: trace, intervalSeconds: intervalSeconds)
        var coordinator: RoundCoordinator?
        if let model {
            // Demo settings: every cluster in every round (q = 1), z = 4, ε ≤ 4 a day: about ten rounds, then
            // learning stops and the last model is kept, which the demo shows.
            var settings = LearningPolicy()
            settings.samplingRate = 1
            settings.noiseMultiplier = 4
            settings.clipNorm = 0.05
            settings.epsilonPerDay = 4
            settings.roundIntervalSeconds = 6 * intervalSeconds
            var configuration = CoordinatorConfiguration(
                instance: "placer-demo", statusNamespace: "placer", model: model,
                phaseTimeoutSeconds: 3 * intervalSeconds, pollSeconds: intervalSeconds / 4)
            configuration.apply(settings)
            var federationLog = Logger(label: "placer.federation")
            federationLog.logLevel = .warning
            coordinator = try RoundCoordinator(
                configuration: configuration, hub: hub, clusters: { inventory.map(\.name) }, logger: federationLog,
                onRound: { summary in Console.print(summary.line) })
        }
        return DemoLearning(
            exporter: exporter, agents: agents, driver: driver, sources: sources, coordinator: coordinator)
    }

    var services: [any Service] { [driver] + agents + (coordinator.map { [$0] } ?? []) }

    func stop() async {
        for source in sources { try? await source.shutdown() }
        await exporter.stop()
    }

    /// One line per agent: its forecast, score, model, recent error and ε.
    func printAgents() async {
        for agent in agents {
            guard let report = await agent.lastReport else { continue }
            let name = agent.configuration.cluster
            let forecast =
                report.cpu.map {
                    String(format: "cpu %.0f%% [%.0f, %.0f]", $0.value * 100, $0.lower * 100, $0.upper * 100)
                } ?? "cpu n/a"
            let error = report.recentCPUError.map { String(format: "%.1f pp", $0 * 100) } ?? "n/a"
            let privacy = report.privacy?.summary ?? "ε=0 (no round yet)"
            Console.print(
                "  agent \(name): \(forecast) in \(Int(report.horizonSeconds)) s, score \(report.cpuScore.map(String.init) ?? "-"), model \(report.model), recent error \(error), \(privacy)"
            )
        }
    }

    /// The cpu share of capacity of cluster `index` at trace time `seconds`: 35 % mean, shaped by the trace.
    static func share(_ index: Int, trace: LoadTrace, seconds: Double) -> Double {
        min(0.95, max(0.02, 0.35 * trace.factor(series: index, atSeconds: seconds + Double(index) * 3600)))
    }

    static func metrics(_ cluster: ClusterSpec, share: Double) -> MetricsExporter.ClusterMetrics {
        let cores = max(1, cluster.cpuCores)
        let memory = max(1, cluster.memoryBytes)
        return MetricsExporter.ClusterMetrics(
            nodes: 1, cpuCores: cores, cpuUsedCores: cores * share, memoryBytes: memory,
            memoryUsedBytes: memory * min(0.9, 0.2 + share / 2), powerWatts: 20 + 10 * cores * share)
    }
}

/// Moves each simulated cluster's load one trace step (300 s of the trace) every interval.
struct LoadDriver: Service {
    let exporter: MetricsExporter
    let inventory: [ClusterSpec]
    let trace: LoadTrace
    let intervalSeconds: Double

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var seconds = 0.0
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(Int64(intervalSeconds * 1000)))
                seconds += trace.stepSeconds
                for (index, cluster) in inventory.enumerated() {
                    let share = DemoLearning.share(index, trace: trace, seconds: seconds)
                    exporter.setUp(cluster: cluster.name, DemoLearning.metrics(cluster, share: share))
                }
            }
        }
    }
}

/// Prints the agents' lines every so often, so the demo shows the learned forecasts and ε as they change.
struct DemoAgentPrinter: Service {
    let learning: DemoLearning
    let intervalSeconds: Double

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(Int64(intervalSeconds * 1000)))
                Console.print("")
                await learning.printAgents()
            }
        }
    }
}
