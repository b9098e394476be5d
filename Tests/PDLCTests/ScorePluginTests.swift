import AppModel
import PlacerCore
import Testing

@testable import PDLC

@Suite struct ScorePluginTests {
    let engine = PlacementEngine.standard()

    func scores(
        _ plugin: String, app: Application = makeApp("x"), clusters: [ClusterSpec],
        current: [String: PlacementRecord] = [:]
    ) -> [String: Double] {
        let decision = engine.decide(
            apps: [app], clusters: clusters, policy: policy(weights: [plugin: 1]), current: current
        ).first
        return Dictionary(
            uniqueKeysWithValues: (decision?.candidates ?? []).map { ($0.cluster, $0.scores[plugin] ?? -1) })
    }

    @Test func reliabilityHalvesEveryThreeFailuresAndScalesByReadyNodes() {
        var steady = makeCluster("steady")
        steady.telemetry = ClusterTelemetry()
        steady.telemetry?.nodeReadyFraction = 1
        steady.telemetry?.failuresLast24Hours = 0
        var flaky = makeCluster("flaky")
        flaky.telemetry = ClusterTelemetry()
        flaky.telemetry?.nodeReadyFraction = 0.5
        flaky.telemetry?.failuresLast24Hours = 3
        let table = scores("reliability", clusters: [steady, flaky, makeCluster("unknown")])
        #expect(table["steady"] == 100)
        #expect(abs((table["flaky"] ?? 0) - 25) < 1e-9)
        #expect(table["unknown"] == 50)
    }

    @Test func migrationPrefersStayingAndCostsMoreForBiggerState() {
        let current = ["x": currentRecord("x", on: "a")]
        let small = scores(
            "migration", app: makeApp("x", memoryGi: 0), clusters: [makeCluster("a"), makeCluster("b")],
            current: current)
        let big = scores(
            "migration", app: makeApp("x", memoryGi: 4), clusters: [makeCluster("a"), makeCluster("b")],
            current: current)
        #expect(small["a"] == 100 && big["a"] == 100)
        #expect(small["b"] == 50)
        #expect(big["b"] == 25)
        let fresh = scores("migration", clusters: [makeCluster("a"), makeCluster("b")])
        #expect(fresh["a"] == 100 && fresh["b"] == 100)
    }

    @Test func balanceFollowsMeasuredLoadNotRequests() {
        var busy = makeCluster("busy", cpu: 10, memoryGi: 10)
        busy.telemetry = ClusterTelemetry()
        busy.telemetry?.cpuUsedCores = 8
        busy.telemetry?.sources = ["cpu": "prometheus"]
        var idle = makeCluster("idle", cpu: 10, memoryGi: 10)
        idle.telemetry = ClusterTelemetry()
        idle.telemetry?.cpuUsedCores = 1
        let decision = engine.decide(
            apps: [makeApp("x", cpu: 1, memoryGi: 1)], clusters: [busy, idle], policy: policy(weights: ["balance": 1])
        ).first
        #expect(decision?.cluster == "idle")
        #expect(decision?.candidates.map(\.scores["balance"]) == [100, 0])
        #expect(decision?.details["busy"]?["balance"] == "50% utilised after placement (measured use (prometheus))")
    }

    @Test func energyUsesTheMeasuredPriceWhenPresent() {
        var measured = makeCluster("measured", energy: 0.05)
        measured.telemetry = ClusterTelemetry()
        measured.telemetry?.energyCostPerCoreHour = 0.01
        measured.telemetry?.energyWatts = 420
        measured.telemetry?.sources = ["energy": "prometheus"]
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: [measured, makeCluster("static", energy: 0.03)],
            policy: policy(weights: ["energy": 1])
        ).first
        #expect(decision?.cluster == "measured")
        #expect(decision?.details["measured"]?["energy"] == "energy €0.01/core-hour (prometheus), drawing 420 W")
    }

    @Test func channelAffinityKeepsAPeerWithItsAnchorWithinTheBound() {
        // Both clusters meet the 20 ms bound; headroom alone would pick the bigger c2.
        let clusters = [
            makeCluster("c1", zone: "z1", cpu: 10, latency: ["z2": 10], labels: ["site": "one"]),
            makeCluster("c2", zone: "z2", cpu: 40, latency: ["z1": 10]),
        ]
        let channel = PeerChannel(
            app: "anchor", service: "api", maxDelayMilliseconds: 20, minBandwidthBitsPerSecond: nil)
        let apps = [makeApp("anchor", qos: .gold, selector: ["site": "one"]), makeApp("peer", peers: [channel])]
        let together = engine.decide(
            apps: apps, clusters: clusters, policy: policy(weights: ["headroom": 1, "channelAffinity": 3]))
        #expect(together[app: "peer"]?.cluster == "c1")
        #expect(together[app: "peer"]?.candidates.first { $0.cluster == "c2" }?.scores["channelAffinity"] == 50)
        #expect(together[app: "peer"]?.details["c1"]?["channelAffinity"] == "with anchor on the same cluster")
        let apart = engine.decide(apps: apps, clusters: clusters, policy: policy(weights: ["headroom": 1]))
        #expect(apart[app: "peer"]?.cluster == "c2")
    }

    @Test func inputsNameSourceAgeAndFallbacks() {
        var cluster = makeCluster("a")
        cluster.telemetry = ClusterTelemetry()
        cluster.telemetry?.sources = ["cpu": "hub"]
        cluster.telemetry?.ageSeconds = ["cpu": 412]
        cluster.telemetry?.fallbacks = ["cpu: prometheus stale (412 s), used hub"]
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: [cluster, makeCluster("b")], policy: policy(weights: ["headroom": 1])
        ).first
        #expect(decision?.inputs["a"]?.contains(DecisionInput(metric: "cpu", source: "hub", ageSeconds: 412)) == true)
        #expect(decision?.fallbacks["a"] == ["cpu: prometheus stale (412 s), used hub"])
        #expect(decision?.inputs["b"] == [DecisionInput(metric: "inventory", source: "inventory", ageSeconds: nil)])
        #expect(decision?.verdicts["a"]?.count == engine.filters.count)
    }
}

@Suite struct FormatTests {
    @Test func trimMatchesPrintfRounding() {
        var generator = SplitMix64(seed: 11)
        var values: [Double] = [0, -0.0, 0.5, 2.5, 3, 2.50, 0.125, 1.005, -0.001, -0.004, 1e12 + 0.5, 123.456, 0.045]
        for _ in 0..<2000 { values.append(Double.random(in: -5000...5000, using: &generator)) }
        for k in 0..<2000 { values.append(Double(k) / 1000) }
        for value in values {
            for digits in [1, 2, 3] {
                #expect(
                    Format.trim(value, digits: digits) == Format.slowTrim(value, digits: digits), "\(value) \(digits)")
            }
        }
        #expect(Format.trim(.infinity) == "∞")
        #expect(Format.trim(2.50) == "2.5")
        #expect(Format.trim(-0.001) == "0")
    }
}
