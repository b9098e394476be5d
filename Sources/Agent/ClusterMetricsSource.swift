import Foundation
import Telemetry

/// One reading of the agent's own cluster: use and capacity, at a time.
public struct ClusterReading: Sendable, Equatable {
    /// When the reading was taken (the query's evaluation time).
    public var time: Date
    /// cpu in use, in cores; nil when the source had no sample.
    public var cpuUsedCores: Double?
    /// cpu capacity, in cores.
    public var cpuCores: Double?
    /// Memory in use, in bytes.
    public var memoryUsedBytes: Double?
    /// Memory capacity, in bytes.
    public var memoryBytes: Double?

    public init(
        time: Date, cpuUsedCores: Double?, cpuCores: Double?, memoryUsedBytes: Double?, memoryBytes: Double?
    ) {
        self.time = time
        self.cpuUsedCores = cpuUsedCores
        self.cpuCores = cpuCores
        self.memoryUsedBytes = memoryUsedBytes
        self.memoryBytes = memoryBytes
    }
}

/// Where an agent reads its own cluster's metrics: its local Prometheus.
///
/// Contract: reads only the agent's own cluster; safe to call from any task; throws the source's error
/// (``PrometheusError``) when the source cannot answer at all.
public protocol ClusterMetricsSource: Sendable {
    /// The cluster's use and capacity now.
    func read(at time: Date) async throws -> ClusterReading
    /// Past use (cpu cores, memory bytes) from `start` to `end` every `stepSeconds`, oldest first, to seed the local
    /// series at start-up; points without data are absent.
    func history(
        start: Date, end: Date, stepSeconds: Double
    ) async throws
        -> (cpu: [(Double, Double)], memory: [(Double, Double)])
}

/// Reads the cluster from a Prometheus (the cluster's own, or a shared one with a series selector), with
/// node-exporter's series as CODECO's recording rules use them (docs/telemetry.md).
///
/// Queries, with `S` the selector (`cluster="hall-1"`, or empty for a Prometheus that holds this cluster only):
/// cpu used `sum(rate(node_cpu_seconds_total{S,mode!~"idle|iowait|steal"}[1m]))`, cpu cores
/// `count(node_cpu_seconds_total{S,mode="idle"})`, memory used
/// `sum(node_memory_MemTotal_bytes{S} - node_memory_MemAvailable_bytes{S})`, memory bytes
/// `sum(node_memory_MemTotal_bytes{S})`.
public struct PrometheusMetricsSource: ClusterMetricsSource {
    /// The client; the caller shuts it down.
    public let client: PrometheusClient
    /// Label matchers every query adds, without braces (`cluster="hall-1"`); empty for none.
    public let selector: String

    /// - Parameters: as the properties.
    public init(client: PrometheusClient, selector: String = "") {
        self.client = client
        self.selector = selector
    }

    /// `{S,extra}` with empty parts left out.
    func matchers(_ extra: String = "") -> String {
        "{" + [selector, extra].filter { !$0.isEmpty }.joined(separator: ",") + "}"
    }

    var cpuUsedQuery: String {
        "sum(rate(node_cpu_seconds_total\(matchers(#"mode!~"idle|iowait|steal""#))[1m]))"
    }
    var cpuCoresQuery: String { "count(node_cpu_seconds_total\(matchers(#"mode="idle""#)))" }
    var memoryUsedQuery: String {
        "sum(node_memory_MemTotal_bytes\(matchers()) - node_memory_MemAvailable_bytes\(matchers()))"
    }
    var memoryBytesQuery: String { "sum(node_memory_MemTotal_bytes\(matchers()))" }

    public func read(at time: Date) async throws -> ClusterReading {
        async let cpu = client.query(cpuUsedQuery, at: time)
        async let cores = client.query(cpuCoresQuery, at: time)
        async let memory = client.query(memoryUsedQuery, at: time)
        async let total = client.query(memoryBytesQuery, at: time)
        func first(_ result: PrometheusResult) -> Double? { result.samples.first.map(\.value).flatMap(finite) }
        return ClusterReading(
            time: time, cpuUsedCores: first(try await cpu), cpuCores: first(try await cores),
            memoryUsedBytes: first(try await memory), memoryBytes: first(try await total))
    }

    public func history(
        start: Date, end: Date, stepSeconds: Double
    ) async throws
        -> (cpu: [(Double, Double)], memory: [(Double, Double)])
    {
        async let cpu = client.queryRange(cpuUsedQuery, start: start, end: end, stepSeconds: stepSeconds)
        async let memory = client.queryRange(memoryUsedQuery, start: start, end: end, stepSeconds: stepSeconds)
        func points(_ result: PrometheusResult) -> [(Double, Double)] {
            (result.series.first?.points ?? []).compactMap { point in
                finite(point.value).map { (point.timestamp.timeIntervalSince1970, $0) }
            }
        }
        return (points(try await cpu), points(try await memory))
    }
}

private func finite(_ value: Double) -> Double? { value.isFinite ? value : nil }
