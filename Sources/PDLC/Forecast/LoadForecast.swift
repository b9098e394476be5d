import AppModel

/// One cluster's forecast of one load metric, as a decision read it: the model, the point forecast and interval
/// ``ClusterTelemetry/forecastHorizonSeconds`` ahead and the model's recent error, in the metric's unit (cpu in
/// cores, memory in bytes). `placer explain` shows it.
public struct LoadForecast: Sendable, Hashable {
    /// The load metrics PDLC forecasts.
    public enum Metric: String, Sendable, Hashable {
        case cpu, memory
    }

    public var metric: Metric
    /// The forecaster's display name (`Ridge`).
    public var model: String
    /// How far ahead, in seconds.
    public var horizonSeconds: Double
    /// The interval's nominal coverage, 0 ≤ coverage < 1 (0: a point forecast).
    public var coverage: Double
    /// The forecast and its interval.
    public var forecast: Forecast
    /// The load PDLC checks against: the interval's upper bound, never below the live figure.
    public var load: Double
    /// Mean absolute error of the model's newest ``recentCount`` forecasts at the horizon whose outcome is in the
    /// history (each made from the samples before its origin); nil when the history holds none.
    public var recentMeanAbsoluteError: Double?
    public var recentCount: Int

    public init(
        metric: Metric, model: String, horizonSeconds: Double, coverage: Double, forecast: Forecast, load: Double,
        recentMeanAbsoluteError: Double?, recentCount: Int
    ) {
        self.metric = metric
        self.model = model
        self.horizonSeconds = horizonSeconds
        self.coverage = coverage
        self.forecast = forecast
        self.load = load
        self.recentMeanAbsoluteError = recentMeanAbsoluteError
        self.recentCount = recentCount
    }
}

extension ClusterTelemetry {
    /// How many of the newest forecasts the recent error averages.
    public static let recentErrorCount = 12

    /// The upper bound of `forecaster`'s forecast of cpu in use ``forecastHorizonSeconds`` ahead, in cores, never
    /// below the live figure; `nil` without a history.
    /// - Parameters:
    ///   - coverage: the interval's coverage, 0 ≤ coverage < 1 (0: the point forecast).
    ///   - capacity: allocatable cpu in cores, which a ``FederatedForecaster`` is fed utilisation of.
    public func forecastCPUCores(
        _ forecaster: any Forecaster = HoltForecaster(), coverage: Double = 0, capacity: Double? = nil
    ) -> Double? {
        loadForecast(.cpu, forecaster, coverage: coverage, capacity: capacity)?.load
    }

    /// The upper bound of `forecaster`'s forecast of memory in use ``forecastHorizonSeconds`` ahead, in bytes,
    /// never below the live figure; `nil` without a history.
    /// - Parameters:
    ///   - coverage: the interval's coverage, 0 ≤ coverage < 1 (0: the point forecast).
    ///   - capacity: allocatable memory in bytes, which a ``FederatedForecaster`` is fed utilisation of.
    public func forecastMemoryBytes(
        _ forecaster: any Forecaster = HoltForecaster(), coverage: Double = 0, capacity: Double? = nil
    ) -> Double? {
        loadForecast(.memory, forecaster, coverage: coverage, capacity: capacity)?.load
    }

    /// Fits `forecaster` on the metric's history (one sample every ``stepSeconds``, at least 1, ending at
    /// ``historyEndSeconds`` when known) and forecasts ``forecastHorizonSeconds`` ahead.
    ///
    /// No forecast (nil: the live figure stands) until the history spans the horizon: a trend fitted to a minute
    /// of samples, say a fresh Prometheus's rates ramping up from zero, extrapolated 10 minutes ahead refused
    /// every cluster of a healthy fleet. A ``FederatedForecaster`` is fed the series divided by `capacity` (when
    /// positive) and its forecast multiplied back, so its parameters are scale-free. The recent error comes from
    /// walking the history once: before each sample the model forecasts the horizon from what it has seen
    /// (fit followed by updates equals a fit on the whole series, so the final model is the fitted one).
    /// - Returns: nil without enough history or when the model gives no forecast.
    public func loadForecast(
        _ metric: LoadForecast.Metric, _ forecaster: any Forecaster, coverage: Double, capacity: Double? = nil
    ) -> LoadForecast? {
        let series = metric == .cpu ? cpuUsedHistory : memoryUsedHistory
        let live = metric == .cpu ? liveCPUCores : liveMemoryBytes
        let spacing = max(stepSeconds, 1)
        let horizon = Self.forecastHorizonSeconds
        guard Double(series.count - 1) * spacing >= horizon else { return nil }
        let scale = forecaster is any FederatedForecaster && (capacity ?? 0) > 0 ? capacity ?? 1 : 1
        let end = historyEndSeconds ?? Double(series.count - 1) * spacing
        let start = end - Double(series.count - 1) * spacing
        var model = forecaster
        model.fit(timestamps: [], values: [])
        let steps = max(1, Int((horizon / spacing).rounded()))
        var forecasts = Array(repeating: Double.nan, count: series.count)
        for (i, value) in series.enumerated() {
            model.update(timestamp: start + Double(i) * spacing, value: value / scale)
            if i + steps < series.count, i >= series.count - steps - Self.recentErrorCount {
                forecasts[i + steps] =
                    (model.predict(horizonSeconds: Double(steps) * spacing, coverage: 0)?.value ?? .nan)
            }
        }
        let errors = zip(series, forecasts).compactMap { actual, forecast in
            forecast.isNaN ? nil : abs(actual - forecast * scale)
        }
        guard let ahead = model.predict(horizonSeconds: horizon, coverage: coverage) else { return nil }
        let forecast = Forecast(value: ahead.value * scale, lower: ahead.lower * scale, upper: ahead.upper * scale)
        return LoadForecast(
            metric: metric, model: forecaster.displayName, horizonSeconds: horizon, coverage: coverage,
            forecast: forecast, load: max(forecast.upper, live ?? forecast.upper),
            recentMeanAbsoluteError: errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count),
            recentCount: errors.count)
    }
}

extension LoadForecast: CustomStringConvertible {
    /// `cpu forecast in 600 s (Ridge): 3.1 cores, 90% interval 2.8…3.5 cores, recent error 0.12 cores (MAE of its
    /// last 12); checked load 3.5 cores`, as `placer explain` prints it.
    public var description: String {
        let unit: (Double) -> String = metric == .cpu ? { "\(Format.cores($0)) cores" } : { Format.bytes($0) }
        var text = "\(metric.rawValue) forecast in \(Format.trim(horizonSeconds)) s (\(model)): \(unit(forecast.value))"
        if coverage > 0 {
            text += ", \(Format.percent(100 * coverage)) interval \(unit(forecast.lower))…\(unit(forecast.upper))"
        }
        if let error = recentMeanAbsoluteError {
            text += ", recent error \(unit(error)) (MAE of its last \(recentCount))"
        } else {
            text += ", no recent error yet"
        }
        return text + "; checked load \(unit(load))"
    }
}
