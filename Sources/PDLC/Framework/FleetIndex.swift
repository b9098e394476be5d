import AppModel

/// Per-cluster numbers every plugin shares, computed once per cycle so the hot path reads arrays, never
/// dictionaries or strings: zones, the latency and bandwidth matrices, availability, capacity after the reserve,
/// and measured and forecast load. What only one plugin reads lives in that plugin's PreFilter / PreScore state
/// in ``CycleState``.
///
/// Cluster `c` is the index into ``CycleState/clusterList``; zone `z` an index into ``zoneIndex``. Telemetry wins
/// over the static inventory wherever both have a figure (latency); `nan` means unknown.
public struct FleetIndex: Sendable {
    /// Zone name → zone index: every cluster's own zone, every zone a latency is known to, every app user zone.
    public let zoneIndex: [String: Int]
    /// Round-trip latency in ms from cluster `c` to zone `z` at `c * zoneCount + z`; `nan` when unknown.
    public let latencyMilliseconds: [Double]
    /// Measured bandwidth in Mbit/s from cluster `c` to zone `z`, laid out like ``latencyMilliseconds``.
    public let bandwidthMegabitsPerSecond: [Double]
    public let zoneCount: Int
    /// Each cluster's own zone index.
    public let ownZone: [Int]
    /// Whether the cluster is up (``AvailabilityFilter/isUp(_:)``).
    public let available: [Bool]
    /// Allocatable cpu (cores) and memory (bytes) minus the policy's reserve.
    public let reservedCPUCores: [Double]
    public let reservedMemoryBytes: [Double]
    /// Measured cpu (cores) and memory (bytes) in use now; `nan` without telemetry.
    public let liveCPUCores: [Double]
    public let liveMemoryBytes: [Double]
    /// The upper bound of the policy's forecast (``Forecaster``, at ``PlacementPolicy/forecastCoverage``) of
    /// cpu (cores) and memory (bytes) in use ``ClusterTelemetry/forecastHorizonSeconds`` ahead, never below the
    /// live figure; `nan` without a history.
    public let forecastCPUCores: [Double]
    public let forecastMemoryBytes: [Double]
    /// The load a newcomer is checked against, cpu in cores and memory in bytes: the forecast when there is a
    /// history, else the measured figure now (``liveCPUCores``); `nan` without telemetry.
    public let loadCPUCores: [Double]
    public let loadMemoryBytes: [Double]
    /// Per cluster, the cpu and memory forecasts behind ``forecastCPUCores`` and ``forecastMemoryBytes`` (model,
    /// value, interval, recent error), for explanations; empty without a history.
    public let loadForecasts: [[LoadForecast]]
    /// The forecaster's display name (`Holt`), for explanations.
    public let forecasterName: String
    /// Whether any cluster has a measured bandwidth, a load forecast (filters skip their loop when not).
    public let hasBandwidth: Bool
    public let hasForecasts: Bool
    /// Whether any cluster has a measured or forecast load (``loadCPUCores``, ``loadMemoryBytes``).
    public let hasLoad: Bool
    /// The clusters by latency to each zone and by label, for pruning an app's candidates before filtering.
    public let candidates: CandidateIndex

    /// - Parameters:
    ///   - clusters: the inventory in name order.
    ///   - apps: the cycle's apps (their user zones are interned).
    ///   - reservePercent: share of allocatable kept free, in percent.
    ///   - forecaster: a fresh forecaster, fitted per cluster and series.
    ///   - coverage: the forecast interval's coverage (0 ≤ coverage < 1); the upper bound is used.
    init(
        clusters: [ClusterSpec], apps: [Application], reservePercent: Double,
        forecaster: any Forecaster = HoltForecaster(),
        coverage: Double = 0
    ) {
        var zones: [String: Int] = [:]
        func intern(_ zone: String) { if zones[zone] == nil { zones[zone] = zones.count } }
        // Zone indices never reach a decision, so their order need not be stable.
        for cluster in clusters {
            intern(cluster.zone)
            for zone in cluster.latencyMilliseconds.keys { intern(zone) }
            for zone in cluster.telemetry?.latencyMilliseconds.keys ?? [:].keys { intern(zone) }
        }
        for app in apps { for zone in app.userZones { intern(zone) } }
        zoneIndex = zones
        zoneCount = zones.count
        let n = clusters.count
        var latency = Array(repeating: Double.nan, count: n * zones.count)
        var bandwidth = latency
        // As ClusterSpec.effectiveLatency(to:): measured first, then the inventory, 0 for the own zone.
        for (c, cluster) in clusters.enumerated() {
            let row = c * zones.count
            for (zone, value) in cluster.latencyMilliseconds { if let z = zones[zone] { latency[row + z] = value } }
            if let z = zones[cluster.zone], cluster.latencyMilliseconds[cluster.zone] == nil { latency[row + z] = 0 }
            guard let telemetry = cluster.telemetry else { continue }
            for (zone, value) in telemetry.latencyMilliseconds { if let z = zones[zone] { latency[row + z] = value } }
            for (zone, value) in telemetry.bandwidthMegabitsPerSecond {
                if let z = zones[zone] { bandwidth[row + z] = value }
            }
        }
        latencyMilliseconds = latency
        bandwidthMegabitsPerSecond = bandwidth
        ownZone = clusters.map { zones[$0.zone] ?? 0 }
        available = clusters.map(AvailabilityFilter.isUp)
        let keep = 1 - reservePercent / 100
        reservedCPUCores = clusters.map { $0.cpuCores * keep }
        reservedMemoryBytes = clusters.map { $0.memoryBytes * keep }
        liveCPUCores = clusters.map { $0.telemetry?.liveCPUCores ?? .nan }
        liveMemoryBytes = clusters.map { $0.telemetry?.liveMemoryBytes ?? .nan }
        let forecasts = clusters.map { cluster in
            [LoadForecast.Metric.cpu, .memory].map {
                cluster.telemetry?.loadForecast(
                    $0, forecaster, coverage: coverage,
                    capacity: $0 == .cpu ? cluster.cpuCores : cluster.memoryBytes)
            }
        }
        loadForecasts = forecasts.map { $0.compactMap { $0 } }
        forecastCPUCores = forecasts.map { $0[0]?.load ?? .nan }
        forecastMemoryBytes = forecasts.map { $0[1]?.load ?? .nan }
        loadCPUCores = zip(forecastCPUCores, liveCPUCores).map { $0.isNaN ? $1 : $0 }
        loadMemoryBytes = zip(forecastMemoryBytes, liveMemoryBytes).map { $0.isNaN ? $1 : $0 }
        forecasterName = forecaster.displayName
        hasBandwidth = bandwidth.contains { !$0.isNaN }
        hasForecasts = forecastCPUCores.contains { !$0.isNaN } || forecastMemoryBytes.contains { !$0.isNaN }
        hasLoad = loadCPUCores.contains { !$0.isNaN } || loadMemoryBytes.contains { !$0.isNaN }
        candidates = CandidateIndex(clusters: clusters, latency: latency, zoneCount: zones.count)
    }

    /// Latency from cluster `c` to zone `z` in ms; `nan` when unknown.
    @inline(__always) public func latency(_ c: Int, _ z: Int) -> Double { latencyMilliseconds[c * zoneCount + z] }

    /// Measured bandwidth from cluster `c` to zone `z` in Mbit/s; `nan` when unknown.
    @inline(__always) public func bandwidth(_ c: Int, _ z: Int) -> Double {
        bandwidthMegabitsPerSecond[c * zoneCount + z]
    }
}

extension ClusterSpec {
    /// Round-trip latency in ms to `zone`: measured (telemetry) first, then the inventory, 0 for the own zone.
    public func effectiveLatency(to zone: String) -> Double? {
        if let measured = telemetry?.latencyMilliseconds[zone] { return measured }
        return latency(to: zone)
    }

    /// Energy price in EUR per core-hour: telemetry when present, else the inventory's figure.
    public var effectiveEnergyCostPerCoreHour: Double { telemetry?.energyCostPerCoreHour ?? energyCostPerCoreHour }
}

extension ClusterTelemetry {
    /// How far ahead forecasts look, in seconds.
    public static let forecastHorizonSeconds = 600.0

    /// cpu in use now in cores: the current reading, else the newest history sample.
    public var liveCPUCores: Double? { cpuUsedCores ?? cpuUsedHistory.last }
    /// memory in use now in bytes: the current reading, else the newest history sample.
    public var liveMemoryBytes: Double? { memoryUsedBytes ?? memoryUsedHistory.last }
}
