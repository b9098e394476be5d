import AppModel

/// A simulated day (or any span) of a fleet, as ``FleetSimulator`` runs it: the inventory, every app with its
/// demand per minute, and the events. The simulator holds this truth; strategies see only what a real
/// telemetry pipeline would report (``FleetSimulator`` builds that view).
///
/// Minute `m` of the scenario is minute `(startMinuteOfDay + m) mod 1440` of the day, which is what tariffs
/// and shift plans are written against.
public struct SimulationScenario: Sendable {
    /// The static inventory, as `clusters/*.yaml` states it (capacity, zones, latency, energy price).
    public var clusters: [ClusterSpec]
    /// Every app, with its demand series.
    public var apps: [SimulatedApp]
    /// Simulated length, in minutes.
    public var minutes: Int
    /// Minute of the day (0…1439) at scenario minute 0.
    public var startMinuteOfDay: Int
    /// Whole-cluster failures.
    public var outages: [ClusterOutage]
    /// Periods of raised round-trip latency between a cluster and a zone.
    public var degradedLinks: [LinkDegradation]
    /// Price multipliers by time of day; minutes no period covers use the inventory price.
    public var tariff: [TariffPeriod]
    public var timing: SimulationTiming

    public init(
        clusters: [ClusterSpec], apps: [SimulatedApp], minutes: Int, startMinuteOfDay: Int = 0,
        outages: [ClusterOutage] = [], degradedLinks: [LinkDegradation] = [], tariff: [TariffPeriod] = [],
        timing: SimulationTiming = SimulationTiming()
    ) {
        self.clusters = clusters.sorted { $0.name < $1.name }
        self.apps = apps.sorted { $0.app.name < $1.app.name }
        self.minutes = minutes
        self.startMinuteOfDay = startMinuteOfDay
        self.outages = outages
        self.degradedLinks = degradedLinks
        self.tariff = tariff
        self.timing = timing
    }
}

/// One app in a simulation: its definition and what it demands, minute by minute.
public struct SimulatedApp: Sendable {
    /// The app as loaded from the repo; `userZones` is replaced by ``zoneChanges`` as they happen.
    public var app: Application
    /// cpu the app uses in each scenario minute, in cores (index = minute; the last value repeats past the end).
    public var demandCores: [Double]
    /// New user zones from a minute on (the MES rewrites the `placer.dev/user-zones` annotation at a shift
    /// change), sorted by minute; before the first change the app's own zones apply.
    public var zoneChanges: [ZoneChange]

    public init(app: Application, demandCores: [Double], zoneChanges: [ZoneChange] = []) {
        self.app = app
        self.demandCores = demandCores
        self.zoneChanges = zoneChanges.sorted { $0.minute < $1.minute }
    }

    /// Demand in cores at scenario `minute` (warm-up minutes below 0 read minute 0).
    public func demand(at minute: Int) -> Double {
        guard !demandCores.isEmpty else { return 0 }
        return demandCores[min(max(0, minute), demandCores.count - 1)]
    }

    /// User zones at scenario `minute`.
    public func userZones(at minute: Int) -> [String] {
        zoneChanges.last { $0.minute <= minute }?.zones ?? app.userZones
    }
}

/// User zones of an app from `minute` on.
public struct ZoneChange: Sendable, Hashable {
    public var minute: Int
    public var zones: [String]

    public init(minute: Int, zones: [String]) {
        self.minute = minute
        self.zones = zones
    }
}

/// A whole cluster down (power, switch or control plane) for scenario minutes `start ..< end`: its apps stop,
/// its Prometheus stops answering, and its klusterlet stops renewing its Lease.
public struct ClusterOutage: Sendable, Hashable {
    public var cluster: String
    public var start: Int
    public var end: Int

    public init(cluster: String, start: Int, end: Int) {
        self.cluster = cluster
        self.start = start
        self.end = end
    }

    func covers(_ minute: Int) -> Bool { minute >= start && minute < end }
}

/// Round-trip latency between `cluster` and `zone` raised to `latencyMilliseconds` for scenario minutes
/// `start ..< end` (a congested or rerouted link).
public struct LinkDegradation: Sendable, Hashable {
    public var cluster: String
    public var zone: String
    public var latencyMilliseconds: Double
    public var start: Int
    public var end: Int

    public init(cluster: String, zone: String, latencyMilliseconds: Double, start: Int, end: Int) {
        self.cluster = cluster
        self.zone = zone
        self.latencyMilliseconds = latencyMilliseconds
        self.start = start
        self.end = end
    }
}

/// An energy price multiplier over minutes of the day `fromMinuteOfDay ..< toMinuteOfDay` (wrapping past
/// midnight when `to < from`), for clusters whose `placer.dev/site` label is `site` (every cluster when `nil`).
public struct TariffPeriod: Sendable, Hashable {
    public var site: String?
    public var fromMinuteOfDay: Int
    public var toMinuteOfDay: Int
    /// Factor on the inventory's `energyCostPerCoreHour`.
    public var multiplier: Double

    public init(site: String?, fromMinuteOfDay: Int, toMinuteOfDay: Int, multiplier: Double) {
        self.site = site
        self.fromMinuteOfDay = fromMinuteOfDay
        self.toMinuteOfDay = toMinuteOfDay
        self.multiplier = multiplier
    }

    func covers(minuteOfDay: Int) -> Bool {
        fromMinuteOfDay <= toMinuteOfDay
            ? minuteOfDay >= fromMinuteOfDay && minuteOfDay < toMinuteOfDay
            : minuteOfDay >= fromMinuteOfDay || minuteOfDay < toMinuteOfDay
    }
}

/// How fast the control loop and the observers react, the same for every strategy.
public struct SimulationTiming: Sendable, Hashable {
    /// Minutes between two calls of the strategy (the daemon's reconcile interval).
    public var evaluationIntervalMinutes: Int
    /// Minutes from a decision to the app running at its new place (commit, ManifestWork apply, pod start).
    /// Moves are make-before-break: the app keeps running where it was until then.
    public var applyDelayMinutes: Int
    /// Minutes from a cluster going down to the hub marking it unavailable with the `unreachable` NoSelect
    /// taint: OCM's 5 × `leaseDurationSeconds` (60 s) = 300 s (reference/ocm CONTRACT.md §3).
    public var hubDetectionMinutes: Int
    /// Samples of cpu history handed to strategies (one a minute).
    public var historyMinutes: Int
    /// Unmetered minutes run before minute 0 at minute-0 conditions, so every strategy starts from its own
    /// settled placement (the fleet ran before the day began). The first decision applies at once.
    public var warmupMinutes: Int

    public init(
        evaluationIntervalMinutes: Int = 2, applyDelayMinutes: Int = 2, hubDetectionMinutes: Int = 5,
        historyMinutes: Int = 15, warmupMinutes: Int = 30
    ) {
        self.evaluationIntervalMinutes = evaluationIntervalMinutes
        self.applyDelayMinutes = applyDelayMinutes
        self.hubDetectionMinutes = hubDetectionMinutes
        self.historyMinutes = historyMinutes
        self.warmupMinutes = warmupMinutes
    }
}
