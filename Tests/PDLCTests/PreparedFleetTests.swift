import AppModel
import Foundation
import Testing

@testable import PDLC

/// Deciding against a prepared fleet (the index kept between cycles) gives the decisions a fresh one gives.
@Suite struct PreparedFleetTests {
    let engine = PlacementEngine.standard()

    @Test func oneAppDecisionsOnAPreparedFleetEqualFreshOnes() throws {
        let fleet = SyntheticFleet.generate(apps: 60, clusters: 40, seed: 7)
        let policy = try Fixtures.exampleSnapshot().policy
        let placed = engine.decide(
            apps: fleet.apps, clusters: fleet.clusters, policy: policy, stability: StabilityState(), nowSeconds: 0
        ).decisions
        let prepared = engine.prepare(clusters: fleet.clusters, policy: policy, apps: fleet.apps)
        #expect(prepared.matches(clusters: fleet.clusters, policy: policy))
        #expect(prepared.covers(fleet.apps))
        // Each app decided alone, every other app's capacity held, with and without the prepared index.
        for decision in placed.prefix(12) {
            let fixed = placed.filter { $0.app.name != decision.app.name }.compactMap { other in
                other.cluster.map {
                    FixedPlacement(
                        app: other.app.name, cluster: $0, cpuCores: other.app.cpuCores,
                        memoryBytes: other.app.memoryBytes)
                }
            }
            let fresh = engine.decide(
                apps: [decision.app], clusters: fleet.clusters, policy: policy, fixed: fixed,
                stability: StabilityState(), nowSeconds: 0)
            let reused = engine.decide(
                apps: [decision.app], fleet: prepared, fixed: fixed, stability: StabilityState(), nowSeconds: 0)
            #expect(
                try PlacementEngineTests.fingerprint(fresh.decisions)
                    == PlacementEngineTests.fingerprint(reused.decisions), "\(decision.app.name)")
        }
    }

    @Test func aChangedFleetOrPolicyNoLongerMatches() throws {
        let fleet = SyntheticFleet.generate(apps: 10, clusters: 8, seed: 3)
        let policy = try Fixtures.exampleSnapshot().policy
        let prepared = engine.prepare(clusters: fleet.clusters, policy: policy, apps: fleet.apps)
        var clusters = fleet.clusters
        clusters[0].cpuCores += 1
        #expect(!prepared.matches(clusters: clusters, policy: policy))
        var other = policy
        other.reservePercent += 5
        #expect(!prepared.matches(clusters: fleet.clusters, policy: other))
        // An app in a zone the index never saw falls back to a fresh preparation, with the same result.
        var stranger = fleet.apps[0]
        stranger.userZones = ["zone-nobody-knows"]
        #expect(!prepared.covers([stranger]))
        let fresh = engine.decide(
            apps: [stranger], clusters: fleet.clusters, policy: policy, stability: StabilityState(), nowSeconds: 0)
        let reused = engine.decide(apps: [stranger], fleet: prepared, stability: StabilityState(), nowSeconds: 0)
        #expect(
            try PlacementEngineTests.fingerprint(fresh.decisions) == PlacementEngineTests.fingerprint(reused.decisions))
    }
}
