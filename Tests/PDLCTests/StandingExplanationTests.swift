import AppModel
import Foundation
import PlacerCore
import PlacerTestSupport
import Testing

@testable import PDLC

/// Deciding with `explainingFully` (standing explanations for the decisions the caller does not ask for in full)
/// against deciding every decision in full, on random worlds with committed placements, pins, stability memory,
/// tight capacity (repair and exchange run) and the exact step on or off: the same decisions, the same stability,
/// and every decision asked for (or changed after the pass) with exactly the full explanation.
@Suite struct StandingExplanationTests {
    let engine = PlacementEngine.standard()

    /// A random world with committed placements (some pinned, some on a cluster that is gone), stability memory and
    /// a random policy; `asked`: apps a caller asks to have explained in full.
    static func randomScenario(
        seed: UInt64
    ) throws -> (
        world: (apps: [Application], clusters: [ClusterSpec]), policy: PlacementPolicy,
        current: [String: PlacementRecord], stability: StabilityState,
        asked: Set<String>
    ) {
        var random = SplitMix64(seed: seed &* 7919)
        let world = PreparedFleetTests.randomWorld(seed: seed)
        var policy = try Fixtures.exampleSnapshot().policy
        if Bool.random(using: &random) { policy.exactNodeLimit = 0 }  // the heuristic alone, as at fleet scale
        // Only the node limit stops CBC: a wall-clock cap makes two evaluations differ on a loaded machine.
        policy.exactWallCapMilliseconds = 3_600_000
        policy.consecutiveEvaluations = Int.random(in: 1...3, using: &random)
        policy.maxMovesPerCycle = Int.random(in: 1...5, using: &random)
        policy.cooldownSeconds = Bool.random(using: &random) ? 0 : 600
        policy.minScoreGain = Double(Int.random(in: 0...15, using: &random))
        policy.topCandidates = Int.random(in: 1...3, using: &random)
        let names = world.clusters.map(\.name) + ["gone-cluster"]
        var current: [String: PlacementRecord] = [:]
        var stability = StabilityState()
        for app in world.apps {
            if Int.random(in: 0..<4, using: &random) != 0 {
                let cluster = names[Int.random(in: 0..<names.count, using: &random)]
                current[app.name] = currentRecord(
                    app.name, on: cluster, pinned: Int.random(in: 0..<10, using: &random) == 0)
            }
            if Int.random(in: 0..<3, using: &random) == 0 {
                stability.apps[app.name] = StabilityState.Entry(
                    challenger: names[Int.random(in: 0..<names.count, using: &random)],
                    wins: Int.random(in: 0...3, using: &random),
                    lastMoveSeconds: Bool.random(using: &random) ? 900 : nil)
            }
        }
        let asked = Set(world.apps.map(\.name).filter { _ in Int.random(in: 0..<4, using: &random) == 0 })
        return (world, policy, current, stability, asked)
    }

    /// The reference: every decision of the scenario explained in full, untrimmed.
    func decideInFull(
        _ world: (apps: [Application], clusters: [ClusterSpec]), policy: PlacementPolicy,
        current: [String: PlacementRecord], stability: StabilityState
    ) -> DecisionOutcome {
        engine.decide(
            apps: world.apps, clusters: world.clusters, policy: policy, current: current, stability: stability,
            nowSeconds: 1000)
    }

    @Test(arguments: Array(UInt64(1)...UInt64(60)))
    func standingDecisionsEqualFullOnesAndFullOnesAreExact(seed: UInt64) throws {
        let (world, policy, current, stability, asked) = try Self.randomScenario(seed: seed)
        let full = decideInFull(world, policy: policy, current: current, stability: stability)
        var askedOf: [String] = []
        let standing = engine.decide(
            apps: world.apps, clusters: world.clusters, policy: policy, current: current, stability: stability,
            nowSeconds: 1000,
            explainingFully: { decision in
                askedOf.append(decision.app.name)
                // As a reconcile asks: the apps whose record changes (here: a new cluster), and some others.
                return asked.contains(decision.app.name) || decision.cluster != decision.previousCluster
            })
        #expect(standing.stability == full.stability, "seed \(seed)")
        #expect(
            standing.decisions.map { ExplainedDecision($0).standing }
                == full.decisions.map { ExplainedDecision($0).standing }, "seed \(seed)")
        #expect(full.decisions.allSatisfy { $0.fullyExplained })
        for (mine, reference) in zip(standing.decisions, full.decisions) {
            let needed = asked.contains(mine.app.name) || mine.cluster != mine.previousCluster
            #expect(!needed || mine.fullyExplained, "seed \(seed): \(mine.app.name) needed its full explanation")
            if mine.fullyExplained {
                #expect(ExplainedDecision(mine) == ExplainedDecision(reference), "seed \(seed): \(mine.app.name)")
            } else {
                // The texts and scores it has are the full decision's, for the clusters its reasons can name, and
                // only for those: the others are listed by name and total.
                for (cluster, texts) in mine.details { #expect(reference.details[cluster] == texts, "seed \(seed)") }
                #expect(ExplainedDecision(mine).scoresAgree(with: ExplainedDecision(reference)), "seed \(seed)")
                let scored = Set(mine.candidates.filter { !$0.scores.isEmpty }.map(\.cluster))
                #expect(scored.isSubset(of: Set(mine.details.keys)), "seed \(seed): \(mine.app.name)")
                #expect(mine.verdicts.isEmpty && mine.inputs.isEmpty && mine.forecasts.isEmpty)
            }
        }
        #expect(!askedOf.isEmpty || world.apps.isEmpty)
    }

    /// 300 apps over 60 clusters on the heuristic path (as at fleet scale), and its decisions in full.
    func largeFleet() throws -> (
        fleet: (apps: [Application], clusters: [ClusterSpec]), policy: PlacementPolicy, full: DecisionOutcome
    ) {
        let fleet = SyntheticFleet.generate(apps: 300, clusters: 60, seed: 5)
        var policy = try Fixtures.exampleSnapshot().policy
        policy.exactNodeLimit = 0
        let full = engine.decide(
            apps: fleet.apps, clusters: fleet.clusters, policy: policy, stability: StabilityState(), nowSeconds: 0)
        return (fleet, policy, full)
    }

    @Test func aLargeFleetExplainsInFullOnlyWhatIsAskedFor() throws {
        let (fleet, policy, full) = try largeFleet()
        let asked = Set(fleet.apps.prefix(5).map(\.name))
        let standing = engine.decide(
            apps: fleet.apps, clusters: fleet.clusters, policy: policy, stability: StabilityState(), nowSeconds: 0,
            explainingFully: { asked.contains($0.app.name) })
        #expect(
            standing.decisions.map { ExplainedDecision($0).standing }
                == full.decisions.map { ExplainedDecision($0).standing })
        let explained = Set(standing.decisions.filter(\.fullyExplained).map(\.app.name))
        // Repair may change a few more decisions after the pass; those are explained in full too.
        #expect(explained.isSuperset(of: asked) && explained.count < fleet.apps.count / 2, "\(explained.count)")
        for decision in standing.decisions where decision.fullyExplained {
            let reference = try #require(full.decisions[app: decision.app.name])
            #expect(ExplainedDecision(decision) == ExplainedDecision(reference), "\(decision.app.name)")
        }
    }

    /// A reconcile's evaluation keeps each decision to its record's clusters as it is made (cold: every decision in
    /// full; incremental: standing ones too): the same decisions, stability and records as the untrimmed
    /// evaluation, and exactly the untrimmed decision's texts for the clusters it keeps.
    @Test(arguments: Array(UInt64(1)...UInt64(40)))
    func trimmedDecisionsKeepTheirRecordsExactly(seed: UInt64) throws {
        let (world, policy, current, stability, asked) = try Self.randomScenario(seed: seed)
        let full = decideInFull(world, policy: policy, current: current, stability: stability)
        let wants: (AppDecision) -> Bool = { asked.contains($0.app.name) || $0.cluster != $0.previousCluster }
        for explainingFully in [nil, wants] {
            let trimmed = engine.decide(
                apps: world.apps, clusters: world.clusters, policy: policy, current: current, stability: stability,
                nowSeconds: 1000, explainingFully: explainingFully, trimmingToRecords: true)
            #expect(trimmed.stability == full.stability, "seed \(seed)")
            #expect(trimmed.decisions.map(\.app.name) == full.decisions.map(\.app.name), "seed \(seed)")
            for (mine, reference) in zip(trimmed.decisions, full.decisions) {
                let expected = reference.trimmedToRecord(top: policy.topCandidates)
                let record = { (d: AppDecision) in d.record(top: policy.topCandidates, pinned: false) }
                if mine.fullyExplained {
                    #expect(ExplainedDecision(mine) == ExplainedDecision(expected), "seed \(seed): \(mine.app.name)")
                    #expect(record(mine) == record(reference), "seed \(seed): \(mine.app.name)")
                    // What the trim left out is said (the console then explains it again when read).
                    #expect(expected.listsEveryCandidate || !mine.listsEveryCandidate, "seed \(seed): \(mine.app.name)")
                } else {
                    #expect(explainingFully != nil, "seed \(seed): \(mine.app.name) left standing on a full pass")
                    #expect(
                        ExplainedDecision(mine).standing == ExplainedDecision(expected).standing,
                        "seed \(seed): \(mine.app.name)")
                }
                #expect(mine.candidates.count <= policy.topCandidates + 2)
            }
        }
    }

    @Test func aLargeFleetTrimmedHoldsOnlyTheRecordsClusters() throws {
        let (fleet, policy, full) = try largeFleet()
        let trimmed = engine.decide(
            apps: fleet.apps, clusters: fleet.clusters, policy: policy, stability: StabilityState(), nowSeconds: 0,
            trimmingToRecords: true)
        let fullPairs = full.decisions.reduce(0) { $0 + $1.candidates.count + $1.details.count + $1.inputs.count }
        let keptPairs = trimmed.decisions.reduce(0) { $0 + $1.candidates.count + $1.details.count + $1.inputs.count }
        // Every app has tens of feasible clusters here; a trimmed decision keeps at most top + 2 of them.
        #expect(fullPairs > 10 * keptPairs, "\(fullPairs) against \(keptPairs)")
        #expect(trimmed.decisions.contains { !$0.listsEveryCandidate })
        for (mine, reference) in zip(trimmed.decisions, full.decisions) {
            #expect(
                mine.record(top: policy.topCandidates, pinned: false)
                    == reference.record(top: policy.topCandidates, pinned: false), "\(mine.app.name)")
        }
    }
}
