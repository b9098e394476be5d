import AppModel
import Foundation
import PlacerCore
import Testing

@testable import PDLC

/// Deciding against a prepared fleet (the index kept between cycles) gives the decisions a fresh one gives.
@Suite struct PreparedFleetTests {
    let engine = PlacementEngine.standard()

    /// Every placed app of `decisions` but `app`, as capacity held while `app` is decided alone.
    static func othersHeld(_ decisions: [AppDecision], except app: String) -> [FixedPlacement] {
        decisions.filter { $0.app.name != app }.compactMap { other in
            other.cluster.map {
                FixedPlacement(
                    app: other.app.name, cluster: $0, cpuCores: other.app.cpuCores, memoryBytes: other.app.memoryBytes)
            }
        }
    }

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
            let fixed = Self.othersHeld(placed, except: decision.app.name)
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

    /// A random fleet and apps with what the candidate index prunes on varied: budgets on every class, unknown
    /// latencies, selectors on present, absent and mixed labels.
    static func randomWorld(seed: UInt64) -> (apps: [Application], clusters: [ClusterSpec]) {
        var random = SplitMix64(seed: seed)
        let appCount = Int.random(in: 1...40, using: &random)
        let clusterCount = Int.random(in: 1...30, using: &random)
        var (apps, clusters) = SyntheticFleet.generate(
            apps: appCount, clusters: clusterCount, seed: seed, capacityRatio: Bool.random(using: &random) ? 1.2 : nil)
        for c in clusters.indices {
            // Unknown latencies (the filter refuses them) and a label some selectors ask for.
            for zone in clusters[c].latencyMilliseconds.keys.sorted() where Int.random(in: 0..<6, using: &random) == 0 {
                clusters[c].latencyMilliseconds[zone] = nil
            }
            if Bool.random(using: &random) { clusters[c].labels["site"] = "s\(Int.random(in: 0..<3, using: &random))" }
        }
        for a in apps.indices {
            switch Int.random(in: 0..<8, using: &random) {
            case 0: apps[a].latencyBudgetMilliseconds = Double(Int.random(in: 0...90, using: &random))
            case 1: apps[a].clusterSelector["site"] = "s\(Int.random(in: 0..<4, using: &random))"
            case 2: apps[a].clusterSelector["nobody-has"] = "x"
            case 3:
                apps[a].clusterSelector["site"] = "s1"
                apps[a].latencyBudgetMilliseconds = Double(Int.random(in: 1...40, using: &random))
            case 4: apps[a].userZones.append("z\(Int.random(in: 0..<3, using: &random))")
            default: break
            }
        }
        return (apps, clusters)
    }

    @Test(arguments: Array(UInt64(1)...UInt64(40)))
    func prunedCandidatesGiveTheUnprunedDecisions(seed: UInt64) throws {
        let world = Self.randomWorld(seed: seed)
        let policy = try Fixtures.exampleSnapshot().policy
        var unpruned = engine
        unpruned.prunesCandidates = false
        let pruned = engine.decide(apps: world.apps, clusters: world.clusters, policy: policy)
        let full = unpruned.decide(apps: world.apps, clusters: world.clusters, policy: policy)
        #expect(try PlacementEngineTests.fingerprint(pruned) == PlacementEngineTests.fingerprint(full))
        // One app against the prepared fleet, the others held, in both detail levels.
        let prepared = engine.prepare(clusters: world.clusters, policy: policy, apps: world.apps)
        let preparedUnpruned = unpruned.prepare(clusters: world.clusters, policy: policy, apps: world.apps)
        for decision in pruned.prefix(3) {
            let fixed = Self.othersHeld(pruned, except: decision.app.name)
            for detail in [DecisionDetail.full, .summary] {
                let one = engine.decide(
                    apps: [decision.app], fleet: prepared, fixed: fixed, stability: StabilityState(), nowSeconds: 0,
                    detail: detail)
                let reference = unpruned.decide(
                    apps: [decision.app], fleet: preparedUnpruned, fixed: fixed, stability: StabilityState(),
                    nowSeconds: 0, detail: detail)
                #expect(
                    try PlacementEngineTests.fingerprint(one.decisions)
                        == PlacementEngineTests.fingerprint(reference.decisions), "\(decision.app.name)")
            }
        }
    }

    @Test func theIndexVisitsOnlyClustersWithinBudget() throws {
        let fleet = SyntheticFleet.generate(apps: 200, clusters: 200, seed: 11)
        let policy = try Fixtures.exampleSnapshot().policy
        let state = engine.cycleState(clusters: fleet.clusters, policy: policy, apps: fleet.apps)
        let gold = try #require(fleet.apps.first { $0.latencyBudgetMilliseconds.map { $0 < 15 } ?? false })
        let prepared = state.prepare(gold)
        var candidates: [Int] = []
        engine.candidates(for: prepared, state: state, into: &candidates)
        let budget = try #require(gold.latencyBudgetMilliseconds)
        let admitted = (0..<state.clusterList.count).filter { c in
            prepared.userZones.allSatisfy { state.fleet.latency(c, $0) <= budget }
        }
        #expect(candidates.count < state.clusterList.count / 2)
        #expect(Set(admitted).isSubset(of: Set(candidates)))
        #expect(candidates == candidates.sorted())
    }
}
