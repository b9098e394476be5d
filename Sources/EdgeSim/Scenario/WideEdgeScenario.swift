import AppModel
import PDLC
import PlacerCore

/// The `wide-edge` scenario: a wide edge fleet of ``siteCount`` sites in ``regionCount`` regions (one edge
/// cluster per site, each site its own user zone) and one regional cloud, running ``appsPerSite`` apps per site
/// (500 in all) over a simulated day, with one site outage and one flash crowd. Demand is shaped by a public
/// data-centre trace (default Azure Public Dataset v2, `bench/traces/azure-v2-cpu.csv`).
///
/// Inventory: site cluster `site-NN` (zone `site-NN`, label `placer.dev/site=site-NN`, region label
/// `placer.dev/region=rK`) with 16 cores and 64 GiB, energy 0.045 EUR per core-hour; latency 1 ms to its own
/// zone, 6–12 ms (seeded, symmetric) to the other sites of its region, 25–45 ms to other regions; the
/// regional cloud `cloud` (1024 cores, 4 TiB, 0.018 EUR per core-hour) at 35–60 ms from every site.
/// Apps per site `s`: 2 Gold (budget 8 ms), 4 Silver (budget 20 ms), 4 BestEffort (no budget), users in
/// zone `site-s`; requests 0.5–2 cores (seeded), 1–4 GiB. Demand per minute: `requests × diurnal(minute) ×
/// trace factor × (1 ± 5 % noise)`, with `diurnal` 0.5 at night rising to 1.1 at 11:00–17:00.
/// Events: `site-07` down 09:00–10:30; a flash crowd multiplies the demand of every app of sites 20–24
/// (one region's event venue) by 2.5 from 18:00 to 19:30, ramping over 10 minutes.
/// The control loop runs every 5 minutes (a fleet this size), apply delay 2 minutes.
public enum WideEdgeScenario {
    public static let name = "wide-edge"
    public static let siteCount = 50
    public static let regionCount = 5
    public static let appsPerSite = 10
    public static let outage = (cluster: "site-07", fromMinuteOfDay: 9 * 60, toMinuteOfDay: 10 * 60 + 30)
    public static let flashCrowd = (
        sites: 20...24, fromMinuteOfDay: 18 * 60, toMinuteOfDay: 19 * 60 + 30,
        factor: 2.5, rampMinutes: 10
    )

    /// Builds the scenario (deterministic for `seed`).
    public static func make(trace: LoadTrace, seed: UInt64 = 1, minutes: Int = 1440) -> SimulationScenario {
        var random = SplitMix64(seed: 0x5749_4445 ^ seed)
        let sites = (0..<siteCount).map { "site-\($0 < 10 ? "0" : "")\($0)" }
        let region = (0..<siteCount).map { $0 * regionCount / siteCount }
        // Site-to-site latency, symmetric.
        var between = Array(repeating: Array(repeating: 1.0, count: siteCount), count: siteCount)
        for a in 0..<siteCount {
            for b in (a + 1)..<siteCount {
                let value =
                    region[a] == region[b]
                    ? Double(Int.random(in: 6...12, using: &random)) : Double(Int.random(in: 25...45, using: &random))
                between[a][b] = value
                between[b][a] = value
            }
        }
        var clusters: [ClusterSpec] = []
        for (i, site) in sites.enumerated() {
            var latency: [String: Double] = [:]
            for (j, other) in sites.enumerated() { latency[other] = between[i][j] }
            latency["region"] = 30
            clusters.append(
                ClusterSpec(
                    name: site,
                    labels: [Labels.site: site, "placer.dev/region": "r\(region[i])", Labels.tier: "edge"],
                    zone: site, cpuCores: 16, memoryBytes: 64 * scenarioGiB, latencyMilliseconds: latency,
                    energyCostPerCoreHour: 0.045))
        }
        var cloudLatency: [String: Double] = ["region": 1]
        for site in sites { cloudLatency[site] = Double(Int.random(in: 35...60, using: &random)) }
        clusters.append(
            ClusterSpec(
                name: "cloud", labels: [Labels.site: "region", Labels.tier: "cloud"], zone: "region",
                cpuCores: 1024, memoryBytes: 4096 * scenarioGiB, latencyMilliseconds: cloudLatency,
                energyCostPerCoreHour: 0.018))
        var apps: [SimulatedApp] = []
        for (i, site) in sites.enumerated() {
            for k in 0..<appsPerSite {
                let qos: QoSClass = k < 2 ? .gold : (k < 6 ? .silver : .bestEffort)
                let budget: Double? = qos == .gold ? 8 : (qos == .silver ? 20 : nil)
                let name = "\(site)-app-\(k)"
                let cpu = Double(Int.random(in: 5...20, using: &random)) / 10
                let app = Application(
                    name: name, appName: name, sourceFile: "apps/\(name)/app.yaml", qosClass: qos, cpuCores: cpu,
                    memoryBytes: Double(Int.random(in: 1...4, using: &random)) * scenarioGiB,
                    latencyBudgetMilliseconds: budget, userZones: [site], manifests: [],
                    sourceDigest: "wide-edge-\(name)")
                let crowd = flashCrowd.sites.contains(i)
                let demand = (0..<max(1, minutes)).map { minute in
                    ScenarioDemand.cores(
                        app: app, minute: minute, trace: trace, seed: seed, noise: 0.05,
                        activity: diurnal(minute % 1440) * (crowd ? crowdFactor(minute % 1440) : 1))
                }
                apps.append(SimulatedApp(app: app, demandCores: demand))
            }
        }
        let outages = AGVFactoryScenario.occurrences(
            from: outage.fromMinuteOfDay, to: outage.toMinuteOfDay, minutes: minutes, start: 0
        ).map { ClusterOutage(cluster: outage.cluster, start: $0.start, end: $0.end) }
        return SimulationScenario(
            clusters: clusters, apps: apps, minutes: minutes, outages: outages,
            timing: SimulationTiming(evaluationIntervalMinutes: 5))
    }

    /// 0.5 at night, rising linearly 06:00–11:00 to 1.1, flat to 17:00, falling to 0.5 by 23:00.
    static func diurnal(_ minuteOfDay: Int) -> Double {
        let hour = Double(minuteOfDay) / 60
        switch hour {
        case ..<6: return 0.5
        case ..<11: return 0.5 + 0.6 * (hour - 6) / 5
        case ..<17: return 1.1
        case ..<23: return 1.1 - 0.6 * (hour - 17) / 6
        default: return 0.5
        }
    }

    /// The flash crowd's multiplier at `minuteOfDay` (1 outside it).
    static func crowdFactor(_ minuteOfDay: Int) -> Double {
        let from = flashCrowd.fromMinuteOfDay
        let to = flashCrowd.toMinuteOfDay
        guard minuteOfDay >= from && minuteOfDay < to else { return 1 }
        let ramp = Double(flashCrowd.rampMinutes)
        let rise = min(1, Double(minuteOfDay - from + 1) / ramp)
        let fall = min(1, Double(to - minuteOfDay) / ramp)
        return 1 + (flashCrowd.factor - 1) * min(rise, fall)
    }
}

/// Demand per minute shared by the trace-shaped scenarios.
enum ScenarioDemand {
    /// `requests × activity × trace factor × (1 ± noise)`; the trace series and phase are picked per app from
    /// `seed` (as in ``AGVFactoryScenario``).
    static func cores(
        app: Application, minute: Int, trace: LoadTrace, seed: UInt64, noise: Double, activity: Double
    ) -> Double {
        let key = AGVFactoryScenario.fnv1a(app.name)
        var random = SplitMix64(seed: seed ^ key)
        let series = Int(random.next() % UInt64(max(1, trace.series.count)))
        let phaseSeconds = Double(random.next() % 3600)
        var draw = SplitMix64(seed: seed ^ key ^ UInt64(minute + 1) &* 0x9E37_79B9_7F4A_7C15)
        let jitter = 1 + noise * (Double(draw.next() % 2001) / 1000 - 1)
        let factor = trace.factor(series: series, atSeconds: Double(minute * 60) + phaseSeconds)
        return max(0, app.cpuCores * activity * factor * jitter)
    }
}

let scenarioGiB = 1_073_741_824.0
