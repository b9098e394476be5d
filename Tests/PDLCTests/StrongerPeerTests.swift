import AppModel
import Testing

@testable import PDLC

/// The stronger peers of issue 14: CODECO's ILP, OCM with a latency AddOnPlacementScore, the hindsight oracle.
@Suite struct StrongerPeerTests {
    /// Capacity and hard constraints every placement must meet, checked independently of the strategy.
    func expectValid(
        _ placement: [String: String], apps: [Application], clusters: [ClusterSpec], load: [String: Double] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for cluster in clusters {
            let on = apps.filter { placement[$0.name] == cluster.name }
            let cpu = on.reduce(0) { $0 + (load[$1.name] ?? $1.cpuCores) }
            #expect(cpu <= cluster.cpuCores + 1e-6, "\(cluster.name) cpu", sourceLocation: sourceLocation)
            #expect(
                on.reduce(0) { $0 + $1.memoryBytes } <= cluster.memoryBytes + 1, "\(cluster.name) memory",
                sourceLocation: sourceLocation)
            if !on.isEmpty { #expect(cluster.available, sourceLocation: sourceLocation) }
        }
        for app in apps { if let name = placement[app.name] { #expect(clusters.contains { $0.name == name }) } }
    }

    @Test func codecoILPMeetsLatencyBudgetsAndCapacity() {
        // Edge (1 ms, 4 cores) fits two 2-core Gold apps with 5 ms budgets; the third goes nowhere (cloud 30 ms),
        // the BestEffort app goes to the cloud.
        let clusters = [
            makeCluster("edge", zone: "hall", cpu: 4, latency: ["hall": 1]),
            makeCluster("cloud", zone: "region", cpu: 100, latency: ["hall": 30], energy: 0.01),
        ]
        let apps = [
            makeApp("g1", qos: .gold, cpu: 2, budget: 5, zones: ["hall"]),
            makeApp("g2", qos: .gold, cpu: 2, budget: 5, zones: ["hall"]),
            makeApp("g3", qos: .gold, cpu: 2, budget: 5, zones: ["hall"]),
            makeApp("be", qos: .bestEffort, cpu: 2, zones: ["hall"]),
        ]
        var strategy = CODECOILPStrategy()
        let placement = strategy.place(apps: apps, clusters: clusters, current: [:], nowSeconds: 0)
        expectValid(placement, apps: apps, clusters: clusters)
        #expect(["g1", "g2", "g3"].filter { placement[$0] == "edge" }.count == 2)
        #expect(["g1", "g2", "g3"].filter { placement[$0] == nil }.count == 1)
        #expect(placement["be"] == "cloud")
    }

    @Test func codecoILPUsesMeasuredLoadAndForbidsSlowChannels() {
        // a runs on x, which measures 1 core used for 4 requested: a's load is 1 core, so it still fits on x
        // (2 cores) beside the new app n (1 core) although their requests (4 + 1) do not.
        var x = makeCluster("x", zone: "x", cpu: 2, latency: ["y": 50])
        var telemetry = ClusterTelemetry()
        telemetry.cpuUsedCores = 1
        x.telemetry = telemetry
        let y = makeCluster("y", zone: "y", cpu: 100, latency: ["x": 50])
        let channel = PeerChannel(app: "a", service: "api", maxDelayMilliseconds: 10, minBandwidthBitsPerSecond: nil)
        let apps = [makeApp("a", cpu: 4), makeApp("n", cpu: 1, peers: [channel])]
        var strategy = CODECOILPStrategy()
        let placement = strategy.place(apps: apps, clusters: [x, y], current: ["a": "x"], nowSeconds: 0)
        // The 10 ms channel forbids splitting them over the 50 ms link.
        #expect(placement["a"] == placement["n"])
        #expect(placement["a"] != nil)
    }

    @Test func ocmAddOnLatencySelectsTheUsersSiteAndTheNearestCluster() {
        let clusters = [
            makeCluster("hall-edge", zone: "hall", cpu: 10, latency: ["hall": 1], labels: [Labels.site: "plant"]),
            makeCluster("plant-dc", zone: "dc", cpu: 100, latency: ["hall": 8], labels: [Labels.site: "plant"]),
            makeCluster("cloud", zone: "region", cpu: 1000, latency: ["hall": 40], labels: [Labels.site: "cloud"]),
        ]
        let apps = [makeApp("a", cpu: 2, zones: ["hall"]), makeApp("b", cpu: 20, zones: ["hall"])]
        var strategy = OCMAddOnLatencyStrategy()
        let placement = strategy.place(apps: apps, clusters: clusters, current: [:], nowSeconds: 0)
        expectValid(placement, apps: apps, clusters: clusters)
        // a: hall-edge scores 3 × 98 (+ Balance 100) over plant-dc 3 × 84; b does not fit the edge: plant-dc,
        // never the cloud (the site predicate).
        #expect(placement["a"] == "hall-edge")
        #expect(placement["b"] == "plant-dc")
    }

    struct Oracle: HindsightOracle {
        var down: Set<String>
        var demand: [String: Double]
        func peakDemand(app: String, from: Double, to: Double) -> Double { demand[app] ?? 0 }
        func isUp(cluster: String, from: Double, to: Double) -> Bool { !down.contains(cluster) }
        func worstLatency(app: String, cluster: String, from: Double, to: Double) -> Double? { 1 }
        var applyDelaySeconds: Double { 120 }
        var intervalSeconds: Double { 120 }
    }

    @Test func hindsightAvoidsAClusterThatWillFailAndPacksByTrueDemand() {
        let clusters = [makeCluster("a", cpu: 4), makeCluster("b", cpu: 4), makeCluster("c", cpu: 4)]
        let apps = [makeApp("p", cpu: 1), makeApp("q", cpu: 1), makeApp("r", cpu: 1)]
        // a will be down; p and q will each need 3 cores, r 1: no two of p, q fit one cluster.
        var strategy = HindsightStrategy(oracle: Oracle(down: ["a"], demand: ["p": 3, "q": 3, "r": 1]))
        let placement = strategy.place(apps: apps, clusters: clusters, current: ["p": "a"], nowSeconds: 0)
        #expect(placement.values.allSatisfy { $0 != "a" })
        #expect(Set([placement["p"], placement["q"]]) == Set(["b", "c"]))
        #expect(placement["r"] != nil)
        expectValid(placement, apps: apps, clusters: clusters, load: ["p": 3, "q": 3, "r": 1])
    }
}
