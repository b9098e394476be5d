import AppModel
import Foundation
import Testing

@testable import PDLC

/// A cluster saturated by measured use sheds just enough of its apps (lowest QoS, then least memory, first), at
/// once; no app moves onto a cluster its request would saturate; and the shed apps neither come back nor drag
/// more apps with them while the home stays near its limit.
@Suite struct SaturationTests {
    let engine = PlacementEngine.standard()

    /// `home` (8 cores, limit 7.2 with the 10 % reserve) is the users' zone at 1 ms; `dc` is 4 ms away and large.
    /// Apps prefer `home` by latency margin, so only saturation moves them.
    func fleet(homeUsed: Double, dcUsed: Double = 10, extra: [ClusterSpec] = []) -> [ClusterSpec] {
        [
            measured(makeCluster("home", zone: "hall", cpu: 8, latency: ["hall": 1]), cpu: homeUsed),
            measured(makeCluster("dc", cpu: 32, latency: ["hall": 4]), cpu: dcUsed),
        ] + extra
    }

    func measured(_ cluster: ClusterSpec, cpu: Double, history: [Double] = []) -> ClusterSpec {
        var cluster = cluster
        var telemetry = ClusterTelemetry()
        telemetry.cpuUsedCores = cpu
        telemetry.cpuUsedHistory = history
        telemetry.sources["cpu"] = "prometheus"
        telemetry.ageSeconds["cpu"] = 60
        cluster.telemetry = telemetry
        return cluster
    }

    /// Two Gold, two Silver and one BestEffort app, 4.5 cores of requests, all on `home`.
    let apps = [
        makeApp("gold-a", qos: .gold, cpu: 1, budget: 10, zones: ["hall"]),
        makeApp("gold-b", qos: .gold, cpu: 1, budget: 10, zones: ["hall"]),
        makeApp("silver-big", qos: .silver, cpu: 1, memoryGi: 2, budget: 10, zones: ["hall"]),
        makeApp("silver-small", qos: .silver, cpu: 1, memoryGi: 1, budget: 10, zones: ["hall"]),
        makeApp("best-effort", qos: .bestEffort, cpu: 0.5, memoryGi: 4, budget: 10, zones: ["hall"]),
    ]

    let latencyPolicy = policy(weights: ["latencyMargin": 1], minScoreGain: 5)

    func evaluate(
        clusters: [ClusterSpec], current: [String: String], state: StabilityState = StabilityState(), now: Double = 0
    ) -> DecisionOutcome {
        engine.decide(
            apps: apps, clusters: clusters, policy: latencyPolicy,
            current: current.mapValues { currentRecord("", on: $0) }, stability: state, nowSeconds: now)
    }

    var allOnHome: [String: String] { Dictionary(uniqueKeysWithValues: apps.map { ($0.name, "home") }) }

    @Test func aSaturatedHomeShedsJustEnoughAppsLowestQoSFirst() {
        // Measured 9.4 cores against the 7.2-core limit: 2.2 cores too many. BestEffort (0.5) goes first, then
        // the Silver app with less memory to copy (1), then the other Silver one (1): 2.5 ≥ 2.2. Gold stays.
        let outcome = evaluate(clusters: fleet(homeUsed: 9.4), current: allOnHome)
        let moved = Set(outcome.decisions.filter { $0.cluster == "dc" }.map(\.app.name))
        #expect(moved == ["best-effort", "silver-small", "silver-big"])
        #expect(outcome.decisions[app: "gold-a"]?.cluster == "home")
        #expect(outcome.decisions[app: "gold-b"]?.cluster == "home")
        let reasons = outcome.decisions[app: "silver-small"]?.reasons ?? []
        #expect(
            reasons.first
                == "moved from home: Saturation: measured cpu 9.4/8 cores (prometheus), over the 7.2-core limit",
            "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("home is saturated: 3 of its 5 apps here move off") }, "\(reasons)")
        #expect(outcome.stability.apps["silver-small"]?.shedFrom == "home")
        #expect(outcome.stability.apps["gold-a"]?.shedFrom == nil)
        // The outcome says it as a code: shed, not evacuated; the Gold apps are kept.
        #expect(outcome.decisions.filter { $0.outcome == .shed }.map(\.app.name).sorted() == moved.sorted())
        #expect(outcome.decisions[app: "gold-a"]?.outcome == .kept)
    }

    @Test func aSmallExcessShedsOneApp() {
        // 7.5 measured: 0.3 cores over; the BestEffort app's 0.5 cores cover it.
        let outcome = evaluate(clusters: fleet(homeUsed: 7.5), current: allOnHome)
        #expect(outcome.decisions.filter(\.moves).map(\.app.name) == ["best-effort"])
    }

    @Test func aHomeUnderItsLimitKeepsItsApps() {
        for used in [4.0, 7.2] {
            let outcome = evaluate(clusters: fleet(homeUsed: used), current: allOnHome)
            #expect(outcome.decisions.allSatisfy { $0.cluster == "home" }, "\(used) cores")
            #expect(outcome.stability.apps.values.allSatisfy { $0.shedFrom == nil })
        }
        // Without telemetry nothing is saturated, whatever the requests say.
        let bare = [
            makeCluster("home", zone: "hall", cpu: 8, latency: ["hall": 1]),
            makeCluster("dc", cpu: 32, latency: ["hall": 4]),
        ]
        #expect(evaluate(clusters: bare, current: allOnHome).decisions.allSatisfy { $0.cluster == "home" })
    }

    @Test func aPinnedAppIsNotShed() {
        var current = allOnHome.mapValues { currentRecord("", on: $0) }
        current["best-effort"] = currentRecord("best-effort", on: "home", pinned: true)
        let outcome = engine.decide(
            apps: apps, clusters: fleet(homeUsed: 7.5), policy: latencyPolicy, current: current,
            stability: StabilityState(), nowSeconds: 0)
        // The pinned BestEffort app stays; the cheapest Silver app covers the 0.3 cores instead.
        #expect(outcome.decisions.filter(\.moves).map(\.app.name) == ["silver-small"])
    }

    @Test func noAppMovesOntoAClusterItWouldSaturate() {
        // `near` has 6.5 of its 7.2 cores measured in use (no history, so the measured figure is the load):
        // a 1-core app would take it to 7.5. Nothing else fits the budget, so the home keeps its apps.
        let near = measured(makeCluster("near", cpu: 8, latency: ["hall": 2]), cpu: 6.5)
        let clusters = [measured(makeCluster("home", zone: "hall", cpu: 8, latency: ["hall": 1]), cpu: 9.4), near]
        let outcome = evaluate(clusters: clusters, current: allOnHome)
        // Only the BestEffort app (0.5 cores: 7.0 ≤ 7.2) fits on `near`; the rest stay.
        #expect(outcome.decisions.filter(\.moves).map(\.app.name) == ["best-effort"])
        let refusal = outcome.decisions[app: "silver-small"]?.rejections(of: "near") ?? []
        #expect(refusal == ["ForecastHeadroom: measured cpu 6.5 cores + 1 exceeds 7.2"], "\(refusal)")
    }

    @Test func appsMovingInThisCycleCountAgainstTheTarget() {
        // `mid` has room for exactly one more core (5.5 + 1 ≤ 7.2 < 5.5 + 2): of the shed apps, only as many
        // land there as keep it under its limit.
        let mid = measured(makeCluster("mid", cpu: 8, latency: ["hall": 2]), cpu: 5.5)
        let clusters = [measured(makeCluster("home", zone: "hall", cpu: 8, latency: ["hall": 1]), cpu: 9.4), mid]
        let outcome = evaluate(clusters: clusters, current: allOnHome)
        let landed = outcome.decisions.filter { $0.cluster == "mid" }
        #expect(landed.reduce(0) { $0 + $1.app.cpuCores } <= 7.2 - 5.5 + 1e-9)
        // BestEffort first, then the Silver app with less memory; the other Silver and both Gold apps stay.
        #expect(landed.map(\.app.name) == ["silver-small", "best-effort"])
        #expect(
            outcome.decisions.filter { $0.cluster == "home" }.map(\.app.name) == ["gold-a", "gold-b", "silver-big"])
    }

    @Test func noFlappingOverRepeatedEvaluations() {
        var state = StabilityState()
        var current = allOnHome
        var moves: [String] = []
        // The same telemetry for five minutes: the measurement still contains the shed apps; they are
        // deducted for `saturationSettleSeconds`, so no second round of shedding, and nothing comes back.
        for now in stride(from: 0.0, through: 240, by: 60) {
            let outcome = evaluate(clusters: fleet(homeUsed: 9.4), current: current, state: state, now: now)
            state = outcome.stability
            for decision in outcome.decisions where decision.moves { moves.append("\(decision.app.name)@\(Int(now))") }
            for decision in outcome.decisions { current[decision.app.name] = decision.cluster }
        }
        #expect(moves.sorted() == ["best-effort@0", "silver-big@0", "silver-small@0"], "\(moves)")
        // Then the measurement reflects the move: 6.9 cores, near the 7.2-core limit. Over half an hour the
        // shed apps (which score higher at home) do not come back, and nothing else moves.
        for now in stride(from: 300.0, through: 2100, by: 60) {
            let outcome = evaluate(clusters: fleet(homeUsed: 6.9), current: current, state: state, now: now)
            state = outcome.stability
            #expect(
                outcome.decisions.allSatisfy { !$0.moves },
                "at \(now): \(outcome.decisions.filter(\.moves).map(\.reasons))")
            for decision in outcome.decisions { current[decision.app.name] = decision.cluster }
        }
        #expect(current.values.filter { $0 == "home" }.count == 2)
    }

    @Test func aShedAppReturnsOnceTheHomeHasRoom() {
        // The load falls to 3 cores: home has room again, and after the usual consecutive wins and cooldown the
        // shed apps go back to the cluster they score higher on (no cluster is saturated by their return).
        var state = StabilityState()
        var current = allOnHome
        let first = evaluate(clusters: fleet(homeUsed: 9.4), current: current, state: state, now: 0)
        state = first.stability
        for decision in first.decisions { current[decision.app.name] = decision.cluster }
        var back: [String] = []
        for now in stride(from: 600.0, through: 1200, by: 60) {
            let outcome = evaluate(clusters: fleet(homeUsed: 3), current: current, state: state, now: now)
            state = outcome.stability
            for decision in outcome.decisions where decision.moves && decision.cluster == "home" {
                back.append(decision.app.name)
            }
            for decision in outcome.decisions { current[decision.app.name] = decision.cluster }
        }
        // 3 cores + the 2.5 cores returning in the same cycle stay under the 7.2-core limit.
        #expect(Set(back) == ["best-effort", "silver-big", "silver-small"])
    }

    @Test func aShedAppStaysAwayWhileTheBurstIsInTheHistory() {
        // The load now is 3 cores, but the history still holds the 9.4-core burst: the shed apps do not return
        // (the home's peak measured use + their requests exceeds the limit), though they score higher there.
        var state = StabilityState()
        var current = allOnHome
        let first = evaluate(clusters: fleet(homeUsed: 9.4), current: current, state: state, now: 0)
        state = first.stability
        for decision in first.decisions { current[decision.app.name] = decision.cluster }
        let home = measured(
            makeCluster("home", zone: "hall", cpu: 8, latency: ["hall": 1]), cpu: 3, history: [9.4, 8, 5, 3, 3, 3])
        let clusters = [home, measured(makeCluster("dc", cpu: 32, latency: ["hall": 4]), cpu: 10)]
        for now in stride(from: 600.0, through: 1200, by: 60) {
            let outcome = evaluate(clusters: clusters, current: current, state: state, now: now)
            state = outcome.stability
            #expect(outcome.decisions.allSatisfy { !$0.moves }, "at \(now)")
            for decision in outcome.decisions { current[decision.app.name] = decision.cluster }
        }
        let refusal =
            evaluate(clusters: clusters, current: current, state: state, now: 1260)
            .decisions[app: "best-effort"]?.rejections(of: "home") ?? []
        #expect(
            refusal.first?.hasPrefix("ForecastHeadroom: peak measured cpu 9.4 cores (it was moved off for saturation)")
                == true, "\(refusal)")
    }

    @Test func saturationFiguresAndEvidence() throws {
        let state = CycleState(clusters: fleet(homeUsed: 9.4), policy: latencyPolicy)
        let home = try #require(state.clusterIndex["home"])
        let saturation = Saturation(at: home, state: state)
        #expect(saturation.isSaturated)
        #expect(abs(saturation.excessCPUCores - 2.2) < 1e-9)
        #expect(saturation.evidence == "measured cpu 9.4/8 cores (prometheus), over the 7.2-core limit")
        let relieved = Saturation(at: home, state: state, shedCPUCores: 2.5)
        #expect(!relieved.isSaturated)
        #expect(relieved.excessCPUCores == 0)
    }
}
