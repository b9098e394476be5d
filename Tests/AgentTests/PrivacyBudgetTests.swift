import Foundation
import OCMClient
import PDLC
import PlacerFakes
import Testing

@testable import Agent

/// The policy's budget stops learning, visibly, on a fake hub.
@Suite("Federated learning stops when the ε budget is spent")
struct PrivacyBudgetTests {
    static let registry = ForecasterRegistry(forecasters: ["drift": { DriftModel() }])

    @Test("a round that would pass ε per day does not run; the last model is kept and every cluster is told")
    func budgetSpent() async throws {
        let hub = FakeHub()
        // One round at q = 1, z = 1 costs far more than ε = 0.5 at δ = 1e-5.
        let coordinator = try RoundCoordinator(
            configuration: CoordinatorConfiguration(
                instance: "test-placer", model: "drift", samplingRate: 1, noiseMultiplier: 1, clipNorm: 0.5,
                epsilonPerDay: 0.5),
            hub: hub, forecasters: Self.registry, clusters: { ["c1", "c2", "c3"] }, seed: 1)
        let before = await coordinator.globalParameters
        let summary = try await coordinator.runRound()
        #expect(summary.skipped == "privacy budget spent, last model kept")
        #expect(summary.privacy.stopped)
        #expect(summary.privacy.epsilonSpent == 0)
        #expect(summary.privacy.epsilonBudget == 0.5)
        #expect(summary.line.contains("learning stopped: budget spent, last model kept"))
        #expect(await coordinator.globalParameters == before)

        let status = try #require(try await FederationStatus.read(hub: hub, namespace: "placer"))
        #expect(status.privacy.stopped)
        #expect(status.lines.first?.contains("learning stopped") == true)

        // The agent learns it from its own namespace, and its next published score says so.
        var participant = FederatedParticipant(
            cluster: "c2", namespace: "c2", transport: RoundTransport(hub: hub, owner: "agent-c2"))
        var model = MetricModel(metric: "cpu", forecaster: DriftModel(), horizonSeconds: 60)
        model.observe(timestamp: 0, value: 0.5)
        #expect(try await participant.take(part: model) == before)
        #expect(participant.privacy?.stopped == true)
    }

    @Test("without noise there is no ledger: ε is infinite once a round released a model, and no budget applies")
    func noNoiseNoGuarantee() async throws {
        let coordinator = try RoundCoordinator(
            configuration: CoordinatorConfiguration(
                instance: "test-placer", model: "drift", noiseMultiplier: 0, epsilonPerDay: nil),
            hub: FakeHub(), forecasters: Self.registry, clusters: { [] })
        #expect(await coordinator.ledger == nil)
        #expect(await coordinator.privacy(at: Date()).epsilonSpent == 0)
        let summary = try await coordinator.runRound()
        #expect(summary.skipped?.contains("3 needed") == true)
    }

    @Test("a forecaster without federated parameters cannot be coordinated")
    func needsFederatedModel() {
        #expect(throws: FederationError.self) {
            try RoundCoordinator(
                configuration: CoordinatorConfiguration(instance: "x", model: "holt"), hub: FakeHub())
        }
        #expect(FederatedModels.names().contains("ridge"))
        #expect(!FederatedModels.names().contains("holt"))
    }
}
