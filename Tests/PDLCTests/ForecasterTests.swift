import AppModel
import Foundation
import PlacerCore
import Testing

@testable import PDLC

/// The forecasters of `ForecasterRegistry.standard` on series whose answer is known, their intervals, the
/// protocol's fit/update contract and the federated seam.
struct ForecasterTests {
    static let step = 300.0
    static let day = 288

    /// Every registered forecaster, fresh.
    static var all: [any Forecaster] {
        ForecasterRegistry.standard.forecasters.keys.sorted().compactMap {
            ForecasterRegistry.standard.forecasters[$0]?()
        }
    }

    static func fitted(_ forecaster: any Forecaster, _ values: [Double], start: Double = 0) -> any Forecaster {
        var model = forecaster
        model.fit(timestamps: values.indices.map { start + Double($0) * step }, values: values)
        return model
    }

    /// `count` samples of a daily sine around 0.5 with amplitude 0.2, plus Gaussian noise of deviation `noise`.
    static func daily(_ count: Int, noise: Double = 0, seed: UInt64 = 7) -> [Double] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { i in
            // Box–Muller from two uniforms in (0, 1].
            let u = (Double(random.next() >> 11) + 1) / 9_007_199_254_740_992
            let v = Double(random.next() >> 11) / 9_007_199_254_740_992
            let gaussian = (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
            return 0.5 + 0.2 * sin(2 * Double.pi * Double(i) / Double(day)) + noise * gaussian
        }
    }

    @Test func everyForecasterForecastsAConstantExactly() throws {
        let constant = Array(repeating: 0.37, count: 2 * Self.day)
        for forecaster in Self.all {
            let model = Self.fitted(forecaster, constant)
            for steps in [1.0, 3, 6, 12] {
                let forecast = try #require(model.predict(horizonSeconds: steps * Self.step, coverage: 0.9))
                #expect(forecast.value == 0.37, "\(forecaster.name) at \(steps) steps: \(forecast)")
                #expect(forecast.lower == 0.37 && forecast.upper == 0.37, "\(forecaster.name): \(forecast)")
            }
            #expect(forecaster.predict(horizonSeconds: 300, coverage: 0.9) == nil, "\(forecaster.name) unfitted")
        }
    }

    @Test func aLinearTrendIsFollowedByHoltAndNearlyByRidge() throws {
        let line = (0..<Self.day).map { 0.1 + 0.001 * Double($0) }
        let last = line[line.count - 1]
        for steps in [1.0, 3, 6] {
            let exact = last + 0.001 * steps
            let holt = try #require(
                Self.fitted(HoltForecaster(), line).predict(horizonSeconds: steps * 300, coverage: 0))
            #expect(abs(holt.value - exact) < 1e-12)
            let ridge = try #require(
                Self.fitted(RidgeForecaster(), line).predict(horizonSeconds: steps * 300, coverage: 0))
            // The penalty shrinks the learned change a little towards 0 (the last value): within 2 % of it.
            #expect(abs(ridge.value - exact) < 0.02 * 0.001 * steps, "ridge \(ridge.value) vs \(exact)")
            let naive = try #require(
                Self.fitted(LastValueForecaster(), line).predict(horizonSeconds: steps * 300, coverage: 0))
            #expect(naive.value == last)
        }
    }

    @Test func aPureDailyCycleIsRecoveredBySeasonalNaiveAndRidge() throws {
        let series = Self.daily(3 * Self.day + 100)
        let truth = Self.daily(3 * Self.day + 100 + 12)
        let seasonal = Self.fitted(SeasonalNaiveForecaster(), series)
        let ridge = Self.fitted(RidgeForecaster(), series)
        let ewma = Self.fitted(EWMAForecaster(), series)
        for steps in [1, 3, 6, 12] {
            let actual = truth[series.count - 1 + steps]
            let s = try #require(seasonal.predict(horizonSeconds: Double(steps) * 300, coverage: 0.9))
            #expect(abs(s.value - actual) < 1e-12, "seasonal at \(steps)")
            let r = try #require(ridge.predict(horizonSeconds: Double(steps) * 300, coverage: 0.9))
            #expect(abs(r.value - actual) < 1e-3, "ridge at \(steps): \(r.value) vs \(actual)")
            let e = try #require(ewma.predict(horizonSeconds: Double(steps) * 300, coverage: 0))
            #expect(abs(e.value - actual) > 3 * abs(r.value - actual), "ewma cannot see the cycle coming")
        }
        // Less than a day seen: seasonal naive falls back to the last value.
        let young = Self.fitted(SeasonalNaiveForecaster(), Array(series.prefix(50)))
        #expect(young.predict(horizonSeconds: 300, coverage: 0)?.value == series[49])
    }

    @Test func intervalsCoverNearTheirNominalShareOnANoisySeries() {
        let series = Self.daily(6 * Self.day, noise: 0.02, seed: 11)
        let evaluation = ForecastEvaluation(horizonSteps: [1, 3, 6], warmupSamples: 2 * Self.day, coverage: 0.9)
        for forecaster: any Forecaster in [RidgeForecaster(), SeasonalNaiveForecaster()] {
            let scores = evaluation.evaluate(forecaster, values: series, stepSeconds: Self.step)
            for h in [1, 3, 6] {
                let coverage = scores[h]?.coverage ?? 0
                #expect(coverage > 0.84 && coverage < 0.96, "\(forecaster.name) at \(h): \(coverage)")
            }
        }
        let ridge = evaluation.evaluate(RidgeForecaster(), values: series, stepSeconds: Self.step)
        let ewma = evaluation.evaluate(EWMAForecaster(), values: series, stepSeconds: Self.step)
        #expect((ridge[3]?.mae ?? 1) < (ewma[3]?.mae ?? 0), "ridge learns the cycle; ewma lags it")
    }

    @Test func fitThenUpdatesEqualsAFitOnTheWholeSeries() throws {
        let series = Self.daily(Self.day + 60, noise: 0.01)
        for forecaster in Self.all {
            let whole = Self.fitted(forecaster, series, start: 1_700_000_000)
            var split = Self.fitted(forecaster, Array(series.prefix(200)), start: 1_700_000_000)
            for i in 200..<series.count {
                split.update(timestamp: 1_700_000_000 + Double(i) * Self.step, value: series[i])
            }
            for seconds in [150.0, 300, 900, 1800, 7200] {
                #expect(
                    split.predict(horizonSeconds: seconds, coverage: 0.8)
                        == whole.predict(horizonSeconds: seconds, coverage: 0.8), "\(forecaster.name) at \(seconds) s")
            }
        }
        var ridge = RidgeForecaster()
        ridge.fit(timestamps: series.indices.map { Double($0) * 300 }, values: series)
        var refit = ridge
        refit.fit(timestamps: series.indices.map { Double($0) * 300 }, values: series)
        #expect(refit == ridge, "a second fit replaces the first")
    }

    @Test func federatedParametersRoundTripAndLocalTrainingDependsOnTheClustersData() throws {
        let timestamps = (0..<(2 * Self.day)).map { Double($0) * Self.step }
        var a = RidgeForecaster()
        a.fit(timestamps: timestamps, values: Self.daily(2 * Self.day, noise: 0.01, seed: 1))
        var b = RidgeForecaster()
        b.fit(timestamps: timestamps, values: Self.daily(2 * Self.day, noise: 0.01, seed: 2).map { 0.8 - $0 })
        let size = a.maxHorizonSteps * a.featureCount
        #expect(a.parameters.count == size && b.parameters.count == size)

        let global = zip(a.parameters, b.parameters).map { ($0 + $1) / 2 }
        let fromA = a.locallyTrained(from: global)
        let fromB = b.locallyTrained(from: global)
        #expect(fromA.count == size && fromA != fromB)
        #expect(fromA == a.locallyTrained(from: global), "pure and deterministic")
        #expect(RidgeForecaster().locallyTrained(from: global) == global, "no data: the global model stands")
        // PDLC's default 15 samples at 60 s: too few rows for 18 features, so the last value and the global model.
        var young = RidgeForecaster()
        let fifteen = (0..<15).map { 0.3 + 0.01 * Double($0 % 4) }
        young.fit(timestamps: fifteen.indices.map { Double($0) * 60 }, values: fifteen)
        #expect(young.predict(horizonSeconds: 600, coverage: 0)?.value == fifteen[14])
        #expect(young.locallyTrained(from: global) == global)

        // Parameters round-trip; a model given another's parameters forecasts with them.
        var c = b
        c.parameters = a.parameters
        #expect(c.parameters == a.parameters)
        let withA = try #require(c.predict(horizonSeconds: 900, coverage: 0))
        let ownB = try #require(b.predict(horizonSeconds: 900, coverage: 0))
        #expect(withA != ownB)
        // Set parameters survive a refit and new samples; the interval comes from this cluster's own errors.
        let kept = c.parameters
        c.update(timestamp: Double(2 * Self.day) * Self.step, value: 0.4)
        #expect(c.parameters == kept)
        let interval = try #require(c.predict(horizonSeconds: 900, coverage: 0.9))
        #expect(interval.upper > interval.value && interval.lower < interval.value)
    }

    @Test func aPolicyNamingRidgeMakesForecastHeadroomUseTheRidgeUpperBound() throws {
        var cluster = makeCluster("c", cpu: 10)
        var telemetry = ClusterTelemetry()
        // A day of a daily cycle in cores (2…6 of 10) at 5-minute steps, ending at a rising part of the cycle.
        telemetry.cpuUsedHistory = Self.daily(Self.day + 40, noise: 0.01).map { 10 * $0 }
        telemetry.stepSeconds = Self.step
        telemetry.historyEndSeconds = 1_700_000_000
        cluster.telemetry = telemetry
        var ridgePolicy = policy(weights: ["headroom": 1])
        ridgePolicy.forecaster = "ridge"
        ridgePolicy.forecastCoverage = 0.9
        let state = CycleState(clusters: [cluster], policy: ridgePolicy)
        let expected = try #require(
            telemetry.loadForecast(.cpu, RidgeForecaster(), coverage: 0.9, capacity: 10))
        #expect(state.fleet.forecasterName == "Ridge")
        #expect(state.fleet.forecastCPUCores[0] == expected.load)
        #expect(expected.load >= expected.forecast.upper && expected.forecast.upper > expected.forecast.value)
        var holtPolicy = ridgePolicy
        holtPolicy.forecaster = "holt"
        let holt = CycleState(clusters: [cluster], policy: holtPolicy).fleet.forecastCPUCores[0]
        #expect(holt != state.fleet.forecastCPUCores[0])

        // An app that fits under the point forecast but not under the upper bound is refused, naming Ridge.
        let free = 9 - expected.load
        let decision = try #require(
            PlacementEngine.standard().decide(
                apps: [makeApp("x", cpu: free + 0.5 * (expected.forecast.upper - expected.forecast.value))],
                clusters: [cluster], policy: ridgePolicy
            ).first)
        #expect(decision.cluster == nil)
        #expect(decision.rejected.first?.reasons.contains { $0.contains("(Ridge)") } == true, "\(decision.rejected)")
        let forecasts = try #require(decision.forecasts["c"])
        #expect(forecasts.map(\.model) == ["Ridge"] && forecasts[0].recentCount == ClusterTelemetry.recentErrorCount)
        #expect(forecasts[0].recentMeanAbsoluteError.map { $0 > 0 && $0 < 1 } == true)
        // What `placer explain` prints under the cluster's inputs.
        let line = "\(forecasts[0])"
        #expect(line.hasPrefix("cpu forecast in 600 s (Ridge): "), "\(line)")
        #expect(line.contains("90% interval") && line.contains("recent error") && line.contains("MAE of its last 12"))
    }
}
