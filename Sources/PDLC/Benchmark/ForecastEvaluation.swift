import Foundation

/// Rolling-origin evaluation of forecasters on one series: at every origin after a warm-up the model, having seen
/// exactly the samples up to the origin, forecasts each horizon; then it learns the next sample (an "evaluation on
/// a rolling forecasting origin", Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed.,
/// §5.10, with the model updated rather than refitted, which the ``Forecaster`` contract makes the same).
///
/// Scores per horizon: MAE in the series' unit; MASE (Hyndman & Koehler, "Another look at measures of forecast
/// accuracy", IJF 22(4), 2006), the MAE over the mean absolute one-step change of the whole series (so the last
/// value scores about 1 at one step); and coverage, the share of outcomes inside the forecast's interval of
/// nominal coverage ``coverage``.
public struct ForecastEvaluation: Sendable {
    /// The scores of one model at one horizon.
    public struct Score: Sendable, Hashable, Codable {
        public var mae: Double
        public var mase: Double
        public var coverage: Double

        public init(mae: Double, mase: Double, coverage: Double) {
            self.mae = mae
            self.mase = mase
            self.coverage = coverage
        }
    }

    /// Horizons, in sample steps.
    public var horizonSteps: [Int]
    /// Samples learned before the first scored origin.
    public var warmupSamples: Int
    /// Nominal coverage of the scored intervals, 0 < coverage < 1.
    public var coverage: Double

    public init(horizonSteps: [Int], warmupSamples: Int, coverage: Double = 0.9) {
        self.horizonSteps = horizonSteps
        self.warmupSamples = warmupSamples
        self.coverage = coverage
    }

    /// Scores `forecaster` (fresh or not: it is refitted from nothing) on `values`, one every `stepSeconds`
    /// starting at `startSeconds`.
    /// - Returns: horizon (steps) → score; a horizon with no scored origin (series too short) is left out.
    public func evaluate(
        _ forecaster: any Forecaster, values: [Double], stepSeconds: Double, startSeconds: Double = 0
    ) -> [Int: Score] {
        let scale = Self.naiveScale(values)
        var model = forecaster
        model.fit(timestamps: [], values: [])
        var absolute = Dictionary(uniqueKeysWithValues: horizonSteps.map { ($0, 0.0) })
        var inside = Dictionary(uniqueKeysWithValues: horizonSteps.map { ($0, 0) })
        var scored = Dictionary(uniqueKeysWithValues: horizonSteps.map { ($0, 0) })
        for (i, value) in values.enumerated() {
            model.update(timestamp: startSeconds + Double(i) * stepSeconds, value: value)
            guard i + 1 >= warmupSamples else { continue }
            for h in horizonSteps where i + h < values.count {
                guard let forecast = model.predict(horizonSeconds: Double(h) * stepSeconds, coverage: coverage) else {
                    continue
                }
                let actual = values[i + h]
                absolute[h, default: 0] += abs(actual - forecast.value)
                if actual >= forecast.lower && actual <= forecast.upper { inside[h, default: 0] += 1 }
                scored[h, default: 0] += 1
            }
        }
        var scores: [Int: Score] = [:]
        for h in horizonSteps {
            guard let n = scored[h], n > 0 else { continue }
            let mae = (absolute[h] ?? 0) / Double(n)
            scores[h] = Score(
                mae: mae, mase: scale > 0 ? mae / scale : .nan, coverage: Double(inside[h] ?? 0) / Double(n))
        }
        return scores
    }

    /// The mean absolute one-step change of `values` (MASE's scale); 0 for fewer than two samples.
    public static func naiveScale(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        var sum = 0.0
        for i in 1..<values.count { sum += abs(values[i] - values[i - 1]) }
        return sum / Double(values.count - 1)
    }
}
