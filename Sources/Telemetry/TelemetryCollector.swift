import AppModel
import Foundation
import Logging
import NIOCore
import OCMClient
import PlacerCore

/// Gathers one ``ClusterTelemetry`` per cluster from, in order of preference, Prometheus (CODECO's recording rules,
/// Kepler), the OCM hub (ManagedCluster status, AddOnPlacementScores) and the static inventory (`clusters/*.yaml`).
///
/// Per metric and cluster, Prometheus counts as missing when it is not configured, unreachable, answers an error,
/// has no sample for the cluster, or its newest raw sample is older than
/// ``TelemetryConfiguration/maxAgeSeconds``; the metric then comes from the next source and a flag says why
/// (`cpu: prometheus stale (412 s), used hub`). When no source has a value it stays nil with a flag: never a
/// crash, never a silent zero. What each source can give is in docs/telemetry.md.
///
/// Deterministic for given inputs and Prometheus answers: the time is the injected `now` (queries are evaluated
/// at it), and every query runs once per collection for all clusters.
public struct TelemetryCollector: Sendable {
    /// The queries, limits and hub score names.
    public let configuration: TelemetryConfiguration
    /// The Prometheus client, or nil when none is configured.
    public let prometheus: PrometheusClient?
    /// Told after each collection whether Prometheus answered (the ``Reconciler`` sets its own when nil).
    public var health: DependencyHealth?
    let logger: Logger

    /// Creates a collector over an existing client (or none).
    public init(
        configuration: TelemetryConfiguration, prometheus: PrometheusClient?,
        logger: Logger = Logger(label: "placer.telemetry")
    ) {
        self.configuration = configuration
        self.prometheus = prometheus
        self.logger = logger
    }

    /// Creates a collector and, when ``TelemetryConfiguration/prometheusURL`` is set, its client (call
    /// ``shutdown()`` when done).
    /// - Throws: ``PrometheusError`` `.configuration` for an unusable URL or CA file.
    public init(configuration: TelemetryConfiguration, logger: Logger = Logger(label: "placer.telemetry")) throws {
        let client = try configuration.prometheusURL.map { url in
            try PrometheusClient(
                baseURL: url, bearerTokenFile: configuration.prometheusTokenFile,
                caFile: configuration.prometheusCAFile,
                requestTimeout: .milliseconds(Int64(configuration.requestTimeoutSeconds * 1000)), logger: logger)
        }
        self.init(configuration: configuration, prometheus: client, logger: logger)
    }

    /// Closes the Prometheus client's connections.
    public func shutdown() async {
        try? await prometheus?.shutdown()
    }

    /// Collects telemetry for every cluster.
    /// - Parameters:
    ///   - clusters: the inventory (names, capacities, inventory latencies, availability).
    ///   - hubClusters: the hub's ManagedClusters (matched by `metadata.name`).
    ///   - addOnScores: the hub's AddOnPlacementScores (matched by namespace = cluster).
    ///   - now: the time to evaluate at; ages are measured from it.
    /// - Returns: telemetry keyed by cluster name, one entry per cluster in `clusters`.
    public func collect(
        clusters: [ClusterSpec], hubClusters: [ManagedClusterObject], addOnScores: [AddOnPlacementScoreObject],
        now: Date
    ) async -> [String: ClusterTelemetry] {
        let readings = await readPrometheus(now: now)
        let scrapeErrors = await scrapeErrors(readings: readings, clusters: clusters)
        let hub = Dictionary(hubClusters.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        var result: [String: ClusterTelemetry] = [:]
        for cluster in clusters {
            let scores = addOnScores.first {
                $0.clusterName == cluster.name && $0.metadata.name == configuration.hubScoreResource
            }
            var telemetry = ClusterTelemetry()
            telemetry.stepSeconds = configuration.historyStepSeconds
            // The history range query ends at `now` (PrometheusReading), so its newest point is taken then.
            telemetry.historyEndSeconds = now.timeIntervalSince1970
            for metric in TelemetryMetric.allCases {
                let outcome = prometheusOutcome(
                    metric, cluster: cluster.name, readings: readings, scrapeError: scrapeErrors[cluster.name], now: now
                )
                fill(
                    &telemetry, metric: metric, outcome: outcome, readings: readings, cluster: cluster,
                    hub: hub[cluster.name], scores: scores, now: now)
            }
            result[cluster.name] = telemetry
        }
        return result
    }

    /// The clusters with ``ClusterSpec/telemetry`` set from ``collect(clusters:hubClusters:addOnScores:now:)``,
    /// in the same order.
    public func annotate(
        clusters: [ClusterSpec], hubClusters: [ManagedClusterObject], addOnScores: [AddOnPlacementScoreObject],
        now: Date
    ) async -> [ClusterSpec] {
        let telemetry = await collect(clusters: clusters, hubClusters: hubClusters, addOnScores: addOnScores, now: now)
        return clusters.map { cluster in
            var cluster = cluster
            cluster.telemetry = telemetry[cluster.name]
            return cluster
        }
    }

    /// Every metric's Prometheus reading, queried concurrently; empty when Prometheus is not configured.
    func readPrometheus(now: Date) async -> [TelemetryMetric: PrometheusReading] {
        guard let prometheus else { return [:] }
        let configuration = self.configuration
        return await withTaskGroup(of: (TelemetryMetric, PrometheusReading).self) { group in
            for (metric, query) in configuration.queries {
                group.addTask {
                    let reading = await PrometheusReading.read(
                        metric, query: query, client: prometheus, now: now,
                        historyWindowSeconds: configuration.historyWindowSeconds,
                        historyStepSeconds: configuration.historyStepSeconds)
                    return (metric, reading)
                }
            }
            var readings: [TelemetryMetric: PrometheusReading] = [:]
            for await (metric, reading) in group { readings[metric] = reading }
            reportHealth(readings)
            return readings
        }
    }

    /// Prometheus is down when no query got an answer (refused, timed out: a slow server counts once the request
    /// timeout passes, or a 5xx); any answer, an API error about one query included, means it is up.
    func reportHealth(_ readings: [TelemetryMetric: PrometheusReading]) {
        guard let health, !readings.isEmpty else { return }
        let failures = readings.sorted { $0.key.rawValue < $1.key.rawValue }.compactMap { $0.value.failure }
        let unanswered = failures.filter { $0.kind == .unreachable || ($0.statusCode ?? 0) >= 500 }
        if unanswered.count == readings.count, let first = unanswered.first {
            health.failed(.prometheus, reason: first.kind == .unreachable ? first.message : first.shortReason)
        } else {
            health.succeeded(.prometheus)
        }
    }

    /// The last scrape error of each cluster whose target is down, when some cluster lacks a sample and
    /// Prometheus answers; so a flag can say `no sample (scrape: server returned HTTP status 500 …)`.
    func scrapeErrors(readings: [TelemetryMetric: PrometheusReading], clusters: [ClusterSpec]) async -> [String: String]
    {
        guard let prometheus, !readings.isEmpty, readings.values.contains(where: { $0.failure == nil }) else {
            return [:]
        }
        let missing = clusters.contains { cluster in
            readings.values.contains { $0.failure == nil && $0.sampleTimes[cluster.name] == nil }
        }
        guard missing, let targets = try? await prometheus.activeTargets() else { return [:] }
        var errors: [String: String] = [:]
        for target in targets where target.health != "up" && !target.lastError.isEmpty {
            if let cluster = target.labels["cluster"] { errors[cluster] = target.lastError }
        }
        return errors
    }
}
