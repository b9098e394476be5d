import Foundation

/// Holt's linear (double exponential) smoothing: level and trend, forecast `level + h·trend`, with a prediction
/// interval from the one-step residuals.
///
/// Source: C. C. Holt, "Forecasting seasonals and trends by exponentially weighted moving averages" (1957),
/// in the form of Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §8.2:
/// `ℓₜ = α yₜ + (1 − α)(ℓₜ₋₁ + bₜ₋₁)`, `bₜ = β (ℓₜ − ℓₜ₋₁) + (1 − β) bₜ₋₁`, `ŷₜ₊ₕ = ℓₜ + h bₜ`,
/// initialised with `ℓ₁ = y₁`, `b₁ = y₂ − y₁`. Steps `h` are the horizon over the mean sample spacing.
/// Interval (§8.7, Table 8.8, ETS(A,A,N)): `ŷ ± z σₕ` with `σₕ² = σ²[1 + (h − 1){α² + αβ′h + β′²h(2h − 1)/6}]`,
/// `β′ = αβ` (the state-space trend parameter), `σ²` the mean squared one-step residual `yₜ − (ℓₜ₋₁ + bₜ₋₁)` from
/// the third sample on (the second is fitted exactly), `h` at least 1, and `z = Φ⁻¹((1 + coverage)/2)`. Fewer than
/// three samples give a zero-width interval.
public struct HoltForecaster: Forecaster, Hashable {
    public let name = "holt"
    public let displayName = "Holt"
    /// Level smoothing factor α, 0…1.
    public var alpha: Double
    /// Trend smoothing factor β, 0…1.
    public var beta: Double
    /// Smoothed level ℓ and trend b (per sample step), in the series' unit.
    public private(set) var level = 0.0
    public private(set) var trend = 0.0
    /// Samples seen, and the timestamps (seconds) of the first and newest one.
    public private(set) var count = 0
    private var firstSeconds = 0.0
    private var lastSeconds = 0.0
    /// Sum of squared one-step residuals and how many there are.
    private var squaredErrors = 0.0
    private var residuals = 0

    public init(alpha: Double = 0.5, beta: Double = 0.3) {
        self.alpha = alpha
        self.beta = beta
    }

    public mutating func fit(timestamps: [Double], values: [Double]) {
        count = 0
        squaredErrors = 0
        residuals = 0
        for (t, y) in zip(timestamps, values) { update(timestamp: t, value: y) }
    }

    public mutating func update(timestamp: Double, value: Double) {
        defer {
            count += 1
            lastSeconds = timestamp
        }
        guard count > 0 else {
            level = value
            trend = 0
            firstSeconds = timestamp
            return
        }
        if count == 1 { trend = value - level }
        let predicted = level + trend
        if count >= 2 {
            squaredErrors += (value - predicted) * (value - predicted)
            residuals += 1
        }
        let previous = level
        level = alpha * value + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
    }

    public func predict(horizonSeconds: Double, coverage: Double) -> Forecast? {
        guard count > 0 else { return nil }
        guard count > 1 else { return Forecast(value: level, lower: level, upper: level) }
        let step = (lastSeconds - firstSeconds) / Double(count - 1)
        let steps = horizonSeconds / step
        let value = level + steps * trend
        guard coverage > 0, residuals > 0 else { return Forecast(value: value, lower: value, upper: value) }
        let h = max(1, steps)
        let b = alpha * beta
        let variance =
            squaredErrors / Double(residuals)
            * (1 + (h - 1) * (alpha * alpha + alpha * b * h + b * b * h * (2 * h - 1) / 6))
        let half = NormalQuantile.of((1 + min(coverage, 0.999_999)) / 2) * variance.squareRoot()
        return Forecast(value: value, lower: value - half, upper: value + half)
    }

    /// The point forecast `steps` samples after the last one of `series` (oldest first, evenly spaced), in the
    /// series' unit. Returns `nil` for an empty series; a single sample forecasts itself.
    public func forecast(_ series: [Double], steps: Double) -> Double? {
        var model = self
        model.fit(timestamps: series.indices.map(Double.init), values: series)
        return model.predict(horizonSeconds: steps, coverage: 0)?.value
    }
}
