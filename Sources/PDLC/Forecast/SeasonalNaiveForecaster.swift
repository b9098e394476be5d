import Foundation

/// The seasonal naive forecast: the sample one season (a day) before the forecast time.
///
/// Source: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2 ("Seasonal naïve
/// method", `ŷₜ₊ₕ = yₜ₊ₕ₋ₘ₍ₖ₊₁₎` with `m` the samples per season and `k = ⌊(h − 1)/m⌋`) and §5.5, Table 5.2 for the
/// interval: `ŷ ± z σ √(k + 1)` with `σ²` the mean squared seasonal residual `yₜ − yₜ₋ₘ` and
/// `z = Φ⁻¹((1 + coverage)/2)`. `m` is ``periodSeconds`` over the spacing of the first two samples (samples are
/// taken as evenly spaced), `h` the horizon in steps, rounded, at least 1.
///
/// Until a whole season has been seen it forecasts the last value with the naive interval `ŷ ± z σ₁ √h`
/// (`σ₁²` the mean squared one-step residual), as ``LastValueForecaster`` does.
public struct SeasonalNaiveForecaster: Forecaster, Hashable {
    public let name = "seasonal"
    public let displayName = "Seasonal naive"
    /// The season, in seconds (a day).
    public var periodSeconds: Double
    /// The newest samples, oldest first: at most one season and one sample.
    private var recent: [Double] = []
    /// Samples seen; spacing of the first two samples, in seconds.
    public private(set) var count = 0
    private var firstSeconds = 0.0
    private var stepSeconds = 0.0
    /// Sums of squared one-step and seasonal residuals, and how many seasonal ones there are.
    private var squaredSteps = 0.0
    private var squaredSeasonal = 0.0
    private var seasonalCount = 0

    public init(periodSeconds: Double = 86_400) { self.periodSeconds = periodSeconds }

    /// Samples per season, `m` (at least 1); 0 before the spacing is known.
    public var period: Int { stepSeconds > 0 ? max(1, Int((periodSeconds / stepSeconds).rounded())) : 0 }

    public mutating func fit(timestamps: [Double], values: [Double]) {
        recent = []
        count = 0
        stepSeconds = 0
        squaredSteps = 0
        squaredSeasonal = 0
        seasonalCount = 0
        for (t, y) in zip(timestamps, values) { update(timestamp: t, value: y) }
    }

    public mutating func update(timestamp: Double, value: Double) {
        if count == 0 { firstSeconds = timestamp }
        if count == 1 { stepSeconds = max(timestamp - firstSeconds, .leastNonzeroMagnitude) }
        if let last = recent.last { squaredSteps += (value - last) * (value - last) }
        let m = period
        if m > 0, recent.count >= m {
            let before = recent[recent.count - m]
            squaredSeasonal += (value - before) * (value - before)
            seasonalCount += 1
        }
        recent.append(value)
        count += 1
        // Keep one season plus one sample; trim in blocks so appends stay amortised O(1).
        if m > 0, recent.count > 2 * (m + 1) { recent.removeFirst(recent.count - (m + 1)) }
    }

    public func predict(horizonSeconds: Double, coverage: Double) -> Forecast? {
        guard let last = recent.last else { return nil }
        let m = period
        guard m > 0 else { return Forecast(value: last, lower: last, upper: last) }
        let h = max(1, Int((horizonSeconds / stepSeconds).rounded()))
        let z = coverage > 0 ? NormalQuantile.of((1 + min(coverage, 0.999_999)) / 2) : 0
        let k = (h - 1) / m
        let back = m * (k + 1) - h  // samples before the newest one
        guard count >= m, back < recent.count else {
            let half = z * (squaredSteps / Double(max(1, count - 1))).squareRoot() * Double(h).squareRoot()
            return Forecast(value: last, lower: last - half, upper: last + half)
        }
        let value = recent[recent.count - 1 - back]
        let sigma = seasonalCount > 0 ? (squaredSeasonal / Double(seasonalCount)).squareRoot() : 0
        let half = z * sigma * Double(k + 1).squareRoot()
        return Forecast(value: value, lower: value - half, upper: value + half)
    }
}
