import Foundation

/// The naive forecast: the newest sample, at every horizon.
///
/// Source: Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §5.2 ("Naïve method",
/// `ŷₜ₊ₕ = yₜ`) and §5.5, Table 5.2 for the interval: `ŷ ± z σ √h` with `σ²` the mean squared one-step residual
/// `yₜ − yₜ₋₁`, `h` the horizon in sample steps (at least 1) and `z = Φ⁻¹((1 + coverage)/2)`. Steps are the
/// horizon over the mean sample spacing. One sample gives a zero-width interval.
public struct LastValueForecaster: Forecaster, Hashable {
    public let name = "last"
    public let displayName = "Last value"
    /// The newest sample, in the series' unit.
    public private(set) var last = 0.0
    /// Samples seen, and the timestamps (seconds) of the first and newest one.
    public private(set) var count = 0
    private var firstSeconds = 0.0
    private var lastSeconds = 0.0
    /// Sum of squared one-step residuals.
    private var squaredErrors = 0.0

    public init() {}

    public mutating func fit(timestamps: [Double], values: [Double]) {
        count = 0
        squaredErrors = 0
        for (t, y) in zip(timestamps, values) { update(timestamp: t, value: y) }
    }

    public mutating func update(timestamp: Double, value: Double) {
        if count == 0 { firstSeconds = timestamp } else { squaredErrors += (value - last) * (value - last) }
        last = value
        lastSeconds = timestamp
        count += 1
    }

    public func predict(horizonSeconds: Double, coverage: Double) -> Forecast? {
        guard count > 0 else { return nil }
        guard count > 1, coverage > 0 else { return Forecast(value: last, lower: last, upper: last) }
        let step = max((lastSeconds - firstSeconds) / Double(count - 1), .leastNonzeroMagnitude)
        let h = max(1, horizonSeconds / step)
        let sigma = (squaredErrors / Double(count - 1)).squareRoot()
        let half = NormalQuantile.of((1 + min(coverage, 0.999_999)) / 2) * sigma * h.squareRoot()
        return Forecast(value: last, lower: last - half, upper: last + half)
    }
}
