import Foundation

/// How Placer reads live cluster metrics: where Prometheus is, the PromQL per metric, how old a sample may be,
/// and the history window for forecasting.
///
/// The default queries read CODECO's recording rules (``CODECORecordingRules``), Kepler's energy counter and
/// Placer's own latency and bandwidth gauges (`placer_zone_round_trip_seconds`,
/// `placer_zone_available_bandwidth_bits_per_second`, labels `cluster` and `zone`; docs/telemetry.md). Every
/// query is overridable for a Prometheus that names things differently.
public struct TelemetryConfiguration: Sendable, Hashable {
    /// The Prometheus base URL; nil means no Prometheus (hub and inventory only).
    public var prometheusURL: String?
    /// A file holding a bearer token for Prometheus, read on every request.
    public var prometheusTokenFile: String?
    /// A PEM CA file to trust for an https Prometheus.
    public var prometheusCAFile: String?
    /// Deadline of one Prometheus request, in seconds.
    public var requestTimeoutSeconds: Double = 10
    /// A metric whose newest raw sample is older than this, in seconds, counts as missing.
    public var maxAgeSeconds: Double = 180
    /// How far back the cpu and memory histories reach, in seconds.
    public var historyWindowSeconds: Double = 3600
    /// Spacing of the history points, in seconds.
    public var historyStepSeconds: Double = 60
    /// The PromQL per metric.
    public var queries: [TelemetryMetric: MetricQuery] = Self.defaultQueries
    /// The AddOnPlacementScore (`metadata.name`) the hub fallback reads cpu and memory from.
    public var hubScoreResource: String = "resource-usage-score"
    /// Score names in ``hubScoreResource`` for available cpu and memory (OCM's resource-usage-collect add-on:
    /// `cpuAvailable`, `memAvailable`, −100…100).
    public var hubCPUAvailableScore: String = "cpuAvailable"
    public var hubMemoryAvailableScore: String = "memAvailable"

    public init(prometheusURL: String? = nil, prometheusTokenFile: String? = nil, prometheusCAFile: String? = nil) {
        self.prometheusURL = prometheusURL
        self.prometheusTokenFile = prometheusTokenFile
        self.prometheusCAFile = prometheusCAFile
    }

    /// The default PromQL (see docs/telemetry.md for why each is shaped so). Histories use the rules' raw
    /// expressions, so they reach back before the rules were loaded (or into backfilled data).
    public static let defaultQueries: [TelemetryMetric: MetricQuery] = [
        .cpu: MetricQuery(
            value: "sum by (cluster) (instance:node_cpu:rate1m)",
            sampleTime: "max by (cluster) (timestamp(node_cpu_seconds_total))",
            history: #"sum by (cluster) (rate(node_cpu_seconds_total{mode!~"idle|iowait|steal"}[1m]))"#),
        .memory: MetricQuery(
            value: "sum by (cluster) (instance:node_memory:avg1m)",
            sampleTime: "max by (cluster) (timestamp(node_memory_MemAvailable_bytes))",
            history: "sum by (cluster) (node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes)"),
        .energy: MetricQuery(
            value: "sum by (cluster) (instance:node_energy:irate1m)",
            sampleTime: "max by (cluster) (timestamp(kepler_node_platform_joules_total))"),
        // The ready share now, not CODECO's 1-minute average: a hall whose nodes all fail must be left in
        // seconds, and the average takes a minute to reach 0 (instance:node_status:avg1m stays the history).
        .nodes: MetricQuery(
            value: #"avg by (cluster) (kube_node_status_condition{condition="Ready",status="true"})"#,
            sampleTime: #"max by (cluster) (timestamp(kube_node_status_condition{condition="Ready"}))"#),
        .failures: MetricQuery(
            value: #"sum by (cluster) (resets(kube_node_status_condition{condition="Ready",status="true"}[24h]))"#,
            sampleTime: #"max by (cluster) (timestamp(kube_node_status_condition{condition="Ready"}))"#),
        .latency: MetricQuery(
            value: "1000 * max by (cluster, zone) (placer_zone_round_trip_seconds)",
            sampleTime: "max by (cluster) (timestamp(placer_zone_round_trip_seconds))"),
        .bandwidth: MetricQuery(
            value: "min by (cluster, zone) (placer_zone_available_bandwidth_bits_per_second) / 1e6",
            sampleTime: "max by (cluster) (timestamp(placer_zone_available_bandwidth_bits_per_second))"),
    ]
}
