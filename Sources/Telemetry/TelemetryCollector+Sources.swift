import AppModel
import Foundation
import OCMClient

/// What Prometheus gave for one metric of one cluster.
enum PrometheusOutcome: Equatable {
    /// A usable value; its newest raw sample is `age` seconds old (nil when no sample-time query is configured).
    case fresh(age: Double?)
    /// No usable value, for this reason (`unreachable`, `stale (412 s)`, `no sample`, …).
    case missing(String)
}

extension TelemetryCollector {
    /// Whether Prometheus has a fresh value of `metric` for `cluster`, or why not.
    func prometheusOutcome(
        _ metric: TelemetryMetric, cluster: String, readings: [TelemetryMetric: PrometheusReading],
        scrapeError: String?, now: Date
    ) -> PrometheusOutcome {
        guard prometheus != nil else { return .missing("not configured") }
        guard let reading = readings[metric] else { return .missing("no query configured") }
        if let failure = reading.failure { return .missing(failure.shortReason) }
        let hasValue = reading.values[cluster] != nil || !(reading.zoned[cluster] ?? [:]).isEmpty
        let noSample = scrapeError.map { "no sample (scrape: \($0))" } ?? "no sample"
        guard hasValue else { return .missing(noSample) }
        guard configuration.queries[metric]?.sampleTime != nil else { return .fresh(age: nil) }
        // The recorded value outlives its inputs by up to its range (1 min): the raw sample decides.
        guard let sampleTime = reading.sampleTimes[cluster] else { return .missing(noSample) }
        let age = max(0, now.timeIntervalSince(sampleTime))
        guard age <= configuration.maxAgeSeconds else { return .missing("stale (\(Int(age.rounded())) s)") }
        return .fresh(age: age)
    }

    /// Sets `metric` in `telemetry` from the first source that has it, recording source, age and a flag.
    func fill(
        _ telemetry: inout ClusterTelemetry, metric: TelemetryMetric, outcome: PrometheusOutcome,
        readings: [TelemetryMetric: PrometheusReading], cluster: ClusterSpec, hub: ManagedClusterObject?,
        scores: AddOnPlacementScoreObject?, now: Date
    ) {
        let key = metric.rawValue
        let reading = readings[metric]
        if case .fresh(let age) = outcome, let reading {
            set(&telemetry, metric, reading: reading, cluster: cluster.name)
            telemetry.sources[key] = "prometheus"
            if let age { telemetry.ageSeconds[key] = age }
            if let failure = reading.historyFailure {
                telemetry.fallbacks.append("\(key) history: prometheus \(failure.shortReason), none")
            }
            return
        }
        guard case .missing(let reason) = outcome else { return }
        var tried = ["prometheus \(reason)"]
        switch hubValue(metric, cluster: cluster, hub: hub, scores: scores, now: now) {
        case .success(let value):
            set(&telemetry, metric, value: value)
            telemetry.sources[key] = "hub"
            telemetry.fallbacks.append("\(key): \(tried[0]), used hub")
            return
        case .failure(let why):
            tried.append("hub \(why.reason)")
        }
        switch inventoryValue(metric, cluster: cluster) {
        case .success(let value):
            set(&telemetry, metric, value: value)
            telemetry.sources[key] = "inventory"
            telemetry.fallbacks.append("\(key): \(tried.joined(separator: ", ")), used inventory")
        case .failure(let why):
            tried.append("inventory \(why.reason)")
            telemetry.fallbacks.append("\(key): \(tried.joined(separator: ", ")): unknown")
        }
    }

    /// Copies Prometheus's value (and history) into the telemetry.
    private func set(
        _ telemetry: inout ClusterTelemetry, _ metric: TelemetryMetric, reading: PrometheusReading, cluster: String
    ) {
        switch metric {
        case .latency: telemetry.latencyMilliseconds = reading.zoned[cluster] ?? [:]
        case .bandwidth: telemetry.bandwidthMegabitsPerSecond = reading.zoned[cluster] ?? [:]
        default: set(&telemetry, metric, value: .scalar(reading.values[cluster] ?? .nan))
        }
        switch metric {
        case .cpu: telemetry.cpuUsedHistory = reading.history[cluster] ?? []
        case .memory: telemetry.memoryUsedHistory = reading.history[cluster] ?? []
        default: break
        }
    }

    private func set(_ telemetry: inout ClusterTelemetry, _ metric: TelemetryMetric, value: SourceValue) {
        switch (metric, value) {
        case (.cpu, .scalar(let value)): telemetry.cpuUsedCores = value
        case (.memory, .scalar(let value)): telemetry.memoryUsedBytes = value
        case (.energy, .scalar(let value)): telemetry.energyWatts = value
        case (.nodes, .scalar(let value)): telemetry.nodeReadyFraction = value
        case (.failures, .scalar(let value)): telemetry.failuresLast24Hours = Int(value.rounded())
        case (.latency, .zoned(let values)): telemetry.latencyMilliseconds = values
        case (.bandwidth, .zoned(let values)): telemetry.bandwidthMegabitsPerSecond = values
        default: break
        }
    }
}

/// A fallback source's value: one number, or one per zone.
enum SourceValue: Equatable {
    case scalar(Double)
    case zoned([String: Double])
}

/// Why a fallback source has no value (`has no cpuAvailable score`).
struct Unavailable: Error, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
