/// Live measurements of one cluster, as the `Telemetry` module gathers them for PDLC.
///
/// Every value is optional: `nil` means no source had it (PDLC then falls back to the static inventory and
/// says so). Series are oldest first, one sample per ``stepSeconds``. Sources, in order of preference:
/// `prometheus` (CODECO recording rules, Kepler energy), `hub` (ManagedCluster status, AddOnPlacementScores),
/// `inventory` (`clusters/*.yaml`).
public struct ClusterTelemetry: Sendable, Hashable {
    /// cpu in use now, in cores (sum of `instance:node_cpu:rate1m` over the cluster's nodes).
    public var cpuUsedCores: Double?
    /// cpu in use over the recent past, in cores, oldest first.
    public var cpuUsedHistory: [Double] = []
    /// memory in use now, in bytes (`instance:node_memory:avg1m`).
    public var memoryUsedBytes: Double?
    /// memory in use over the recent past, in bytes, oldest first.
    public var memoryUsedHistory: [Double] = []
    /// Spacing of the history series, in seconds.
    public var stepSeconds: Double = 60
    /// When the newest history sample was taken, in seconds since 1970-01-01 UTC; nil when unknown (the history
    /// then counts from 0). Learned forecasters read time of day and day of week from it.
    public var historyEndSeconds: Double?
    /// Power drawn now, in watts (`instance:node_energy:irate1m`, Kepler joules per second).
    public var energyWatts: Double?
    /// Share of the cluster's nodes reporting ready, 0…1 (`instance:node_status:avg1m`).
    public var nodeReadyFraction: Double?
    /// Node failures seen over the last 24 hours (a ready → not-ready transition counts once).
    public var failuresLast24Hours: Int?
    /// Measured round-trip latency to each zone, in milliseconds; overrides the inventory's figures.
    public var latencyMilliseconds: [String: Double] = [:]
    /// Measured available bandwidth to each zone, in Mbit/s.
    public var bandwidthMegabitsPerSecond: [String: Double] = [:]
    /// Energy price now, in EUR per core-hour; overrides the inventory's figure.
    public var energyCostPerCoreHour: Double?
    /// Where each metric came from, keyed by metric name (`cpu`, `memory`, `energy`, `nodes`, `failures`,
    /// `latency`, `bandwidth`) with values `prometheus`, `hub` or `inventory`.
    public var sources: [String: String] = [:]
    /// Age of each metric's newest sample, in seconds, keyed like ``sources``.
    public var ageSeconds: [String: Double] = [:]
    /// Human-readable fallback flags (`cpu: prometheus stale (412 s), used hub`), shown by `placer explain`.
    public var fallbacks: [String] = []

    public init() {}
}
