import AppModel

/// Per-cluster numbers computed once per cycle so the hot path reads arrays, never dictionaries or strings.
///
/// Cluster `c` is the index into ``CycleState/clusterList``; zone `z` an index into ``zones``. Telemetry wins
/// over the static inventory wherever both have a figure (latency, energy price); `nan` means unknown.
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
    public let available: [Bool]
    /// Allocatable cpu (cores) and memory (bytes) minus the policy's reserve.
    public let reservedCPUCores: [Double]
    public let reservedMemoryBytes: [Double]
    /// Measured cpu (cores) and memory (bytes) in use now; `nan` without telemetry.
    public let liveCPUCores: [Double]
    public let liveMemoryBytes: [Double]
    /// Holt forecast of cpu (cores) and memory (bytes) in use ``ForecastHeadroomFilter/horizonSeconds`` ahead,
    /// never below the live figure; `nan` without a history.
    public let forecastCPUCores: [Double]
    public let forecastMemoryBytes: [Double]
    /// The load a newcomer is checked against, cpu in cores and memory in bytes: the Holt forecast when there is
    /// a history, else the measured figure now (``liveCPUCores``); `nan` without telemetry.
    public let loadCPUCores: [Double]
    public let loadMemoryBytes: [Double]
    /// The highest measured cpu (cores) and memory (bytes) over the history and now; `nan` without telemetry.
    public let peakCPUCores: [Double]
    public let peakMemoryBytes: [Double]
    /// Energy price in EUR per core-hour (telemetry when present, else inventory).
    public let energyCostPerCoreHour: [Double]
    /// 0…100 reliability from node readiness and failures (``ReliabilityScore``); `nan` without telemetry.
    public let reliability: [Double]
    /// Whether the cluster carries a `NoSelect` / `NoSelectIfNew` taint, and how many `PreferNoSelect` ones.
    public let hasNoSelect: [Bool]
    public let hasNoSelectIfNew: [Bool]
    public let preferNoSelectCount: [Int]
    /// Security and compliance levels from the cluster labels.
    public let securityLevel: [Int]
    public let complianceLevel: [Int]
    /// The cluster's AddOnPlacementScore plugin value (0…100), see ``AddOnScore``.
    public let addOnScore: [Double]
    /// Whether any cluster has a measured bandwidth, a `NoSelect`/`NoSelectIfNew` taint, a load forecast
    /// (filters skip their loop when not).
    public let hasBandwidth: Bool
    public let hasSelectTaints: Bool
    public let hasForecasts: Bool
    /// Whether any cluster has a measured or forecast load (``loadCPUCores``, ``loadMemoryBytes``).
    public let hasLoad: Bool
    /// The tier label, for ``QoSFitScore``.
    public let tier: [String]
    /// ``QoSFitScore`` per QoS class rank and cluster, at `rank * clusterCount + c`.
    public let qosFit: [Double]

    init(clusters: [ClusterSpec], apps: [Application], reservePercent: Double) {
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
            for (zone, value) in telemetry.bandwidthMegabitsPerSecond { if let z = zones[zone] { bandwidth[row + z] = value } }
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
        forecastCPUCores = clusters.map { $0.telemetry?.forecastCPUCores ?? .nan }
        forecastMemoryBytes = clusters.map { $0.telemetry?.forecastMemoryBytes ?? .nan }
        loadCPUCores = zip(forecastCPUCores, liveCPUCores).map { $0.isNaN ? $1 : $0 }
        loadMemoryBytes = zip(forecastMemoryBytes, liveMemoryBytes).map { $0.isNaN ? $1 : $0 }
        peakCPUCores = clusters.map { cluster in
            guard let telemetry = cluster.telemetry else { return .nan }
            return (telemetry.cpuUsedHistory + (telemetry.cpuUsedCores.map { [$0] } ?? [])).max() ?? .nan
        }
        peakMemoryBytes = clusters.map { cluster in
            guard let telemetry = cluster.telemetry else { return .nan }
            return (telemetry.memoryUsedHistory + (telemetry.memoryUsedBytes.map { [$0] } ?? [])).max() ?? .nan
        }
        energyCostPerCoreHour = clusters.map(\.effectiveEnergyCostPerCoreHour)
        reliability = clusters.map { ReliabilityScore.reliability($0.telemetry) ?? .nan }
        hasNoSelect = clusters.map { $0.taints.contains { $0.effect == TaintFilter.noSelect } }
        hasNoSelectIfNew = clusters.map { $0.taints.contains { $0.effect == TaintFilter.noSelectIfNew } }
        preferNoSelectCount = clusters.map { $0.taints.filter { $0.effect == TaintFilter.preferNoSelect }.count }
        securityLevel = clusters.map(\.securityClass.level)
        complianceLevel = clusters.map(\.complianceClass.level)
        addOnScore = clusters.map { AddOnScore.value($0) }
        tier = clusters.map { $0.labels[Labels.tier] ?? "unknown" }
        hasBandwidth = bandwidth.contains { !$0.isNaN }
        hasSelectTaints = hasNoSelect.contains(true) || hasNoSelectIfNew.contains(true)
        hasForecasts = forecastCPUCores.contains { !$0.isNaN } || forecastMemoryBytes.contains { !$0.isNaN }
        hasLoad = loadCPUCores.contains { !$0.isNaN } || loadMemoryBytes.contains { !$0.isNaN }
        let tiers = tier
        qosFit = QoSClass.allCases.sorted { $0.rank < $1.rank }.flatMap { qos in
            tiers.map { QoSFitScore.table[qos]?[$0] ?? 50 }
        }
    }

    /// Latency from cluster `c` to zone `z` in ms; `nan` when unknown.
    @inline(__always) public func latency(_ c: Int, _ z: Int) -> Double { latencyMilliseconds[c * zoneCount + z] }

    /// Measured bandwidth from cluster `c` to zone `z` in Mbit/s; `nan` when unknown.
    @inline(__always) public func bandwidth(_ c: Int, _ z: Int) -> Double { bandwidthMegabitsPerSecond[c * zoneCount + z] }
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

    /// Holt forecast of cpu in use ``forecastHorizonSeconds`` ahead, in cores, never below the live figure.
    public var forecastCPUCores: Double? { Self.forecast(cpuUsedHistory, live: liveCPUCores, step: stepSeconds) }
    /// Holt forecast of memory in use ``forecastHorizonSeconds`` ahead, in bytes, never below the live figure.
    public var forecastMemoryBytes: Double? {
        Self.forecast(memoryUsedHistory, live: liveMemoryBytes, step: stepSeconds)
    }

    /// No forecast (nil: the live figure stands) until the history spans the horizon: a trend fitted to a
    /// minute of samples, say a fresh Prometheus's rates ramping up from zero, extrapolated 10 minutes ahead
    /// refused every cluster of a healthy fleet.
    private static func forecast(_ series: [Double], live: Double?, step: Double) -> Double? {
        guard Double(series.count - 1) * step >= forecastHorizonSeconds else { return nil }
        guard let ahead = HoltForecaster().forecast(series, steps: forecastHorizonSeconds / max(step, 1)) else {
            return nil
        }
        return max(ahead, live ?? ahead)
    }
}
