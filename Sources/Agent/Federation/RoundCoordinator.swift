import AppModel
import Foundation
import Learning
import Logging
import OCMClient
import PDLC
import PlacerCore
import ServiceLifecycle

/// The leader's side of the federated rounds: FedAvg with DP-FedAvg and secure aggregation over the hub.
///
/// One round (``runRound()``), every ``CoordinatorConfiguration/roundIntervalSeconds`` while this replica leads:
/// 1. Sample the clusters with probability q (`Learning.ClientSampler`, Poisson sampling, McMahan et al. ICLR
///    2018). Fewer than ``CoordinatorConfiguration/minimumClients`` sampled: the round is skipped.
/// 2. Check the budget (`Learning.PrivacyLedger`): a round that would take today's ε past the policy's
///    `epsilonPerDay` does not run; learning stops and the last model stays in use, in every agent's log, the
///    status ConfigMap and `placer explain`, until the next UTC day.
/// 3. Run secure aggregation's four phases (Bonawitz et al. CCS 2017, `Learning.SecureAggregationCoordinator`)
///    through ``RoundTransport``: write each agent's input in its cluster namespace, wait for its answer up to
///    ``CoordinatorConfiguration/phaseTimeoutSeconds``; silent agents are dropped, and the sum is still recovered
///    while at least t = n − ⌊n/3⌋ remain. What the coordinator reads is public keys, sealed shares, masked
///    updates and unmasking shares: never one agent's update, never a sample.
/// 4. Charge the round to the ledger, add Gaussian noise to the average over the fixed denominator q·N
///    (`Learning.FederatedAverager`), add it to the global model, and publish the new model to every cluster
///    (``RoundPhase/done``) and the status ConfigMap `placer-fl-status` in Placer's namespace (``FederationStatus``).
public actor RoundCoordinator: Service {
    /// The settings in force (the policy's `spec.learning` replaces them before each round when given).
    public private(set) var configuration: CoordinatorConfiguration
    let settings: (@Sendable () async -> LearningPolicy?)?
    let hub: any Hub
    let transport: RoundTransport
    let clusters: @Sendable () async throws -> [String]
    let clock: @Sendable () -> Date
    let sampler: ClientSampler
    let logger: Logger
    let onRound: @Sendable (RoundSummary) -> Void
    /// The global model's parameters (the last released, noised average).
    public private(set) var globalParameters: [Double]
    /// Rounds started so far.
    public private(set) var round = 0
    /// The privacy ledger; nil when the noise multiplier is 0 (no privacy, and no budget to keep).
    public private(set) var ledger: PrivacyLedger?
    /// Rounds that released a model.
    public private(set) var releasedRounds = 0
    /// The summaries of the rounds run, oldest first (the last 100).
    public private(set) var history: [RoundSummary] = []

    /// - Parameters:
    ///   - configuration: model, q, z, C, budget, timeouts.
    ///   - hub: the OCM hub.
    ///   - forecasters: gives the federated model's initial parameters.
    ///   - clusters: the population (default: the hub's ManagedClusters).
    ///   - settings: the policy's `spec.learning`, read before each round (nil: `configuration` as given). Its
    ///     budget and δ are taken at the first private round and kept for the ledger's life, so editing the
    ///     policy cannot reset ε already spent.
    ///   - seed: the client sampler's secret seed (default random).
    ///   - onRound: called after every round (the demo prints a line).
    /// - Throws: ``FederationError/unavailable(_:)`` when the model is not a federated forecaster;
    ///   `PrivacyError` for a budget that is not positive.
    public init(
        configuration: CoordinatorConfiguration, hub: any Hub, forecasters: ForecasterRegistry = .standard,
        clusters: (@Sendable () async throws -> [String])? = nil,
        settings: (@Sendable () async -> LearningPolicy?)? = nil, seed: UInt64 = UInt64.random(in: 0...UInt64.max),
        clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "placer.federation"),
        onRound: @escaping @Sendable (RoundSummary) -> Void = { _ in }
    ) throws {
        guard let make = forecasters.forecasters[configuration.model], let model = make() as? any FederatedForecaster
        else {
            throw FederationError.unavailable("\(configuration.model) is not a federated forecaster")
        }
        self.configuration = configuration
        self.settings = settings
        self.hub = hub
        transport = RoundTransport(hub: hub, owner: configuration.instance)
        self.clusters = clusters ?? { try await Self.managedClusters(hub) }
        self.clock = clock
        sampler = ClientSampler(seed: seed)
        self.logger = logger
        self.onRound = onRound
        globalParameters = model.parameters
        if configuration.noiseMultiplier > 0 {
            ledger = PrivacyLedger(
                budget: try PrivacyBudget(
                    epsilonPerDay: configuration.epsilonPerDay ?? .greatestFiniteMagnitude, delta: configuration.delta),
                now: clock())
        }
    }

    /// Starts the ledger at the first round with noise (without noise there is no guarantee to account).
    private func openLedger() throws {
        guard ledger == nil, configuration.noiseMultiplier > 0 else { return }
        ledger = PrivacyLedger(
            budget: try PrivacyBudget(
                epsilonPerDay: configuration.epsilonPerDay ?? .greatestFiniteMagnitude, delta: configuration.delta),
            now: clock())
    }

    /// The names of the hub's ManagedClusters. - Throws: ``KubeError``.
    static func managedClusters(_ hub: any Hub) async throws -> [String] {
        try await hub.list(.managedCluster, namespace: nil).compactMap {
            try? ManagedClusterObject.decode($0).metadata.name
        }.sorted()
    }

    /// The privacy spent as of `now`.
    public func privacy(at now: Date) -> PrivacyStatus {
        let q = configuration.samplingRate
        let z = configuration.noiseMultiplier
        guard let ledger else {
            return PrivacyStatus(
                epsilonSpent: releasedRounds == 0 ? 0 : .infinity, delta: configuration.delta, rounds: releasedRounds,
                epsilonBudget: nil, stopped: false, model: configuration.model)
        }
        let state = ledger.state(samplingRate: q, noiseMultiplier: z, at: now)
        let limit = ledger.budget.epsilonPerDay
        let budget: Double? = limit < .greatestFiniteMagnitude ? limit : nil
        return PrivacyStatus(
            epsilonSpent: state.roundsToday == 0 ? 0 : state.epsilonSpentToday, delta: state.delta,
            rounds: state.roundsToday, epsilonBudget: budget, stopped: budget != nil && state.exhausted,
            model: configuration.model)
    }

    /// Runs one round to its end (or until it is skipped or abandoned).
    /// - Returns: what it did.
    /// - Throws: ``KubeError`` when the hub cannot be read or written.
    @discardableResult
    public func runRound() async throws -> RoundSummary {
        if let learning = await settings?() {
            guard learning.enabled else {
                round += 1
                let summary = RoundSummary(
                    round: round, sampled: [], aggregated: [], dropped: [], privacy: privacy(at: clock()),
                    skipped: "learning disabled by the policy (spec.learning.enabled: false)")
                return try await finish(summary, release: [])
            }
            configuration.apply(learning)
            try openLedger()
        }
        round += 1
        let number = round
        let now = clock()
        let population = try await clusters()
        let sampled = sampler.sample(population, round: number, samplingRate: configuration.samplingRate)
        var summary = RoundSummary(
            round: number, sampled: sampled, aggregated: [], dropped: [], privacy: privacy(at: now))
        if summary.privacy.stopped {
            summary.skipped = "privacy budget spent, last model kept"
            return try await finish(summary, release: population)
        }
        guard sampled.count >= configuration.minimumClients else {
            summary.skipped =
                "\(sampled.count) of \(population.count) clusters sampled, \(configuration.minimumClients) needed"
            return try await finish(summary, release: [])
        }
        do {
            let (sum, survivors) = try await aggregate(round: number, sampled: sampled)
            summary.aggregated = survivors
            summary.dropped = sampled.filter { !survivors.contains($0) }
            try release(sum: sum, population: population.count, at: now)
        } catch let error as SecureAggregationError {
            summary.skipped = "abandoned: \(error)"
            return try await finish(summary, release: [])
        } catch let error as PrivacyError {
            summary.skipped = "\(error)"
            return try await finish(summary, release: population)
        }
        summary.privacy = privacy(at: now)
        return try await finish(summary, release: population)
    }

    /// Charges the round, then adds the noised average of the clipped updates to the global model.
    private func release(sum: [Double], population: Int, at now: Date) throws {
        let settings = try FederatedRound(
            clipNorm: configuration.clipNorm, noiseMultiplier: configuration.noiseMultiplier,
            samplingRate: configuration.samplingRate, population: population, dimension: globalParameters.count)
        // Charged before the model leaves this process: a round the budget refuses releases nothing.
        try ledger?.charge(
            samplingRate: configuration.samplingRate, noiseMultiplier: configuration.noiseMultiplier, at: now)
        let average = try FederatedAverager(round: settings).noisedAverage(sum: sum)
        globalParameters = zip(globalParameters, average).map { $0 + $1 }
        releasedRounds += 1
    }

    /// Secure aggregation's four phases over the hub.
    /// - Returns: the sum of the survivors' clipped updates, and the survivors.
    private func aggregate(round number: Int, sampled: [String]) async throws -> ([Double], [String]) {
        let settings = try SecureAggregation.Round(
            id: "\(configuration.instance)-\(number)-\(UUID().uuidString.prefix(8))", participants: sampled,
            dimension: globalParameters.count)
        var server = SecureAggregationCoordinator(round: settings)
        let start = try RoundCoding.encode(
            RoundStart(secureAggregation: settings, clipNorm: configuration.clipNorm, model: configuration.model))
        var replies = try await exchange(
            round: number, phase: .advertiseKeys,
            payloads: Dictionary(uniqueKeysWithValues: sampled.map { ($0, start) }))
        for (cluster, data) in replies.sorted(by: { $0.key < $1.key }) {
            let message = try RoundCoding.decode(SecureAggregation.AdvertiseKeys.self, data, phase: .advertiseKeys)
            guard message.client == cluster else { continue }
            try server.receive(message)
        }
        let directory = try RoundCoding.encode(try server.keyDirectory())
        replies = try await exchange(
            round: number, phase: .shareKeys,
            payloads: Dictionary(uniqueKeysWithValues: replies.keys.map { ($0, directory) }))
        for (cluster, data) in replies.sorted(by: { $0.key < $1.key }) {
            let message = try RoundCoding.decode(SecureAggregation.ShareKeys.self, data, phase: .shareKeys)
            guard message.client == cluster else { continue }
            try server.receive(message)
        }
        let deliveries = try server.shareDeliveries().mapValues { try RoundCoding.encode($0) }
        replies = try await exchange(round: number, phase: .maskedInput, payloads: deliveries)
        for (cluster, data) in replies.sorted(by: { $0.key < $1.key }) {
            let message = try RoundCoding.decode(SecureAggregation.MaskedInput.self, data, phase: .maskedInput)
            guard message.client == cluster else { continue }
            try server.receive(message)
        }
        let request = try server.unmaskRequest()
        let unmask = try RoundCoding.encode(request)
        replies = try await exchange(
            round: number, phase: .unmasking,
            payloads: Dictionary(uniqueKeysWithValues: request.survivors.map { ($0, unmask) }))
        for (cluster, data) in replies.sorted(by: { $0.key < $1.key }) {
            let message = try RoundCoding.decode(SecureAggregation.UnmaskResponse.self, data, phase: .unmasking)
            guard message.client == cluster else { continue }
            try server.receive(message)
        }
        return (try server.sum(), request.survivors)
    }

    /// Writes each cluster's input for `phase`, then collects the answers until all came or the deadline passed.
    /// - Returns: cluster → its answer's payload, for the clusters that answered in time.
    private func exchange(round number: Int, phase: RoundPhase, payloads: [String: Data]) async throws -> [String: Data]
    {
        let deadline = clock().addingTimeInterval(configuration.phaseTimeoutSeconds)
        let status = privacy(at: clock())
        let global = globalParameters
        let transport = self.transport
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (cluster, payload) in payloads {
                let message = CoordinatorMessage(
                    round: number, phase: phase, globalParameters: global, payload: payload, privacy: status,
                    deadline: deadline)
                group.addTask { try await transport.send(message, to: cluster) }
            }
            try await group.waitForAll()
        }
        var answers: [String: Data] = [:]
        while true {
            for cluster in payloads.keys where answers[cluster] == nil {
                // An unreadable answer is the same as none: that agent is dropped from the round.
                if let answer = try? await transport.agentMessage(namespace: cluster), answer.cluster == cluster,
                    answer.round == number, answer.phase == phase
                {
                    answers[cluster] = answer.payload
                }
            }
            if answers.count == payloads.count || clock() >= deadline { break }
            try await Task.sleep(for: .milliseconds(Int64(configuration.pollSeconds * 1000)))
        }
        return answers
    }

    /// Publishes the (possibly unchanged) global model to `release` and the status, logs and reports the round.
    private func finish(_ summary: RoundSummary, release clusters: [String]) async throws -> RoundSummary {
        let message = CoordinatorMessage(
            round: summary.round, phase: .done, globalParameters: globalParameters, privacy: summary.privacy,
            deadline: clock())
        for cluster in clusters { try await transport.send(message, to: cluster) }
        history.append(summary)
        if history.count > 100 { history.removeFirst(history.count - 100) }
        try await FederationStatus(privacy: summary.privacy, lastRound: summary, globalParameters: globalParameters)
            .write(hub: hub, namespace: configuration.statusNamespace, owner: configuration.instance)
        logger.info(
            "\(summary.line)",
            metadata: [
                "round": "\(summary.round)", "epsilon": "\(PrivacyStatus.number(summary.privacy.epsilonSpent))",
                "delta": "\(PrivacyStatus.number(summary.privacy.delta))", "model": "\(configuration.model)",
            ])
        // `/metrics`: the fleet's model's ε (no cluster label), with its budget; nothing without noise.
        if summary.privacy.epsilonSpent.isFinite {
            PlacerMetrics().privacyEpsilonSpent(
                summary.privacy.epsilonSpent, model: configuration.model, budget: summary.privacy.epsilonBudget)
        }
        onRound(summary)
        return summary
    }

    /// Runs a round every interval until cancelled; a failed round is logged and the next one tries again.
    public func run() async throws {
        let interval = configuration.roundIntervalSeconds
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await self.runRound() } catch { self.logger.warning("federated round failed: \(error)") }
                try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
            }
        }
    }
}
