/// How well one strategy served the fleet over a simulated run (``FleetSimulator/run(_:)``).
///
/// An *app-minute* is one app during one simulated minute. It is an SLA violation when the app is unplaced,
/// its cluster is down, its cluster is saturated (the cpu its apps demand exceeds the cluster's allocatable
/// cpu), or the round-trip latency from its cluster to one of its user zones exceeds its latency budget.
public struct QualityMetrics: Sendable, Hashable, Codable {
    /// App-minutes in violation (see above), summed over apps.
    public var slaViolationMinutes: Int
    /// 95th percentile (nearest rank) of app latency over app-minutes, in milliseconds: the largest round-trip
    /// latency from the app's cluster to its user zones. Only app-minutes of running apps with user zones count.
    public var p95LatencyMs: Double
    /// Energy cost in EUR: cpu used (core-minutes, capped at each cluster's allocatable) × the cluster's price
    /// per core-hour at that minute (inventory price × tariff), / 60.
    public var energy: Double
    /// Moves that took effect (app running on cluster A, then on cluster B) per app per simulated hour.
    public var migrationsPerAppHour: Double
    /// Coefficient of variation (population standard deviation / mean) of cpu utilisation (used / allocatable)
    /// across the clusters that are up, averaged over minutes.
    public var loadCV: Double

    /// Breakdown, not part of the JSON contract of `placer-lab bench quality --json`.
    public var detail: Detail

    public init(
        slaViolationMinutes: Int, p95LatencyMs: Double, energy: Double, migrationsPerAppHour: Double, loadCV: Double,
        detail: Detail = Detail()
    ) {
        self.slaViolationMinutes = slaViolationMinutes
        self.p95LatencyMs = p95LatencyMs
        self.energy = energy
        self.migrationsPerAppHour = migrationsPerAppHour
        self.loadCV = loadCV
        self.detail = detail
    }

    /// The causes of violation, counted per app-minute (one app-minute may have several causes, so these
    /// can sum to more than ``QualityMetrics/slaViolationMinutes``).
    public struct Detail: Sendable, Hashable, Codable {
        public var appMinutes = 0
        public var unplacedMinutes = 0
        public var downMinutes = 0
        public var saturatedMinutes = 0
        public var latencyMinutes = 0
        public var migrations = 0
        /// Highest cpu utilisation (demand / allocatable) each cluster reached in a minute.
        public var peakUtilisation: [String: Double] = [:]
        /// App-minutes spent on each cluster.
        public var appMinutesByCluster: [String: Int] = [:]

        public init() {}
    }

    private enum CodingKeys: String, CodingKey {
        case slaViolationMinutes, p95LatencyMs, energy, migrationsPerAppHour, loadCV
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        slaViolationMinutes = try container.decode(Int.self, forKey: .slaViolationMinutes)
        p95LatencyMs = try container.decode(Double.self, forKey: .p95LatencyMs)
        energy = try container.decode(Double.self, forKey: .energy)
        migrationsPerAppHour = try container.decode(Double.self, forKey: .migrationsPerAppHour)
        loadCV = try container.decode(Double.self, forKey: .loadCV)
        detail = Detail()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(slaViolationMinutes, forKey: .slaViolationMinutes)
        try container.encode(p95LatencyMs, forKey: .p95LatencyMs)
        try container.encode(energy, forKey: .energy)
        try container.encode(migrationsPerAppHour, forKey: .migrationsPerAppHour)
        try container.encode(loadCV, forKey: .loadCV)
    }
}

/// Sums app-minutes into ``QualityMetrics`` as the simulator walks the minutes.
struct MetricsAccumulator {
    var detail = QualityMetrics.Detail()
    var violations = 0
    var latencies: [Double] = []
    var energyEUR = 0.0
    var cvSum = 0.0
    var cvMinutes = 0

    mutating func addLoad(utilisations: [Double]) {
        guard !utilisations.isEmpty else { return }
        let mean = utilisations.reduce(0, +) / Double(utilisations.count)
        let variance = utilisations.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(utilisations.count)
        cvSum += mean > 0 ? variance.squareRoot() / mean : 0
        cvMinutes += 1
    }

    func metrics(apps: Int, minutes: Int) -> QualityMetrics {
        let appHours = Double(apps) * Double(minutes) / 60
        return QualityMetrics(
            slaViolationMinutes: violations, p95LatencyMs: Self.percentile95(latencies), energy: energyEUR,
            migrationsPerAppHour: appHours > 0 ? Double(detail.migrations) / appHours : 0,
            loadCV: cvMinutes > 0 ? cvSum / Double(cvMinutes) : 0, detail: detail)
    }

    /// Nearest-rank 95th percentile: the value at rank ⌈0.95 n⌉ of the sorted sample; 0 for no samples.
    static func percentile95(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
