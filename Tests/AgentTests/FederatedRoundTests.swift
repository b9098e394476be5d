import EdgeSim
import Foundation
import OCMClient
import PDLC
import Testing

@testable import Agent

/// A small federated model for the round tests: its parameters move towards the local series' mean, last value
/// and spread, so each cluster's update is different, known, and some exceed the clip norm.
struct DriftModel: FederatedForecaster {
    let name = "drift"
    let displayName = "Drift"
    var parameters: [Double] = [0, 0, 0]
    var values: [Double] = []

    mutating func fit(timestamps: [Double], values: [Double]) { self.values = values }
    mutating func update(timestamp: Double, value: Double) { values.append(value) }
    func predict(horizonSeconds: Double, coverage: Double) -> Forecast? {
        values.isEmpty ? nil : Forecast(value: parameters[0], lower: parameters[0], upper: parameters[0])
    }
    func locallyTrained(from global: [Double]) -> [Double] {
        let mean = values.reduce(0, +) / Double(max(1, values.count))
        let spread = (values.max() ?? 0) - (values.min() ?? 0)
        return [global[0] + mean, global[1] + (values.last ?? 0), global[2] + spread]
    }
}

/// Federated rounds over the EdgeSim hub (HTTPS, kubeconfig): six agents, secure aggregation, dropouts.
@Suite("Federated rounds over the hub", .serialized)
struct FederatedRoundTests {
    static let clusters = ["c1", "c2", "c3", "c4", "c5", "c6"]
    /// A value planted in c3's series; no byte the coordinator reads may hold it.
    static let canary = 0.7310585786
    static let clipNorm = 0.5

    /// Each cluster's local series (utilisation), c3's with the canary planted.
    static func series(_ index: Int) -> [Double] {
        var values = (0..<40).map { 0.1 + 0.01 * Double(index) + 0.005 * Double($0 % 7) }
        if index == 2 { values[17] = canary }
        if index == 4 { values = values.map { $0 * 3 } }  // c5's update exceeds the clip norm
        return values
    }

    static func model(_ index: Int) -> MetricModel {
        var model = MetricModel(metric: "cpu", forecaster: DriftModel(), horizonSeconds: 60)
        for (t, v) in series(index).enumerated() { model.observe(timestamp: Double(t) * 30, value: v) }
        return model
    }

    /// The update a cluster sends: trained from `global`, minus `global`, clipped to C (computed here, apart from
    /// `Learning`, as the test's oracle).
    static func clippedUpdate(_ index: Int, global: [Double]) -> [Double] {
        let local = (model(index).forecaster as! DriftModel).locallyTrained(from: global)
        let update = zip(local, global).map { $0 - $1 }
        let norm = update.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return update.map { $0 * min(1, clipNorm / norm) }
    }

    @Test("with z = 0 the round's global model is the plain average of clipped updates; drops are survived")
    func roundMatchesPlainAverage() async throws {
        try await withHubs { coordinatorHub, recorder, agentHub in
            let registry = ForecasterRegistry(forecasters: ["drift": { DriftModel() }])
            let coordinator = try RoundCoordinator(
                configuration: CoordinatorConfiguration(
                    instance: "test-placer", model: "drift", phaseTimeoutSeconds: 4, pollSeconds: 0.05,
                    samplingRate: 1, noiseMultiplier: 0, clipNorm: Self.clipNorm, epsilonPerDay: nil),
                hub: recorder, forecasters: registry, clusters: { Self.clusters }, seed: 7)
            // c1 drops before sending its masked input, c2 after it (before unmasking): the sum holds c2..c6.
            let dropAt: [String: RoundPhase] = ["c1": .maskedInput, "c2": .unmasking]
            async let summary = coordinator.runRound()
            let adopted = try await withThrowingTaskGroup(of: (String, [Double]?).self) { group in
                for (index, cluster) in Self.clusters.enumerated() {
                    group.addTask {
                        try await Self.runAgent(
                            cluster, model: Self.model(index), hub: agentHub, dropAt: dropAt[cluster])
                    }
                }
                var adopted: [String: [Double]] = [:]
                for try await (cluster, global) in group { adopted[cluster] = global }
                return adopted
            }
            let result = try await summary
            #expect(result.skipped == nil, "\(result.line)")
            #expect(result.aggregated == ["c2", "c3", "c4", "c5", "c6"])
            #expect(result.dropped == ["c1"])
            // Plain FedAvg with the fixed denominator q·N = 6: Σ clip(update) / 6 added to the zero model.
            var expected = [0.0, 0.0, 0.0]
            for index in 1..<6 {
                for (k, value) in Self.clippedUpdate(index, global: [0, 0, 0]).enumerated() { expected[k] += value / 6 }
            }
            let global = await coordinator.globalParameters
            #expect(zip(global, expected).allSatisfy { abs($0 - $1) < 1e-6 }, "\(global) vs \(expected)")
            // Every surviving agent took the new model; the status says what was spent (nothing private, z = 0).
            for cluster in Self.clusters.dropFirst(2) {
                let taken = try #require(adopted[cluster] ?? nil)
                #expect(zip(taken, expected).allSatisfy { abs($0 - $1) < 1e-6 })
            }
            let status = try #require(try await FederationStatus.read(hub: agentHub, namespace: "placer"))
            #expect(status.lastRound.round == 1)
            #expect(status.privacy.epsilonSpent == .infinity)  // no noise: no guarantee
            #expect(status.privacy.rounds == 1)

            // What the coordinator read: masked inputs and shares, never the canary, in text or as a Double's bytes.
            let reads = recorder.reads
            #expect(reads.contains { String(decoding: $0, as: UTF8.self).contains("maskedInput") })
            var bytes = Self.canary.bitPattern.littleEndian
            let binary = withUnsafeBytes(of: &bytes) { Data($0) }
            for read in reads {
                let text = String(decoding: read, as: UTF8.self)
                #expect(!text.contains("0.7310585786") && !text.contains("0.731058578"))
                #expect(read.range(of: binary) == nil)
            }
        }
    }

    /// Answers the coordinator until a round is done (returns the model taken) or, for a dropper, until the
    /// coordinator asks for `dropAt` (returns nil: the agent went silent).
    static func runAgent(
        _ cluster: String, model: MetricModel, hub: any Hub, dropAt: RoundPhase?
    ) async throws
        -> (String, [Double]?)
    {
        let transport = RoundTransport(hub: hub, owner: "agent-\(cluster)")
        var participant = FederatedParticipant(cluster: cluster, namespace: cluster, transport: transport)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let message = try await transport.coordinatorMessage(namespace: cluster)
            if let dropAt, message?.phase == dropAt { return (cluster, nil) }
            if let global = try await participant.take(message, part: model) { return (cluster, global) }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (cluster, nil)
    }

    /// An EdgeSim hub over HTTPS with the clusters' namespaces; the coordinator's client behind a recorder.
    func withHubs(_ body: (any Hub, RecordingHub, any Hub) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fl-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let hub = EdgeSimHub(configuration: HubConfiguration(), tls: try HubTLS())
        try await hub.start()
        let path = folder.appendingPathComponent("hub.kubeconfig").path
        try hub.writeKubeconfig(to: path)
        let coordinatorClient = try KubeClient(kubeconfig: try Kubeconfig.load(path: path), fieldManager: "placer")
        let agentClient = try KubeClient(kubeconfig: try Kubeconfig.load(path: path), fieldManager: "placer-agent")
        let recorder = RecordingHub(coordinatorClient)
        do {
            try await body(coordinatorClient, recorder, agentClient)
        } catch {
            await hub.stop()
            try? await coordinatorClient.shutdown()
            try? await agentClient.shutdown()
            throw error
        }
        await hub.stop()
        try? await coordinatorClient.shutdown()
        try? await agentClient.shutdown()
    }
}
