/// The metrics the collector gathers per cluster; the raw value is the key used in
/// `ClusterTelemetry.sources`, `ageSeconds` and fallback flags.
public enum TelemetryMetric: String, Sendable, CaseIterable, Hashable, Comparable {
    /// cpu in use, cores.
    case cpu
    /// memory in use, bytes.
    case memory
    /// power drawn, watts.
    case energy
    /// share of nodes ready, 0…1.
    case nodes
    /// node failures (ready → not ready) in the last 24 hours.
    case failures
    /// round-trip latency to each zone, milliseconds.
    case latency
    /// available bandwidth to each zone, Mbit/s.
    case bandwidth

    public static func < (lhs: TelemetryMetric, rhs: TelemetryMetric) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The PromQL for one metric.
///
/// `value` must return one sample per cluster, labelled `cluster` (and `zone` for latency and bandwidth), in the
/// metric's unit. `sampleTime` returns, per cluster, the Unix time of the newest *raw* sample the value is made
/// from (`timestamp()` of the scraped series): a recording rule over `rate(…[1m])` keeps producing values for a
/// minute after its target stopped answering, so the age of the raw input is what tells staleness.
public struct MetricQuery: Sendable, Hashable {
    /// PromQL giving the value per cluster.
    public var value: String
    /// PromQL giving the newest raw sample time per cluster, in Unix seconds; nil to trust the value's presence.
    public var sampleTime: String?
    /// PromQL for the history (range query), per cluster; nil for no history.
    public var history: String?

    public init(value: String, sampleTime: String?, history: String? = nil) {
        self.value = value
        self.sampleTime = sampleTime
        self.history = history
    }
}
