import AppModel
import PlacerCore

/// A seeded synthetic fleet for benchmarks and the optimum gap: edge, datacenter and cloud clusters spread over
/// zones, and apps of every QoS class with latency budgets, selectors, channels and some live telemetry.
///
/// Shape (all draws from ``SplitMix64`` with the given seed): zones = max(2, clusters ÷ 10); per zone one
/// datacenter-tier cluster every fifth cluster, the rest edge, and every tenth cluster a cloud one; latency
/// 1 ms within a zone, 5–40 ms between zones, cloud 30–80 ms to every zone; cpu edge 8–32 cores, datacenter
/// 64–128, cloud 128–256, 4 GiB memory per core; a third of the clusters report a cpu history (rising or flat).
/// Apps: 20 % Gold (budget 10–30 ms), 40 % Silver (budget 40–100 ms), 40 % BestEffort (no budget); 0.1–2 cores,
/// 0.25–4 GiB; one user zone; 5 % select a tier; 10 % have a 20 ms channel to the previous app. Total requests
/// are about a fifth of the fleet's cpu unless `capacityRatio` rescales every cluster.
public enum SyntheticFleet {
    /// - Parameters:
    ///   - apps: number of apps.
    ///   - clusters: number of clusters (≥ 1).
    ///   - seed: generator seed; the same seed gives the same fleet.
    ///   - capacityRatio: when set, every cluster's cpu and memory are scaled by one factor so that the fleet's
    ///     allocatable is this multiple of the apps' summed requests (e.g. 1.2 for a tight fleet).
    ///   - channels: whether apps get channels (the optimum's objective has none).
    /// - Returns: apps named `app-00000…` and clusters named `c-0000…`.
    public static func generate(
        apps appCount: Int, clusters clusterCount: Int, seed: UInt64, capacityRatio: Double? = nil,
        channels: Bool = true
    ) -> (apps: [Application], clusters: [ClusterSpec]) {
        var random = SplitMix64(seed: seed)
        let zoneCount = max(2, clusterCount / 10)
        let zones = (0..<zoneCount).map { "z\($0)" }
        // Inter-zone latency, symmetric.
        var between = Array(repeating: Array(repeating: 0.0, count: zoneCount), count: zoneCount)
        for a in 0..<zoneCount {
            for b in (a + 1)..<max(a + 1, zoneCount) {
                let value = Double.random(in: 5...40, using: &random).rounded()
                between[a][b] = value
                between[b][a] = value
            }
            between[a][a] = 1
        }
        var clusters: [ClusterSpec] = []
        clusters.reserveCapacity(clusterCount)
        for i in 0..<clusterCount {
            let zone = i % zoneCount
            let tier = i % 10 == 9 ? "cloud" : (i % 5 == 4 ? "datacenter" : "edge")
            let cpu: Double
            var latency: [String: Double] = [:]
            switch tier {
            case "cloud":
                cpu = Double(Int.random(in: 128...256, using: &random))
                for (z, name) in zones.enumerated() { latency[name] = (30 + Double(z % 50)).rounded() }
            case "datacenter":
                cpu = Double(Int.random(in: 64...128, using: &random))
                for (z, name) in zones.enumerated() { latency[name] = between[zone][z] }
            default:
                cpu = Double(Int.random(in: 8...32, using: &random))
                for (z, name) in zones.enumerated() { latency[name] = between[zone][z] }
            }
            var cluster = ClusterSpec(
                name: "c-\(pad(i, 4))",
                labels: [Labels.tier: tier, Labels.securityClass: i % 3 == 0 ? "High" : "Medium"],
                zone: zones[zone], cpuCores: cpu, memoryBytes: cpu * 4 * 1_073_741_824, latencyMilliseconds: latency,
                energyCostPerCoreHour: tier == "cloud" ? 0.018 : (tier == "datacenter" ? 0.03 : 0.045))
            if i % 3 == 1 {
                var telemetry = ClusterTelemetry()
                let base = cpu * Double.random(in: 0.1...0.4, using: &random)
                let slope = i % 2 == 0 ? cpu * 0.01 : 0
                telemetry.cpuUsedHistory = (0..<10).map { base + slope * Double($0) }
                telemetry.cpuUsedCores = telemetry.cpuUsedHistory.last
                telemetry.nodeReadyFraction = i % 7 == 1 ? 0.5 : 1
                telemetry.failuresLast24Hours = i % 7 == 1 ? 3 : 0
                telemetry.sources = ["cpu": "prometheus", "nodes": "prometheus"]
                telemetry.ageSeconds = ["cpu": 15, "nodes": 15]
                cluster.telemetry = telemetry
            }
            clusters.append(cluster)
        }
        var apps: [Application] = []
        apps.reserveCapacity(appCount)
        for i in 0..<appCount {
            let roll = Double.random(in: 0..<1, using: &random)
            let qos: QoSClass = roll < 0.2 ? .gold : (roll < 0.6 ? .silver : .bestEffort)
            let budget: Double? =
                qos == .gold
                ? Double.random(in: 10...30, using: &random).rounded()
                : (qos == .silver ? Double.random(in: 40...100, using: &random).rounded() : nil)
            let name = "app-\(pad(i, 5))"
            var selector: [String: String] = [:]
            if Int.random(in: 0..<20, using: &random) == 0 {
                selector[Labels.tier] = qos == .gold ? "edge" : "datacenter"
            }
            var peers: [PeerChannel] = []
            if channels && i > 0 && Int.random(in: 0..<10, using: &random) == 0 {
                peers.append(
                    PeerChannel(
                        app: "app-\(pad(i - 1, 5))", service: "api", maxDelayMilliseconds: 20,
                        minBandwidthBitsPerSecond: nil))
            }
            apps.append(
                Application(
                    name: name, appName: name, sourceFile: "apps/\(name)/app.yaml", qosClass: qos,
                    cpuCores: (Double.random(in: 0.1...2, using: &random) * 10).rounded() / 10,
                    memoryBytes: Double(Int.random(in: 1...16, using: &random)) * 268_435_456,
                    latencyBudgetMilliseconds: budget,
                    userZones: [zones[Int.random(in: 0..<zoneCount, using: &random)]],
                    clusterSelector: selector, peerChannels: peers, manifests: [], sourceDigest: "synthetic-\(i)"))
        }
        if let capacityRatio, !clusters.isEmpty {
            let cpuFactor =
                capacityRatio * apps.reduce(0) { $0 + $1.cpuCores } / clusters.reduce(0) { $0 + $1.cpuCores }
            let memoryFactor =
                capacityRatio * apps.reduce(0) { $0 + $1.memoryBytes }
                / clusters.reduce(0) { $0 + $1.memoryBytes }
            for c in clusters.indices {
                clusters[c].cpuCores = (clusters[c].cpuCores * cpuFactor * 10).rounded() / 10
                clusters[c].memoryBytes = (clusters[c].memoryBytes * memoryFactor).rounded()
                clusters[c].telemetry = nil
            }
        }
        return (apps, clusters)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
