/// Holt's linear (double exponential) smoothing: level and trend, forecast `level + h·trend`.
///
/// Source: C. C. Holt, "Forecasting seasonals and trends by exponentially weighted moving averages" (1957),
/// in the form of Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., §8.2:
/// `ℓₜ = α yₜ + (1 − α)(ℓₜ₋₁ + bₜ₋₁)`, `bₜ = β (ℓₜ − ℓₜ₋₁) + (1 − β) bₜ₋₁`, `ŷₜ₊ₕ = ℓₜ + h bₜ`,
/// initialised with `ℓ₁ = y₁`, `b₁ = y₂ − y₁`.
public struct HoltForecaster: Sendable, Hashable {
    /// Level smoothing factor α, 0…1.
    public var alpha: Double
    /// Trend smoothing factor β, 0…1.
    public var beta: Double

    public init(alpha: Double = 0.5, beta: Double = 0.3) {
        self.alpha = alpha
        self.beta = beta
    }

    /// The forecast `steps` samples after the last one of `series` (oldest first), in the series' unit.
    /// Returns `nil` for an empty series; a single sample forecasts itself.
    public func forecast(_ series: [Double], steps: Double) -> Double? {
        guard let first = series.first else { return nil }
        guard series.count > 1 else { return first }
        var level = first
        var trend = series[1] - series[0]
        for value in series.dropFirst() {
            let previous = level
            level = alpha * value + (1 - alpha) * (level + trend)
            trend = beta * (level - previous) + (1 - beta) * trend
        }
        return level + steps * trend
    }
}
