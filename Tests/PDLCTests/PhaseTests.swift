import AppModel
import Testing

@testable import PDLC

/// A filter with only its one required method, and a PreFilter state: refuses clusters whose name is longer
/// than the app's.
struct ShortNameFilter: PreFilterPlugin, FilterPlugin {
    let name = "ShortName"
    struct State: Sendable { var lengths: [Int] }
    struct Reason: RejectionReason, Equatable {
        var length: Int
        var limit: Int
        var code: String { "NameTooLong" }
        var text: String { "name of \(length) characters, more than \(limit)" }
    }

    func preFilter(_ state: CycleState) -> State { State(lengths: state.clusterList.map(\.name.count)) }

    func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let lengths = cycleState(state).lengths
        for c in candidates where lengths[c] > app.app.name.count {
            verdicts.refuse(c, Reason(length: lengths[c], limit: app.app.name.count))
        }
    }
}

/// A score with only its one required method, and a PreScore state: 10 points per character of the name.
struct NameLengthScore: PreScorePlugin, ScorePlugin {
    let name = "nameLength"
    func preScore(_ state: CycleState) -> [Double] { state.clusterList.map { Double($0.name.count * 10) } }
    func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let values = cycleState(state)
        for c in clusters { scores.add(values[c], "\(Int(values[c] / 10)) characters") }
    }
}

/// Reverses another plugin's values (its only required method).
struct ReversedNameLength: NormalizeScorePlugin {
    let name = "reversedNameLength"
    func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        NameLengthScore().score(app, clusters: clusters, state: state, into: &scores)
    }
    func normalize(_ scores: inout [Double]) { scores = scores.map { 100 - $0 } }
}

@Suite struct PhaseTests {
    @Test func pluginsWithOneMethodPerPhaseRunInTheEngine() throws {
        let engine = PlacementEngine(filters: [ShortNameFilter()], scores: [NameLengthScore(), ReversedNameLength()])
        let clusters = ["a", "bb", "ccc", "dddd"].map { makeCluster($0) }
        let state = engine.cycleState(clusters: clusters, policy: PlacementPolicy())
        #expect(state.pluginState(StateKey<ShortNameFilter.State>("ShortName"))?.lengths == [1, 2, 3, 4])
        #expect(state.pluginState(StateKey<[Double]>("nameLength")) == [10, 20, 30, 40])
        #expect(state.pluginState(StateKey<Int>("nameLength")) == nil, "a typed key reads only its own type")

        let decision = try #require(
            engine.decide(apps: [makeApp("xyz")], clusters: clusters, policy: policy(weights: ["nameLength": 1])).first)
        #expect(decision.cluster == "ccc")
        #expect(decision.outcome == .placed)
        #expect(decision.rejections(of: "dddd") == ["ShortName: name of 4 characters, more than 3"])
        #expect(
            decision.candidates.first { $0.cluster == "a" }?.scores == ["nameLength": 10, "reversedNameLength": 90])
        #expect(decision.details["bb"] == ["nameLength": "2 characters", "reversedNameLength": "2 characters"])
        #expect(decision.verdicts["dddd"]?.first?.rejections.first?.code == "NameTooLong")
    }

    @Test func rejectionsAreValuesWhoseTextIsBuiltOnlyWhenShown() throws {
        var built = 0
        func reason() -> any RejectionReason {
            built += 1
            return CapacityFilter.Reason.cpu(needCores: 4, freeCores: 0.9)
        }
        var fast = FilterVerdicts(plugin: "Capacity", explains: false)
        fast.refuse(3, reason())
        #expect(built == 0 && fast.refusedClusters == [3] && fast.rejections.isEmpty)
        var explained = FilterVerdicts(plugin: "Capacity", explains: true)
        explained.refuse(3, reason())
        #expect(built == 1)
        let rejection = try #require(explained.rejections.first)
        #expect(rejection.plugin == "Capacity" && rejection.code == "InsufficientCPU")
        #expect(rejection.reason as? CapacityFilter.Reason == .cpu(needCores: 4, freeCores: 0.9))
        #expect(rejection.text == "needs 4 cpu, 0.9 free")
        #expect(rejection.description == "Capacity: needs 4 cpu, 0.9 free")

        // Through a real filter: the status carries the structured reasons in order.
        let state = CycleState(clusters: [makeCluster("small", cpu: 1, memoryGi: 1)], policy: PlacementPolicy())
        let status = CapacityFilter().status(state.prepare(makeApp("x", cpu: 4, memoryGi: 2)), at: 0, state: state)
        #expect(status.code == .unschedulable)
        #expect(status.rejections.map(\.code) == ["InsufficientCPU", "InsufficientMemory"])
        #expect(status.reasons == ["needs 4 cpu, 0.9 free", "needs 2Gi memory, 921.6Mi free"])
        #expect(
            CapacityFilter().status(state.prepare(makeApp("y", cpu: 0.5, memoryGi: 0)), at: 0, state: state)
                == .feasible("Capacity"))
    }

    @Test func decisionsCarryOutcomeCodes() throws {
        let engine = PlacementEngine.standard()
        let weights = policy(weights: ["headroom": 1])
        let clusters = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 40)]
        let app = makeApp("x")
        #expect(engine.decide(apps: [app], clusters: clusters, policy: weights).first?.outcome == .placed)
        #expect(
            engine.decide(apps: [app], clusters: clusters, policy: weights, current: ["x": currentRecord("x", on: "b")])
                .first?.outcome == .kept)
        let pinned = engine.decide(
            apps: [app], clusters: clusters, policy: weights, current: ["x": currentRecord("x", on: "a", pinned: true)]
        ).first
        #expect(pinned?.outcome == .pinned && pinned?.cluster == "a")
        let down = [makeCluster("a", cpu: 10, available: false), makeCluster("b", cpu: 40)]
        let evacuated = engine.decide(
            apps: [app], clusters: down, policy: weights, current: ["x": currentRecord("x", on: "a")]
        ).first
        #expect(evacuated?.outcome == .evacuated && evacuated?.cluster == "b")
        let none = engine.decide(apps: [makeApp("x", cpu: 100)], clusters: clusters, policy: weights).first
        #expect(none?.outcome == .unplaced && none?.cluster == nil)
        let stuck = engine.decide(
            apps: [makeApp("x", cpu: 100)], clusters: clusters, policy: weights,
            current: ["x": currentRecord("x", on: "a")]
        ).first
        #expect(stuck?.outcome == .kept && stuck?.cluster == "a")

        // Hysteresis: b wins by far, but must win three evaluations in a row.
        var stability = StabilityState()
        var outcomes: [PlacementOutcome] = []
        for step in 0..<3 {
            let outcome = engine.decide(
                apps: [app], clusters: clusters, policy: weights, current: ["x": currentRecord("x", on: "a")],
                stability: stability, nowSeconds: Double(step) * 1000)
            stability = outcome.stability
            outcomes.append(outcome.decisions[0].outcome)
        }
        #expect(outcomes == [.heldByHysteresis, .heldByHysteresis, .moved])
        #expect(
            PlacementOutcome.allCases.map(\.rawValue) == [
                "Placed", "Kept", "Moved", "Pinned", "Evacuated", "Shed", "HeldByHysteresis", "Unplaced",
            ])
    }

    @Test func holtForecastsAValueAndAnIntervalFromItsResiduals() throws {
        var holt = HoltForecaster(alpha: 0.5, beta: 0.3)
        holt.fit(timestamps: [0, 60, 120, 180], values: [0, 1, 2, 4])
        // ℓ = 3.5, b = 1.15 after the fit; residuals 0 (at 2) and 1 (at 4), σ² = 0.5. Two steps of 60 s ahead:
        // ŷ = 3.5 + 2·1.15 = 5.8; σ₂² = 0.5·(1 + 0.25 + 0.5·0.15·2 + 0.15²·2·3/6) = 0.71125; z₀.₉₇₅ = 1.959964.
        #expect(abs(holt.level - 3.5) < 1e-12 && abs(holt.trend - 1.15) < 1e-12)
        let forecast = try #require(holt.predict(horizonSeconds: 120, coverage: 0.95))
        #expect(abs(forecast.value - 5.8) < 1e-12)
        #expect(abs(forecast.lower - 4.147051850111838) < 1e-7)
        #expect(abs(forecast.upper - 7.452948149888162) < 1e-7)
        #expect(
            holt.predict(horizonSeconds: 120, coverage: 0)
                == Forecast(value: forecast.value, lower: forecast.value, upper: forecast.value))
        #expect(try #require(holt.predict(horizonSeconds: 120, coverage: 0.5)).upper < forecast.upper)

        // A fit followed by updates is the fit on the whole series.
        var incremental = HoltForecaster(alpha: 0.5, beta: 0.3)
        incremental.fit(timestamps: [0, 60], values: [0, 1])
        incremental.update(timestamp: 120, value: 2)
        incremental.update(timestamp: 180, value: 4)
        #expect(incremental == holt)

        // A straight line has no residual: the interval has no width; nothing seen, nothing forecast.
        var line = HoltForecaster()
        line.fit(timestamps: [0, 15, 30, 45, 60], values: [1, 2, 3, 4, 5])
        let straight = try #require(line.predict(horizonSeconds: 30, coverage: 0.9))
        #expect(straight.value == 7 && straight.lower == 7 && straight.upper == 7)
        #expect(HoltForecaster().predict(horizonSeconds: 60, coverage: 0.9) == nil)
        #expect(abs(NormalQuantile.of(0.975) - 1.959963984540054) < 1e-8)
        #expect(abs(NormalQuantile.of(0.01) + 2.326347874040841) < 1e-8)
    }

    @Test func theForecastCoverageWidensTheLoadTheFiltersSee() throws {
        var cluster = makeCluster("noisy", cpu: 10)
        cluster.telemetry = ClusterTelemetry()
        // Eleven samples a minute apart: the history spans the 10-minute horizon, so there is a forecast.
        cluster.telemetry?.cpuUsedHistory = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5]
        cluster.telemetry?.stepSeconds = 60
        var point = PlacementPolicy()
        let pointLoad = try #require(CycleState(clusters: [cluster], policy: point).fleet.forecastCPUCores.first)
        point.forecastCoverage = 0.9
        let upperLoad = try #require(CycleState(clusters: [cluster], policy: point).fleet.forecastCPUCores.first)
        #expect(upperLoad > pointLoad + 0.5, "\(pointLoad) \(upperLoad)")
    }

    @Test func aPolicyProfileChoosesPluginsOrderAndWeights() throws {
        let engine = PlacementEngine.standard()
        let tiny = makeCluster("tiny", cpu: 1)
        var profiled = policy(weights: [:])
        // Capacity off: the 2-core app may land on the 1-core cluster; only the headroom score, weight from the profile.
        profiled.profile = PluginProfile(
            filter: .init(disabled: ["Capacity", "ForecastHeadroom"]),
            score: .init(enabled: [.init(name: "headroom", weight: 3)], disabled: ["*"]))
        let decision = try #require(
            engine.decide(apps: [makeApp("x", cpu: 2)], clusters: [tiny], policy: profiled).first)
        #expect(decision.cluster == "tiny")
        #expect(Set(decision.candidates.first?.scores.keys ?? [:].keys) == ["headroom"])
        #expect(
            decision.verdicts["tiny"]?.map(\.plugin)
                == PluginRegistry.defaultFilterOrder.filter { $0 != "Capacity" && $0 != "ForecastHeadroom" })

        let resolved = try PluginRegistry.standard.resolve(
            PluginProfile(
                score: .init(
                    enabled: [.init(name: "energy", weight: 7), .init(name: "balance")], disabled: ["migration"])))
        #expect(resolved.filters == PluginRegistry.defaultFilterOrder)
        #expect(resolved.scores == PluginRegistry.defaultScoreOrder.filter { $0 != "migration" })
        #expect(resolved.weights == ["energy": 7])
        #expect(throws: PluginRegistry.UnknownPlugin(phase: "filter", name: "Nope")) {
            try PluginRegistry.standard.resolve(PluginProfile(filter: .init(enabled: [.init(name: "Nope")])))
        }
    }

    @Test func appModelKnowsExactlyTheRegisteredNames() {
        #expect(PlacementPolicy.knownFilterPlugins == PluginRegistry.defaultFilterOrder)
        #expect(PlacementPolicy.knownScorePlugins == PluginRegistry.defaultScoreOrder)
        #expect(Set(PluginRegistry.standard.filters.keys) == Set(PlacementPolicy.knownFilterPlugins))
        #expect(Set(PluginRegistry.standard.scores.keys) == Set(PlacementPolicy.knownScorePlugins))
        #expect(Set(ForecasterRegistry.standard.forecasters.keys) == Set(PlacementPolicy.knownForecasters))
        for (name, make) in ForecasterRegistry.standard.forecasters { #expect(make().name == name) }
        for (name, make) in PluginRegistry.standard.filters { #expect(make().name == name) }
        for (name, make) in PluginRegistry.standard.scores { #expect(make().name == name) }
    }
}
