import Foundation
import PDLC

/// One metric's local series, its forecaster and its recent error, inside the agent.
///
/// Each new sample updates the forecaster (``Forecaster/update(timestamp:value:)``) and settles the forecasts made
/// ``horizonSeconds`` earlier: the absolute error of each settled forecast joins a window of the last
/// ``errorWindow`` errors, whose mean is the model's recent error (MAE, in the metric's unit).
public struct MetricModel: Sendable {
    /// The metric (`cpu`, `memory`).
    public let metric: String
    /// The raw samples, kept here only.
    public private(set) var series: LocalSeries
    /// The forecaster, trained on ``series``.
    public var forecaster: any Forecaster
    /// How far ahead the agent forecasts, in seconds.
    public let horizonSeconds: Double
    /// How many settled errors the recent error averages.
    public let errorWindow: Int
    /// Forecasts not yet settled: (target time in seconds since 1970, point forecast).
    private var pending: [(target: Double, value: Double)] = []
    private var errors: [Double] = []

    public init(
        metric: String, forecaster: any Forecaster, horizonSeconds: Double, capacity: Int = 8 * 24 * 60,
        errorWindow: Int = 60
    ) {
        self.metric = metric
        self.forecaster = forecaster
        self.horizonSeconds = horizonSeconds
        self.errorWindow = max(1, errorWindow)
        series = LocalSeries(capacity: capacity)
    }

    /// Adds a sample (seconds since 1970, value) newer than the last, trains on it and settles due forecasts.
    public mutating func observe(timestamp: Double, value: Double) {
        guard series.append(timestamp: timestamp, value: value) else { return }
        forecaster.update(timestamp: timestamp, value: value)
        while let first = pending.first, first.target <= timestamp {
            pending.removeFirst()
            errors.append(abs(first.value - value))
            if errors.count > errorWindow { errors.removeFirst(errors.count - errorWindow) }
        }
    }

    /// Re-fits the forecaster on the whole kept series (after its parameters changed, or at start-up).
    public mutating func refit() {
        forecaster.fit(timestamps: series.timestamps, values: series.values)
    }

    /// The forecast ``horizonSeconds`` after the newest sample, remembered so its error is measured when the
    /// target time's sample arrives.
    /// - Parameter coverage: the interval's probability, 0 ≤ coverage < 1.
    /// - Returns: nil before any sample.
    public mutating func forecast(coverage: Double) -> Forecast? {
        guard let newest = series.newestSeconds,
            let forecast = forecaster.predict(horizonSeconds: horizonSeconds, coverage: coverage)
        else { return nil }
        pending.append((newest + horizonSeconds, forecast.value))
        return forecast
    }

    /// The mean absolute error of the last settled forecasts, in the metric's unit; nil before the first settles.
    public var recentError: Double? {
        errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count)
    }

    /// How many settled forecasts ``recentError`` averages.
    public var settledForecasts: Int { errors.count }
}
