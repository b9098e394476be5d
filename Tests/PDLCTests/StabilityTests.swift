import AppModel
import Foundation
import Testing

@testable import PDLC

/// Hysteresis across evaluations: a better cluster must win `consecutiveEvaluations` times in a row, the app's
/// cooldown must have passed and the cycle's move limit must allow; evacuation ignores all three.
@Suite struct StabilityTests {
    let engine = PlacementEngine.standard()
    /// b is far roomier than a: headroom gains about 20 points by moving.
    let clusters = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 40)]

    func stabilityPolicy(evaluations: Int = 3, cooldown: Double = 600, maxMoves: Int = 5) -> PlacementPolicy {
        var policy = policy(weights: ["headroom": 1], minScoreGain: 5)
        policy.consecutiveEvaluations = evaluations
        policy.cooldownSeconds = cooldown
        policy.maxMovesPerCycle = maxMoves
        return policy
    }

    func evaluate(
        _ apps: [Application], on clusters: [ClusterSpec]? = nil, policy: PlacementPolicy, current: [String: String],
        state: StabilityState, now: Double
    ) -> DecisionOutcome {
        engine.decide(
            apps: apps, clusters: clusters ?? self.clusters, policy: policy,
            current: current.mapValues { currentRecord("", on: $0) }, stability: state, nowSeconds: now)
    }

    @Test func aGainMustWinNConsecutiveEvaluations() {
        let policy = stabilityPolicy()
        var state = StabilityState()
        var reasons: [String] = []
        for (n, now) in [0.0, 60, 120].enumerated() {
            let outcome = evaluate([makeApp("x")], policy: policy, current: ["x": "a"], state: state, now: now)
            state = outcome.stability
            let decision = outcome.decisions[0]
            reasons = decision.reasons
            if n < 2 {
                #expect(decision.cluster == "a")
                #expect(decision.held)
                #expect(
                    decision.reasons.last?.hasSuffix("\(n + 1)/3 consecutive evaluations") == true,
                    "\(decision.reasons)")
                #expect(state.apps["x"] == StabilityState.Entry(challenger: "b", wins: n + 1, lastMoveSeconds: nil))
            } else {
                #expect(decision.cluster == "b")
                #expect(decision.moves)
            }
        }
        #expect(reasons.first?.hasPrefix("moved from a: b scores") == true)
        #expect(reasons.first?.hasSuffix("for 3/3 evaluations") == true, "\(reasons)")
        #expect(state.apps["x"] == StabilityState.Entry(challenger: nil, wins: 0, lastMoveSeconds: 120))
    }

    @Test func aLostEvaluationResetsTheCount() {
        let policy = stabilityPolicy()
        let state = StabilityState(apps: ["x": .init(challenger: "b", wins: 2)])
        // With equal clusters there is no gain: the challenger is forgotten.
        let equal = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 10)]
        let outcome = evaluate([makeApp("x")], on: equal, policy: policy, current: ["x": "a"], state: state, now: 0)
        #expect(outcome.decisions[0].cluster == "a")
        #expect(outcome.stability.apps["x"]?.wins == 0)
        #expect(outcome.stability.apps["x"]?.challenger == nil)
    }

    @Test func cooldownHoldsAMoveThatWonItsEvaluations() {
        let policy = stabilityPolicy(cooldown: 600)
        let state = StabilityState(apps: ["x": .init(challenger: "b", wins: 2, lastMoveSeconds: 100)])
        let held = evaluate([makeApp("x")], policy: policy, current: ["x": "a"], state: state, now: 200)
        #expect(held.decisions[0].cluster == "a")
        #expect(
            held.decisions[0].reasons.last?.hasSuffix("but it moved 100 s ago (cooldown 500 s left)") == true,
            "\(held.decisions[0].reasons)")
        let later = evaluate([makeApp("x")], policy: policy, current: ["x": "a"], state: held.stability, now: 700)
        #expect(later.decisions[0].cluster == "b")
    }

    @Test func movesPerCycleAreLimited() {
        let policy = stabilityPolicy(evaluations: 1, maxMoves: 1)
        let apps = [makeApp("x"), makeApp("y")]
        let outcome = evaluate(apps, policy: policy, current: ["x": "a", "y": "a"], state: StabilityState(), now: 0)
        #expect(outcome.decisions[app: "x"]?.cluster == "b")
        #expect(outcome.decisions[app: "y"]?.cluster == "a")
        #expect(
            outcome.decisions[app: "y"]?.reasons.last?.hasSuffix("but the limit of 1 moves per cycle is reached")
                == true)
    }

    @Test func aFailedClusterIsEvacuatedIgnoringCountCooldownAndLimit() {
        let policy = stabilityPolicy(evaluations: 5, cooldown: 3600, maxMoves: 0)
        let failed = [makeCluster("a", cpu: 10, available: false), makeCluster("b", cpu: 40)]
        let state = StabilityState(apps: ["x": .init(challenger: nil, wins: 0, lastMoveSeconds: 10)])
        let outcome = evaluate([makeApp("x")], on: failed, policy: policy, current: ["x": "a"], state: state, now: 20)
        #expect(outcome.decisions[0].cluster == "b")
        #expect(outcome.decisions[0].reasons.first == "moved from a: Availability: cluster is not available")
        #expect(outcome.stability.apps["x"]?.lastMoveSeconds == 20)
    }

    @Test func aClusterWithNoReadyNodeIsEvacuatedThoughTheHubSaysAvailable() {
        let policy = stabilityPolicy(evaluations: 5, maxMoves: 0)
        var failed = makeCluster("a", cpu: 10)
        failed.telemetry = ClusterTelemetry()
        failed.telemetry?.nodeReadyFraction = 0
        failed.telemetry?.sources = ["nodes": "prometheus"]
        let outcome = evaluate(
            [makeApp("x")], on: [failed, makeCluster("b", cpu: 10)], policy: policy, current: ["x": "a"],
            state: StabilityState(), now: 0)
        #expect(outcome.decisions[0].cluster == "b")
        #expect(
            outcome.decisions[0].reasons.first
                == "moved from a: Availability: no node is ready (nodes ready 0%, prometheus)")
    }

    @Test func anInfeasibleClusterIsEvacuatedNamingTheMetric() {
        let policy = stabilityPolicy(evaluations: 5, maxMoves: 0)
        let clusters = [makeCluster("a", cpu: 10, latency: ["z": 40]), makeCluster("b", cpu: 10, latency: ["z": 5])]
        let outcome = evaluate(
            [makeApp("x", budget: 20, zones: ["z"])], on: clusters, policy: policy, current: ["x": "a"],
            state: StabilityState(), now: 0)
        #expect(outcome.decisions[0].cluster == "b")
        #expect(
            outcome.decisions[0].reasons.first == "moved from a: LatencyBudget: latency 40 ms to z exceeds budget 20 ms"
        )
    }

    @Test func pdlcStrategyCarriesStabilityBetweenCalls() {
        var strategy = PDLCStrategy(policy: stabilityPolicy(), engine: engine)
        var placements: [String] = []
        for now in [0.0, 60, 120] {
            let result = strategy.place(apps: [makeApp("x")], clusters: clusters, current: ["x": "a"], nowSeconds: now)
            placements.append(result["x"] ?? "-")
        }
        #expect(placements == ["a", "a", "b"])
        #expect(strategy.stability.apps["x"]?.lastMoveSeconds == 120)
    }

    @Test func stabilityStateRoundTripsThroughJSON() throws {
        let state = StabilityState(apps: ["x": .init(challenger: "b", wins: 2, lastMoveSeconds: 30)])
        let data = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(StabilityState.self, from: data) == state)
    }

    @Test func policyReadsStabilityKnobs() throws {
        let yaml = """
            apiVersion: placer.dev/v1alpha1
            kind: PlacementPolicy
            metadata: {name: p}
            spec:
              stability: {consecutiveEvaluations: 4, cooldownSeconds: 90, maxMovesPerCycle: 2}
            """
        var policy = PlacementPolicy()
        #expect(policy.consecutiveEvaluations == 3 && policy.cooldownSeconds == 600 && policy.maxMovesPerCycle == 5)
        for document in try YAMLLoader.load(Data(yaml.utf8), file: "p.yaml") { try policy.apply(document) }
        #expect(policy.consecutiveEvaluations == 4 && policy.cooldownSeconds == 90 && policy.maxMovesPerCycle == 2)
        var bad = PlacementPolicy()
        let broken = yaml.replacingOccurrences(of: "consecutiveEvaluations: 4", with: "consecutiveEvaluations: 0")
        #expect(throws: ModelError.self) {
            for document in try YAMLLoader.load(Data(broken.utf8), file: "p.yaml") { try bad.apply(document) }
        }
    }
}
