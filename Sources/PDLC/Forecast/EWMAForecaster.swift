import Foundation

/// The exponentially weighted moving average (simple exponential smoothing): a level, forecast flat.
///
/// Source: R. G. Brown, *Statistical Forecasting for Inventory Control* (1959), in the form of Hyndman &
/// Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §8.1: `ℓₜ = α yₜ + (1 − α) ℓₜ₋₁`,
/// `ŷₜ₊ₕ = ℓₜ`, `ℓ₁ = y₁`. Interval (§8.7, Table 8.8, ETS(A,N,N)): `ŷ ± z σₕ` with
/// `σₕ² = σ²[1 + α²(h − 1)]`, `σ²` the mean squared one-step residual `yₜ − ℓₜ₋₁`, `h` the horizon in sample
/// steps (the horizon over the mean spacing, at least 1) and `z = Φ⁻¹((1 + coverage)/2)`. One sample gives a
/// zero-width interval.
public struct EWMAForecaster: Forecaster, Hashable {
    public let name = "ewma"
    public let displayName = "EWMA"
    /// Smoothing factor α, 0…1 (1: the last value).
    public var alpha: Double
    /// The smoothed level ℓ, in the series' unit.
    public private(set) var level = 0.0
    /// Samples seen, and the timestamps (seconds) of the first and newest one.
    public private(set) var count = 0
    private var firstSeconds = 0.0
    private var lastSeconds = 0.0
    /// Sum of squared one-step residuals.
    private var squaredErrors = 0.0

    public init(alpha: Double = 0.5) { self.alpha = alpha }

    public mutating func fit(timestamps: [Double], values: [Double]) {
        count = 0
        squaredErrors = 0
        for (t, y) in zip(timestamps, values) { update(timestamp: t, value: y) }
    }

    public mutating func update(timestamp: Double, value: Double) {
        if count == 0 {
            firstSeconds = timestamp
            level = value
        } else {
            squaredErrors += (value - level) * (value - level)
            level = alpha * value + (1 - alpha) * level
        }
        lastSeconds = timestamp
        count += 1
    }

    public func predict(horizonSeconds: Double, coverage: Double) -> Forecast? {
        guard count > 0 else { return nil }
        guard count > 1, coverage > 0 else { return Forecast(value: level, lower: level, upper: level) }
        let step = max((lastSeconds - firstSeconds) / Double(count - 1), .leastNonzeroMagnitude)
        let h = max(1, horizonSeconds / step)
        let variance = squaredErrors / Double(count - 1) * (1 + alpha * alpha * (h - 1))
        let half = NormalQuantile.of((1 + min(coverage, 0.999_999)) / 2) * variance.squareRoot()
        return Forecast(value: level, lower: level - half, upper: level + half)
    }
}
