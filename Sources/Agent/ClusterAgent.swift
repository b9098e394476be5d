import Foundation
import Logging
import OCMClient
import PDLC
import PlacerCore
import ServiceLifecycle

/// `placer agent`: one per managed cluster, in OCM's add-on pattern (docs/pdlc.md, "Agents").
///
/// Every interval it reads its own cluster's metrics (``ClusterMetricsSource``, its local Prometheus), keeps them in
/// ``LocalSeries`` as utilisation of capacity (0…1, so a federated model's parameters mean the same on every
/// cluster; never sent anywhere), trains its forecasters on them, and publishes the forecast headroom as the
/// AddOnPlacementScore `placer-forecast` in its cluster namespace on the hub (``ScorePublisher``), valid for
/// ``AgentConfiguration/validitySeconds``. When a federated round is running it answers the coordinator through
/// the hub (``FederatedParticipant``). Each step logs the model, its recent error and the ε spent.
public actor ClusterAgent: Service {
    public nonisolated let configuration: AgentConfiguration
    let source: any ClusterMetricsSource
    let publisher: ScorePublisher
    let logger: Logger
    let clock: @Sendable () -> Date
    /// cpu and memory models, over utilisation of capacity (0…1).
    public private(set) var cpu: MetricModel
    public private(set) var memory: MetricModel
    /// The federated side, when the agent takes part in rounds.
    var participant: FederatedParticipant?
    /// The last report published.
    public private(set) var lastReport: ScoreReport?
    private var seeded = false

    /// - Parameters:
    ///   - configuration: cluster, namespace, interval, horizon.
    ///   - source: the cluster's metrics.
    ///   - hub: the OCM hub (the agent's credentials reach its cluster namespace only).
    ///   - forecasters: where the forecaster named in the configuration comes from.
    ///   - federated: take part in the leader's federated rounds (needs a federated forecaster).
    ///   - clock: the injected clock.
    public init(
        configuration: AgentConfiguration, source: any ClusterMetricsSource, hub: any Hub,
        forecasters: ForecasterRegistry = .standard, federated: Bool = true,
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger? = nil
    ) {
        self.configuration = configuration
        self.source = source
        publisher = ScorePublisher(hub: hub, namespace: configuration.namespace, owner: configuration.owner)
        let make = forecasters.forecasters[configuration.forecaster] ?? { HoltForecaster() }
        let capacity = 8 * 24 * 3600 / max(1, Int(configuration.intervalSeconds))
        cpu = MetricModel(
            metric: "cpu", forecaster: make(), horizonSeconds: configuration.horizonSeconds, capacity: capacity)
        memory = MetricModel(
            metric: "memory", forecaster: make(), horizonSeconds: configuration.horizonSeconds, capacity: capacity)
        var log = logger ?? Logger(label: "placer.agent")
        log[metadataKey: "cluster"] = "\(configuration.cluster)"
        self.logger = log
        self.clock = clock
        participant =
            federated
            ? FederatedParticipant(
                cluster: configuration.cluster, namespace: configuration.namespace,
                transport: RoundTransport(hub: hub, owner: configuration.owner))
            : nil
    }

    /// Reads the past ``AgentConfiguration/historySeconds`` into the local series as utilisation of `reading`'s
    /// capacities, and so trains the models once.
    /// - Throws: the source's error.
    public func seed(now: Date, capacity reading: ClusterReading) async throws {
        let history = try await source.history(
            start: now.addingTimeInterval(-configuration.historySeconds), end: now,
            stepSeconds: configuration.intervalSeconds)
        if let cores = reading.cpuCores, cores > 0 {
            for (t, v) in history.cpu { cpu.observe(timestamp: t, value: v / cores) }
        }
        if let bytes = reading.memoryBytes, bytes > 0 {
            for (t, v) in history.memory { memory.observe(timestamp: t, value: v / bytes) }
        }
        seeded = true
        logger.info(
            "seeded local series",
            metadata: ["cpuSamples": "\(cpu.series.count)", "memorySamples": "\(memory.series.count)"])
    }

    /// One step: read, train, forecast, publish, and answer the coordinator if a round asks.
    /// - Returns: what was published.
    /// - Throws: the source's or the hub's error (the step's score is then not refreshed).
    @discardableResult
    public func step(now: Date? = nil) async throws -> ScoreReport {
        let now = now ?? clock()
        let reading = try await source.read(at: now)
        if !seeded {
            do { try await seed(now: now, capacity: reading) } catch { logger.warning("no history: \(error)") }
        }
        let t = reading.time.timeIntervalSince1970
        if let used = reading.cpuUsedCores, let cores = reading.cpuCores, cores > 0 {
            cpu.observe(timestamp: t, value: used / cores)
        }
        if let used = reading.memoryUsedBytes, let bytes = reading.memoryBytes, bytes > 0 {
            memory.observe(timestamp: t, value: used / bytes)
        }
        if var participant = self.participant {
            do {
                if let global = try await participant.take(part: cpu) { adopt(global) }
            } catch {
                logger.warning("federated round: \(error)")
            }
            self.participant = participant
        }
        let cpuForecast = cpu.forecast(coverage: configuration.coverage)
        let memoryForecast = memory.forecast(coverage: configuration.coverage)
        let report = ScoreReport(
            cpu: cpuForecast,
            cpuScore: cpuForecast.flatMap { ForecastScore.value(upper: $0.upper, capacity: 1) },
            memory: memoryForecast,
            memoryScore: memoryForecast.flatMap { ForecastScore.value(upper: $0.upper, capacity: 1) },
            model: cpu.forecaster.name, recentCPUError: cpu.recentError, privacy: participant?.privacy,
            horizonSeconds: configuration.horizonSeconds)
        try await publisher.publish(report, now: now, validUntil: now.addingTimeInterval(configuration.validitySeconds))
        lastReport = report
        logReport(report)
        if let privacy = report.privacy, privacy.epsilonSpent.isFinite {
            // `/metrics` of a process that bootstrapped a backend (`placer-lab demo`); a no-op otherwise.
            PlacerMetrics().privacyEpsilonSpent(
                privacy.epsilonSpent, model: privacy.model, cluster: configuration.cluster,
                budget: privacy.epsilonBudget)
        }
        return report
    }

    /// Takes the coordinator's new global model into the cpu model (set parameters predict with exactly those).
    func adopt(_ global: [Double]) {
        guard var federated = cpu.forecaster as? any FederatedForecaster else { return }
        federated.parameters = global
        cpu.forecaster = federated
    }

    private func logReport(_ report: ScoreReport) {
        var metadata: Logger.Metadata = [
            "model": "\(report.model)", "score": "\(report.cpuScore.map(String.init) ?? "-")",
        ]
        if let forecast = report.cpu {
            metadata["cpuForecast"] = "\(ScorePublisher.describe(forecast))"
        }
        metadata["recentError"] = "\(report.recentCPUError.map { ScorePublisher.number($0) } ?? "n/a")"
        metadata["epsilon"] = "\(report.privacy.map { PrivacyStatus.number($0.epsilonSpent) } ?? "0")"
        metadata["delta"] = "\(report.privacy.map { PrivacyStatus.number($0.delta) } ?? "-")"
        metadata["rounds"] = "\(report.privacy?.rounds ?? 0)"
        if report.privacy?.stopped == true { metadata["learning"] = "stopped (budget spent)" }
        logger.info("published \(ForecastScore.objectName)", metadata: metadata)
    }

    /// Steps every interval until cancelled or shut down gracefully; a failed step is logged and retried next time.
    public func run() async throws {
        let interval = configuration.intervalSeconds
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.step() } catch { self.logger.warning("agent step failed: \(error)") }
                try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            }
        }
    }
}
