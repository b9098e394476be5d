import AppModel
import PDLC
import PlacerCore

/// The `agv-factory` scenario: the example repo's factory (three production halls with small edge clusters, the
/// plant data centre, a regional cloud) over a simulated day of three AGV shifts, with demand shaped by a
/// public data-centre trace, a hall cluster failure, a degraded link and a day/night energy tariff.
///
/// Apps are the repo's, scaled to a plant's count: each `agv-controller-hall-N` is replicated to
/// ``controllersPerHall`` controllers (one per AGV group of the hall) and `vision-inference` to
/// ``visionLines`` inspection lines; every other app runs once. Demand per app and minute is
/// `cpu requests × activity(app, time) × trace factor × (1 ± 4 % noise)`, where activity follows the shift plan
/// (``shiftPlan``) and the trace factor is one series of the trace (normalised to mean 1) at a seeded phase.
/// All parameters are stated here and in docs/edgesim.md; none depends on the strategy under test.
public enum AGVFactoryScenario {
    public static let name = "agv-factory"
    /// AGV controllers per hall after scaling (the repo's one plus copies `-2`, `-3`, …).
    public static let controllersPerHall = 5
    /// Vision inspection lines in hall 2 (the repo's `vision-inference` plus copies).
    public static let visionLines = 2

    /// One shift: from a minute of the day, the share (0…1) of each hall's AGVs at work.
    public struct Shift: Sendable, Hashable {
        public var name: String
        public var startMinuteOfDay: Int
        public var agvShare: [String: Double]
    }

    /// Night (22:00, warehouse restocking in hall 3), early (06:00, assembly in halls 1 and 2) and late
    /// (14:00, halls 2 and 3). A shift change ramps linearly over ``rampMinutes``.
    public static let shiftPlan: [Shift] = [
        Shift(name: "early", startMinuteOfDay: 6 * 60, agvShare: ["hall-1": 1.0, "hall-2": 1.0, "hall-3": 0.5]),
        Shift(name: "late", startMinuteOfDay: 14 * 60, agvShare: ["hall-1": 0.5, "hall-2": 1.0, "hall-3": 1.0]),
        Shift(name: "night", startMinuteOfDay: 22 * 60, agvShare: ["hall-1": 0.2, "hall-2": 0.3, "hall-3": 1.0]),
    ]
    public static let rampMinutes = 15
    /// `hall-2-edge` down 10:20–11:00 (40 minutes, early shift).
    public static let outage = (cluster: "hall-2-edge", fromMinuteOfDay: 10 * 60 + 20, toMinuteOfDay: 11 * 60)
    /// The link between `factory-dc` and hall 3 at 12 ms round trip (inventory: 4 ms; Gold budgets 5 and 10 ms)
    /// 15:00–16:30 (late shift).
    public static let degradedLink = (
        cluster: "factory-dc", zone: "hall-3", latencyMilliseconds: 12.0, fromMinuteOfDay: 15 * 60,
        toMinuteOfDay: 16 * 60 + 30
    )
    /// The plant's tariff (site `plant-a`): × 1.3 from 06:00 to 22:00, × 0.7 at night; the regional cloud's
    /// price is flat.
    public static let tariff = [
        TariffPeriod(site: "plant-a", fromMinuteOfDay: 6 * 60, toMinuteOfDay: 22 * 60, multiplier: 1.3),
        TariffPeriod(site: "plant-a", fromMinuteOfDay: 22 * 60, toMinuteOfDay: 6 * 60, multiplier: 0.7),
    ]

    /// Builds the scenario.
    /// - Parameters:
    ///   - apps: the repo's valid apps (`RepoSnapshot.apps`).
    ///   - clusters: the repo's inventory (`RepoSnapshot.clusters`).
    ///   - trace: the load shapes (``LoadTrace/flat`` for exact demand).
    ///   - seed: picks each app's trace series, phase and noise.
    ///   - minutes: simulated length (1440 = one day).
    ///   - startMinuteOfDay: the time of day at minute 0 (0 = midnight).
    ///   - timing: control-loop timing, the same for every strategy.
    ///   - siteSelectors: gives every app whose users are all in halls the cluster selector
    ///     `placer.dev/site=<the halls' site>`, the Placement predicate an OCM operator would write to keep
    ///     plant apps in the plant (peers that ignore latency then stay off the regional cloud).
    /// - Throws: ``ScenarioError/missing(_:)`` when the repo lacks the halls' AGV controllers or the clusters the
    ///   events name.
    public static func make(
        apps: [Application], clusters: [ClusterSpec], trace: LoadTrace, seed: UInt64 = 1, minutes: Int = 1440,
        startMinuteOfDay: Int = 0, timing: SimulationTiming = SimulationTiming(), siteSelectors: Bool = false
    ) throws -> SimulationScenario {
        for hall in 1...3 where !apps.contains(where: { $0.name == "agv-controller-hall-\(hall)" }) {
            throw ScenarioError.missing("app agv-controller-hall-\(hall)")
        }
        for cluster in [outage.cluster, degradedLink.cluster] where !clusters.contains(where: { $0.name == cluster }) {
            throw ScenarioError.missing("cluster \(cluster)")
        }
        var simulated: [SimulatedApp] = []
        for app in apps {
            let copies =
                app.name.hasPrefix("agv-controller-hall-")
                ? controllersPerHall
                : app.name == "vision-inference" ? visionLines : 1
            for copy in 1...copies {
                var instance = copy == 1 ? app : replica(of: app, number: copy)
                if siteSelectors { selectHallSite(&instance, clusters: clusters) }
                let demand = (0..<max(1, minutes)).map { minute in
                    demandCores(
                        of: instance, family: app.name, minute: minute, start: startMinuteOfDay, trace: trace,
                        seed: seed)
                }
                let zones =
                    app.name == "fleet-manager" ? fleetZoneChanges(minutes: minutes, start: startMinuteOfDay) : []
                simulated.append(SimulatedApp(app: instance, demandCores: demand, zoneChanges: zones))
            }
        }
        let outages = occurrences(
            from: outage.fromMinuteOfDay, to: outage.toMinuteOfDay, minutes: minutes, start: startMinuteOfDay
        )
        .map { ClusterOutage(cluster: outage.cluster, start: $0.start, end: $0.end) }
        let links = occurrences(
            from: degradedLink.fromMinuteOfDay, to: degradedLink.toMinuteOfDay, minutes: minutes,
            start: startMinuteOfDay
        ).map {
            LinkDegradation(
                cluster: degradedLink.cluster, zone: degradedLink.zone,
                latencyMilliseconds: degradedLink.latencyMilliseconds,
                start: $0.start, end: $0.end)
        }
        return SimulationScenario(
            clusters: clusters, apps: simulated, minutes: minutes, startMinuteOfDay: startMinuteOfDay, outages: outages,
            degradedLinks: links, tariff: tariff, timing: timing)
    }

    /// Share of `hall`'s AGVs at work at `minuteOfDay`, ramping from the previous shift's share.
    public static func agvShare(_ hall: String, minuteOfDay: Int) -> Double {
        let ordered = shiftPlan.sorted { $0.startMinuteOfDay < $1.startMinuteOfDay }
        let index = ordered.lastIndex { $0.startMinuteOfDay <= minuteOfDay } ?? ordered.count - 1
        let shift = ordered[index]
        let previous = ordered[(index + ordered.count - 1) % ordered.count]
        let since = (minuteOfDay - shift.startMinuteOfDay + 1440) % 1440
        let to = shift.agvShare[hall, default: 0]
        guard since < rampMinutes else { return to }
        let from = previous.agvShare[hall, default: 0]
        return from + (to - from) * Double(since) / Double(rampMinutes)
    }

    /// Activity of an app of `family` (the repo app it was scaled from) at `minuteOfDay`, as a multiple of its
    /// cpu requests before the trace factor.
    static func activity(family: String, minuteOfDay: Int) -> Double {
        let halls = ["hall-1", "hall-2", "hall-3"]
        let meanShare = halls.map { agvShare($0, minuteOfDay: minuteOfDay) }.reduce(0, +) / Double(halls.count)
        let night = minuteOfDay >= 22 * 60 || minuteOfDay < 6 * 60
        if family.hasPrefix("agv-controller-") {
            // Route planning scales with the AGVs driving; bursts use the 1-core limit above the 750m request.
            return 0.2 + 0.9 * agvShare(String(family.dropFirst("agv-controller-".count)), minuteOfDay: minuteOfDay)
        }
        switch family {
        case "fleet-manager", "mqtt-broker": return 0.3 + 0.8 * meanShare
        case "vision-inference": return night ? 0.15 : 1.0
        case "quality-dashboard": return 0.2 + 0.6 * agvShare("hall-1", minuteOfDay: minuteOfDay)
        case "batch-analytics": return night ? 0.9 : 0.1
        default: return 0.6
        }
    }

    static func demandCores(
        of app: Application, family: String, minute: Int, start: Int, trace: LoadTrace, seed: UInt64
    ) -> Double {
        var random = SplitMix64(seed: seed ^ fnv1a(app.name))
        let series = Int(random.next() % UInt64(max(1, trace.series.count)))
        let phaseSeconds = Double(random.next() % 3600)
        var noise = SplitMix64(seed: seed ^ fnv1a(app.name) ^ UInt64(minute + 1) &* 0x9E37_79B9_7F4A_7C15)
        let jitter = 1 + 0.04 * (Double(noise.next() % 2001) / 1000 - 1)
        let minuteOfDay = (start + minute) % 1440
        let factor = trace.factor(series: series, atSeconds: Double((start + minute) * 60) + phaseSeconds)
        return max(0, app.cpuCores * activity(family: family, minuteOfDay: minuteOfDay) * factor * jitter)
    }

    /// The fleet manager's users are the halls where more than half the AGVs work; they change at shift starts.
    static func fleetZoneChanges(minutes: Int, start: Int) -> [ZoneChange] {
        var changes: [ZoneChange] = []
        var last: [String] = []
        for minute in 0..<max(1, minutes) {
            let minuteOfDay = (start + minute) % 1440
            let zones = ["hall-1", "hall-2", "hall-3"].filter { agvShare($0, minuteOfDay: minuteOfDay) > 0.5 }
            if zones != last {
                changes.append(ZoneChange(minute: minute, zones: zones))
                last = zones
            }
        }
        return changes
    }

    /// Adds `placer.dev/site=<site>` to the selector of an app whose user zones are all zones of hall clusters
    /// of one site (zones named `hall-…`); other apps are left alone.
    static func selectHallSite(_ app: inout Application, clusters: [ClusterSpec]) {
        let zones = Set(app.userZones)
        guard !zones.isEmpty, zones.allSatisfy({ $0.hasPrefix("hall-") }) else { return }
        let sites = Set(clusters.filter { zones.contains($0.zone) }.compactMap { $0.labels[Labels.site] })
        guard sites.count == 1, let site = sites.first else { return }
        app.clusterSelector[Labels.site] = site
    }

    /// A copy of `app` as instance `number` (`<name>-<number>`), its channels to itself renamed with it.
    static func replica(of app: Application, number: Int) -> Application {
        var copy = app
        copy.name = "\(app.name)-\(number)"
        copy.appName = "\(app.appName)-\(number)"
        copy.sourceDigest = "\(app.sourceDigest)-\(number)"
        copy.peerChannels = app.peerChannels.map { channel in
            var channel = channel
            if channel.app == app.name || channel.app == app.appName { channel.app = copy.appName }
            return channel
        }
        return copy
    }

    /// Scenario-minute spans of a daily window `from ..< to` (minutes of day, wrapping past midnight).
    static func occurrences(from: Int, to: Int, minutes: Int, start: Int) -> [(start: Int, end: Int)] {
        let length = (to - from + 1440) % 1440
        var spans: [(start: Int, end: Int)] = []
        for day in -1...(minutes / 1440 + 1) {
            let begin = day * 1440 + from - start
            let end = begin + length
            if end > 0 && begin < minutes { spans.append((max(begin, 0), min(end, minutes))) }
        }
        return spans
    }

    /// FNV-1a, 64 bit: a stable per-name seed (Swift's `Hasher` is randomised per process).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
