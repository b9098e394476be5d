import Foundation

/// A learned forecaster: ridge regression over lags, the same time one day back and time-of-day/day-of-week
/// features, one model per horizon step ("direct" multi-step forecasting), trained online with exponential
/// forgetting on the cluster's own series. A ``FederatedForecaster``: its weights can be averaged across clusters.
///
/// Model. For an origin `o` (the newest sample) and horizon `h` steps the target is the change `yₒ₊ₕ − yₒ`, so a
/// model with no data or a heavy penalty forecasts the last value. Features (``featureCount``): 1; the recent
/// changes `yₒ − yₒ₋ₖ` for each `k` in ``lags``; with `m` samples a day, `yₒ₊ₕ₋ₘ − yₒ` (the seasonal naive forecast
/// as a change) and `yₒ₊ₕ₋ₘ − yₒ₋ₘ` (the change over the same interval yesterday), 0 until a day was seen; and the
/// target time's phase in the day (sin, cos of 2π and 4π × fraction of the day) and week (sin, cos). A feature
/// whose samples are missing is 0. Weights per horizon solve the ridge normal equations (Hoerl & Kennard 1970)
/// with the penalty `λ diag(A)` (scale-free) on rows weighted `ρᵏ` by age, `ρ = 0.5^(step/halfLife)`
/// (``RidgeSystem``). Timestamps are absolute seconds (Unix time) when calendar features should mean anything.
///
/// Why direct, not recursive: one model per horizon is fitted to exactly the error it is judged by, so errors do
/// not compound through fed-back forecasts (Taieb & Hyndman, "Recursive and direct multi-step forecasting: the
/// best of both worlds", Monash working paper 19/12, 2012; Chevillon, "Direct multi-step estimation and
/// forecasting", J. Economic Surveys 21(4), 2007), and its interval comes from that horizon's own errors.
///
/// Interval: empirical quantiles of the newest ``residualWindow`` out-of-sample errors of that horizon (each
/// forecast made when its origin was the newest sample, scored when its target arrived: prequential, Dawid
/// 1984), the Gaussian `± z·RMSE` with fewer than 20 errors, zero width with fewer than 2. Horizons between steps
/// interpolate linearly between the neighbouring steps (step 0 is the last value); beyond ``maxHorizonSteps`` the
/// longest horizon's forecast stands.
///
/// Units: feed utilisation of capacity (0…1). The federated parameters mean the same on every cluster only then
/// (PDLC divides by allocatable before fitting). Samples are taken as evenly spaced at the spacing of the first two.
public struct RidgeForecaster: FederatedForecaster, Hashable {
    public let name = "ridge"
    public let displayName = "Ridge"
    /// Horizons learned, in sample steps (1…maxHorizonSteps).
    public let maxHorizonSteps: Int
    /// Lags of the recent-change features, in sample steps.
    public let lags: [Int]
    /// Relative ridge penalty λ.
    public let penalty: Double
    /// Half-life of a row's weight, in seconds.
    public let halfLifeSeconds: Double
    /// Out-of-sample errors kept per horizon for the interval.
    public let residualWindow: Int

    /// Samples seen; the spacing (seconds, from the first two samples) and samples per day.
    public private(set) var count = 0
    private(set) var stepSeconds = 0.0
    private(set) var daySteps = 0
    private var firstSeconds = 0.0
    private var lastSeconds = 0.0
    /// The newest samples (`samples[0]` is sample number `base`).
    private var samples: [Double] = []
    private var base = 0
    /// Per horizon step: the statistics, the weights in force and the newest errors.
    private(set) var systems: [RidgeSystem]
    private var weights: [[Double]]
    private var residuals: [ResidualWindow]
    /// Forecasts made at each of the newest origins (index `origin % (maxHorizonSteps + 1)`), one per step; nan
    /// when none was made.
    private var pending: [[Double]]
    /// Weights set from outside (federated); nil while the model uses its own solution.
    private var pinned: [Double]?

    /// - Parameters:
    ///   - maxHorizonSteps: longest horizon learned, in steps (12: an hour of 5-minute samples).
    ///   - lags: lags of the change features, in steps.
    ///   - penalty: relative ridge penalty λ.
    ///   - halfLifeSeconds: half-life of the exponential forgetting (14 days).
    ///   - residualWindow: errors kept per horizon.
    public init(
        maxHorizonSteps: Int = 12, lags: [Int] = [1, 2, 3, 4, 6, 8, 12, 24, 48], penalty: Double = 0.01,
        halfLifeSeconds: Double = 14 * 86_400, residualWindow: Int = 288
    ) {
        self.maxHorizonSteps = max(1, maxHorizonSteps)
        self.lags = lags
        self.penalty = penalty
        self.halfLifeSeconds = halfLifeSeconds
        self.residualWindow = residualWindow
        let size = 1 + lags.count + 2 + 6
        systems = Array(repeating: RidgeSystem(size: size), count: self.maxHorizonSteps)
        weights = Array(repeating: Array(repeating: 0, count: size), count: self.maxHorizonSteps)
        residuals = Array(repeating: ResidualWindow(capacity: residualWindow), count: self.maxHorizonSteps)
        pending = Array(
            repeating: Array(repeating: .nan, count: self.maxHorizonSteps), count: self.maxHorizonSteps + 1)
    }

    /// Features per horizon: intercept, lags, two seasonal, six calendar.
    public var featureCount: Int { 1 + lags.count + 2 + 6 }

    /// Rows a horizon needs before its own solution is used: twice the features. With fewer (PDLC's default
    /// 15-minute window at 60 s steps gives 5 rows for 10 steps ahead) the weights stay 0, so the model forecasts
    /// the last value, and ``locallyTrained(from:)`` returns the global weights unchanged.
    public var minimumRows: Int { 2 * featureCount }

    // MARK: Forecaster

    public mutating func fit(timestamps: [Double], values: [Double]) {
        let kept = pinned
        self = RidgeForecaster(
            maxHorizonSteps: maxHorizonSteps, lags: lags, penalty: penalty, halfLifeSeconds: halfLifeSeconds,
            residualWindow: residualWindow)
        pinned = kept
        if let kept { weights = Self.split(kept, maxHorizonSteps) }
        for (t, y) in zip(timestamps, values) { update(timestamp: t, value: y) }
    }

    public mutating func update(timestamp: Double, value: Double) {
        if count == 0 { firstSeconds = timestamp }
        if count == 1 {
            stepSeconds = max(timestamp - firstSeconds, .leastNonzeroMagnitude)
            daySteps = max(1, Int((86_400 / stepSeconds).rounded()))
        }
        samples.append(value)
        count += 1
        lastSeconds = timestamp
        let n = count - 1
        guard stepSeconds > 0 else { return }
        let slots = maxHorizonSteps + 1
        for h in 1...maxHorizonSteps where n - h >= 0 {
            let forecast = pending[(n - h) % slots][h - 1]
            if !forecast.isNaN { residuals[h - 1].append(value - forecast) }
        }
        let decay = halfLifeSeconds > 0 ? pow(0.5, stepSeconds / halfLifeSeconds) : 1
        for h in 1...maxHorizonSteps {
            systems[h - 1].decay(decay)
            guard n - h >= 0, let origin = self.value(n - h) else { continue }
            systems[h - 1].add(features(origin: n - h, steps: h), value - origin)
            if pinned == nil, systems[h - 1].rows >= minimumRows {
                weights[h - 1] = systems[h - 1].solve(penalty: penalty, floor: Self.floor)
            }
        }
        pending[n % slots] = (1...maxHorizonSteps).map { forecast(origin: n, steps: $0) }
        let keep = daySteps + (lags.max() ?? 0) + maxHorizonSteps + residualWindow + 2
        if samples.count > 2 * keep {
            let drop = samples.count - keep
            samples.removeFirst(drop)
            base += drop
        }
    }

    public func predict(horizonSeconds: Double, coverage: Double) -> Forecast? {
        guard let last = samples.last else { return nil }
        guard stepSeconds > 0, horizonSeconds > 0 else { return Forecast(value: last, lower: last, upper: last) }
        let steps = min(horizonSeconds / stepSeconds, Double(maxHorizonSteps))
        let low = Int(steps.rounded(.down))
        let high = Int(steps.rounded(.up))
        let a = at(steps: low, coverage: coverage, last: last)
        guard high != low else { return a }
        let b = at(steps: high, coverage: coverage, last: last)
        let f = steps - Double(low)
        return Forecast(
            value: a.value + f * (b.value - a.value), lower: a.lower + f * (b.lower - a.lower),
            upper: a.upper + f * (b.upper - a.upper))
    }

    // MARK: FederatedForecaster

    /// The weights of every horizon step, step 1 first, ``featureCount`` each (``maxHorizonSteps`` ×
    /// ``featureCount`` numbers). Setting them pins them (the model stops using its own solution) and recomputes
    /// the errors behind the interval over the samples it keeps.
    /// - Precondition: a set vector has ``maxHorizonSteps`` × ``featureCount`` elements.
    public var parameters: [Double] {
        get { weights.flatMap { $0 } }
        set {
            precondition(
                newValue.count == maxHorizonSteps * featureCount,
                "ridge parameters: \(newValue.count) numbers, \(maxHorizonSteps * featureCount) expected")
            pinned = newValue
            weights = Self.split(newValue, maxHorizonSteps)
            rescore()
        }
    }

    /// Per horizon step, the ridge solution on this model's samples pulled towards `global` (the penalty
    /// `λ diag(A) + ε` now shrinks towards `global` instead of 0: `global` where this cluster has fewer than
    /// ``minimumRows`` rows, its own fit where it has much). Pure.
    /// - Precondition: `global` has ``maxHorizonSteps`` × ``featureCount`` elements.
    public func locallyTrained(from global: [Double]) -> [Double] {
        precondition(global.count == maxHorizonSteps * featureCount, "ridge global: \(global.count) numbers")
        let size = featureCount
        return systems.indices.flatMap { h in
            let prior = global[(h * size)..<((h + 1) * size)]
            return systems[h].rows >= minimumRows
                ? systems[h].solve(penalty: penalty, floor: Self.floor, prior: prior) : Array(prior)
        }
    }

    // MARK: Features

    /// The absolute floor ε on the penalty, so the system is solvable before any data.
    static let floor = 1e-6

    private static func split(_ flat: [Double], _ horizons: Int) -> [[Double]] {
        let size = flat.count / horizons
        return (0..<horizons).map { Array(flat[($0 * size)..<(($0 + 1) * size)]) }
    }

    /// Sample number `index`, if kept.
    private func value(_ index: Int) -> Double? {
        index >= base && index < count ? samples[index - base] : nil
    }

    /// The feature row for origin `origin` (a sample number) and horizon `steps`.
    private func features(origin: Int, steps: Int) -> [Double] {
        var x = Array(repeating: 0.0, count: featureCount)
        x[0] = 1
        guard let now = value(origin) else { return x }
        for (i, k) in lags.enumerated() { if let y = value(origin - k) { x[1 + i] = now - y } }
        let s = 1 + lags.count
        if daySteps > steps, let dayBefore = value(origin + steps - daySteps) {
            x[s] = dayBefore - now
            if let start = value(origin - daySteps) { x[s + 1] = dayBefore - start }
        }
        let seconds = lastSeconds - Double(count - 1 - origin - steps) * stepSeconds
        let day = 2 * Double.pi * (seconds / 86_400).truncatingRemainder(dividingBy: 1)
        let week = 2 * Double.pi * (seconds / 604_800).truncatingRemainder(dividingBy: 1)
        x[s + 2] = sin(day)
        x[s + 3] = cos(day)
        x[s + 4] = sin(2 * day)
        x[s + 5] = cos(2 * day)
        x[s + 6] = sin(week)
        x[s + 7] = cos(week)
        return x
    }

    /// The point forecast from `origin` at `steps` with the weights in force.
    private func forecast(origin: Int, steps: Int) -> Double {
        guard let now = value(origin) else { return .nan }
        let x = features(origin: origin, steps: steps)
        let w = weights[steps - 1]
        var change = 0.0
        for i in x.indices { change += x[i] * w[i] }
        return now + change
    }

    /// The forecast from the newest sample at a whole number of steps (0: the last value).
    private func at(steps: Int, coverage: Double, last: Double) -> Forecast {
        guard steps > 0 else { return Forecast(value: last, lower: last, upper: last) }
        let value = pending[(count - 1) % (maxHorizonSteps + 1)][steps - 1]
        let errors = residuals[steps - 1]
        guard coverage > 0, errors.count >= 2, !value.isNaN else {
            let point = value.isNaN ? last : value
            return Forecast(value: point, lower: point, upper: point)
        }
        let c = min(coverage, 0.999_999)
        var lower: Double
        var upper: Double
        if errors.count >= 20 {
            lower = value + errors.quantile((1 - c) / 2)
            upper = value + errors.quantile((1 + c) / 2)
        } else {
            let half = NormalQuantile.of((1 + c) / 2) * errors.rootMeanSquare
            lower = value - half
            upper = value + half
        }
        return Forecast(value: value, lower: min(lower, value), upper: max(upper, value))
    }

    /// Recomputes the kept errors and the newest forecasts with the weights in force (after they were set).
    private mutating func rescore() {
        guard stepSeconds > 0, count > 0 else { return }
        let n = count - 1
        let slots = maxHorizonSteps + 1
        for h in residuals.indices { residuals[h].removeAll() }
        for o in pending.indices { pending[o] = Array(repeating: .nan, count: maxHorizonSteps) }
        // Origins whose features are all still kept, as when they were first scored.
        let reach = base > 0 ? base + daySteps + (lags.max() ?? 0) : 0
        let first = max(reach, n - residualWindow - maxHorizonSteps, 0)
        guard first <= n else { return }
        for o in first...n {
            for h in 1...maxHorizonSteps {
                let f = forecast(origin: o, steps: h)
                if o + h <= n, let actual = value(o + h) {
                    residuals[h - 1].append(actual - f)
                } else {
                    pending[o % slots][h - 1] = f
                }
            }
        }
    }
}
