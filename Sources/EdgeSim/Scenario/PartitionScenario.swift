import AppModel
import PDLC
import PlacerCore

/// The `network-partition` scenario: three regions, each with four edge sites and a metro data centre, plus a
/// central cloud, over a day whose links degrade and recover. Demand is shaped by a public data-centre trace
/// (default Alibaba cluster-trace-v2018, `bench/traces/alibaba2018-cpu.csv`).
///
/// Inventory: edge `rK-eN` (zone `rK-eN`, 12 cores, 48 GiB, 0.045 EUR per core-hour), metro `rK-dc` (zone
/// `rK-dc`, 96 cores, 384 GiB, 0.03), `cloud` (zone `central`, 1024 cores, 0.018). Round trips: an edge to its
/// own zone 1 ms, to the other edges of its region 8 ms; a metro to its region's edge zones 4 ms; between
/// regions 30 ms; the cloud 45 ms to every edge zone. Apps per edge site (120 in all): 2 Gold (budget 6 ms),
/// 4 Silver (budget 15 ms), 4 BestEffort (budget 60 ms), users in the site's zone; requests 0.5–1.5 cores.
/// Demand: `requests × diurnal × trace factor × (1 ± 5 %)` (diurnal as ``WideEdgeScenario``).
/// Events (links degrade, then recover): 08:00–09:30 region r1's metro is cut off from its edges (every
/// `r1-dc` ↔ `r1-eN` link at 40 ms); 13:00–14:30 the cloud's links to every edge at 150 ms (a backbone
/// reroute); 19:00–20:00 two edges of region r2 (`r2-e0`, `r2-e1`) are partitioned from the rest of their
/// region (their links to the region's other edges and metro at 60 ms). The control loop runs every 2 minutes.
public enum PartitionScenario {
    public static let name = "network-partition"
    public static let regions = 3
    public static let edgesPerRegion = 4
    public static let appsPerSite = 10

    public static func make(trace: LoadTrace, seed: UInt64 = 1, minutes: Int = 1440) -> SimulationScenario {
        var random = SplitMix64(seed: 0x5041_5254 ^ seed)
        var clusters: [ClusterSpec] = []
        let edgeZones = (0..<regions).flatMap { r in (0..<edgesPerRegion).map { "r\(r)-e\($0)" } }
        func region(of zone: String) -> String { String(zone.prefix(2)) }
        for r in 0..<regions {
            for e in 0..<edgesPerRegion {
                let name = "r\(r)-e\(e)"
                var latency: [String: Double] = [:]
                for zone in edgeZones {
                    latency[zone] = zone == name ? 1 : (region(of: zone) == "r\(r)" ? 8 : 30)
                }
                for k in 0..<regions { latency["r\(k)-dc"] = k == r ? 4 : 30 }
                latency["central"] = 45
                clusters.append(
                    ClusterSpec(
                        name: name, labels: [Labels.site: name, "placer.dev/region": "r\(r)", Labels.tier: "edge"],
                        zone: name, cpuCores: 12, memoryBytes: 48 * scenarioGiB, latencyMilliseconds: latency,
                        energyCostPerCoreHour: 0.045))
            }
            var latency: [String: Double] = ["central": 30]
            for zone in edgeZones { latency[zone] = region(of: zone) == "r\(r)" ? 4 : 30 }
            for k in 0..<regions { latency["r\(k)-dc"] = k == r ? 1 : 30 }
            clusters.append(
                ClusterSpec(
                    name: "r\(r)-dc",
                    labels: [
                        Labels.site: "r\(r)-dc", "placer.dev/region": "r\(r)",
                        Labels.tier: "datacenter",
                    ],
                    zone: "r\(r)-dc", cpuCores: 96, memoryBytes: 384 * scenarioGiB, latencyMilliseconds: latency,
                    energyCostPerCoreHour: 0.03))
        }
        var cloudLatency: [String: Double] = ["central": 1]
        for zone in edgeZones { cloudLatency[zone] = 45 }
        for k in 0..<regions { cloudLatency["r\(k)-dc"] = 30 }
        clusters.append(
            ClusterSpec(
                name: "cloud", labels: [Labels.site: "central", Labels.tier: "cloud"], zone: "central",
                cpuCores: 1024, memoryBytes: 4096 * scenarioGiB, latencyMilliseconds: cloudLatency,
                energyCostPerCoreHour: 0.018))
        var apps: [SimulatedApp] = []
        for zone in edgeZones {
            for k in 0..<appsPerSite {
                let qos: QoSClass = k < 2 ? .gold : (k < 6 ? .silver : .bestEffort)
                let budget: Double = qos == .gold ? 6 : (qos == .silver ? 15 : 60)
                let name = "\(zone)-app-\(k)"
                let app = Application(
                    name: name, appName: name, sourceFile: "apps/\(name)/app.yaml", qosClass: qos,
                    cpuCores: Double(Int.random(in: 5...15, using: &random)) / 10,
                    memoryBytes: Double(Int.random(in: 1...3, using: &random)) * scenarioGiB,
                    latencyBudgetMilliseconds: budget, userZones: [zone], manifests: [],
                    sourceDigest: "partition-\(name)")
                let demand = (0..<max(1, minutes)).map { minute in
                    ScenarioDemand.cores(
                        app: app, minute: minute, trace: trace, seed: seed, noise: 0.05,
                        activity: WideEdgeScenario.diurnal(minute % 1440))
                }
                apps.append(SimulatedApp(app: app, demandCores: demand))
            }
        }
        var links: [LinkDegradation] = []
        func degrade(_ cluster: String, _ zone: String, _ ms: Double, _ from: Int, _ to: Int) {
            for span in AGVFactoryScenario.occurrences(from: from, to: to, minutes: minutes, start: 0) {
                links.append(
                    LinkDegradation(
                        cluster: cluster, zone: zone, latencyMilliseconds: ms, start: span.start, end: span.end))
            }
        }
        for e in 0..<edgesPerRegion { degrade("r1-dc", "r1-e\(e)", 40, 8 * 60, 9 * 60 + 30) }
        for zone in edgeZones { degrade("cloud", zone, 150, 13 * 60, 14 * 60 + 30) }
        for cut in ["r2-e0", "r2-e1"] {
            for e in 2..<edgesPerRegion { degrade(cut, "r2-e\(e)", 60, 19 * 60, 20 * 60) }
            degrade("r2-dc", cut, 60, 19 * 60, 20 * 60)
        }
        return SimulationScenario(clusters: clusters, apps: apps, minutes: minutes, degradedLinks: links)
    }
}
