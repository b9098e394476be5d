import AppModel
import Testing

@testable import PDLC

@Suite struct FilterPluginTests {
    let engine = PlacementEngine.standard()

    static func tainted(_ name: String, _ effect: String) -> ClusterSpec {
        var cluster = makeCluster(name)
        cluster.taints = [ClusterTaint(key: "maintenance", effect: effect)]
        return cluster
    }

    // MARK: taints

    @Test func noSelectTaintIsNeverSelectedAndNoSelectIfNewOnlyKeepsRunningApps() {
        let clusters = [
            Self.tainted("a", "NoSelect"), Self.tainted("b", "NoSelectIfNew"), Self.tainted("c", "PreferNoSelect"),
            makeCluster("d"),
        ]
        let fresh = engine.decide(
            apps: [makeApp("x")], clusters: clusters, policy: policy(weights: ["taintToleration": 1]))
        #expect(fresh.first?.rejections(of: "a") == ["Taints: taint maintenance:NoSelect not tolerated"])
        #expect(
            fresh.first?.rejections(of: "b") == [
                "Taints: taint maintenance:NoSelectIfNew admits only apps already running here"
            ])
        // PreferNoSelect only lowers the score: c is feasible but d wins.
        #expect(fresh.first?.candidates.map(\.cluster) == ["d", "c"])
        #expect(fresh.first?.candidates.last?.scores["taintToleration"] == 0)
        #expect(fresh.first?.cluster == "d")

        let running = engine.decide(
            apps: [makeApp("x")], clusters: clusters, policy: policy(weights: ["taintToleration": 1]),
            current: ["x": currentRecord("x", on: "b")])
        #expect(running.first?.rejections(of: "b") == [])
        #expect(running.first?.cluster == "b")
    }

    // MARK: bandwidth

    @Test func measuredBandwidthBelowTheAppsNeedRefuses() {
        var app = makeApp("x", zones: ["z"])
        app.bandwidthMegabitsPerSecond = 50
        var slow = makeCluster("a", latency: ["z": 5])
        slow.telemetry = ClusterTelemetry()
        slow.telemetry?.bandwidthMegabitsPerSecond = ["z": 20]
        var fast = makeCluster("b", latency: ["z": 5])
        fast.telemetry = ClusterTelemetry()
        fast.telemetry?.bandwidthMegabitsPerSecond = ["z": 100]
        let unmeasured = makeCluster("c", latency: ["z": 5])
        let decision = engine.decide(
            apps: [app], clusters: [slow, fast, unmeasured], policy: policy(weights: ["headroom": 1])
        ).first
        #expect(decision?.rejections(of: "a") == ["Bandwidth: bandwidth 20 Mbit/s to z below needed 50 Mbit/s"])
        #expect(decision?.candidates.map(\.cluster).sorted() == ["b", "c"])
    }

    @Test func channelMinBandwidthRefusesAThinLinkToThePeer() {
        var far = makeCluster("c2", zone: "z2", cpu: 40, latency: ["z1": 5])
        far.telemetry = ClusterTelemetry()
        far.telemetry?.bandwidthMegabitsPerSecond = ["z1": 50]
        let clusters = [makeCluster("c1", zone: "z1", cpu: 10, latency: ["z2": 5], labels: ["site": "one"]), far]
        let channel = PeerChannel(
            app: "anchor", service: "api", maxDelayMilliseconds: nil, minBandwidthBitsPerSecond: 100_000_000)
        let apps = [makeApp("anchor", qos: .gold, selector: ["site": "one"]), makeApp("peer", peers: [channel])]
        let decisions = engine.decide(apps: apps, clusters: clusters, policy: policy(weights: ["headroom": 1]))
        #expect(decisions[app: "peer"]?.cluster == "c1")
        #expect(
            decisions[app: "peer"]?.rejections(of: "c2") == [
                "Bandwidth: channel to anchor: bandwidth 50 Mbit/s below minBandwidth 100 Mbit/s"
            ])
    }

    // MARK: forecast headroom

    @Test func holtFollowsALinearSeriesExactly() {
        let holt = HoltForecaster(alpha: 0.5, beta: 0.3)
        #expect(holt.forecast([1, 2, 3, 4, 5], steps: 2) == 7)
        #expect(holt.forecast([6, 6, 6, 6], steps: 10) == 6)
        #expect(holt.forecast([3], steps: 10) == 3)
        #expect(holt.forecast([], steps: 1) == nil)
    }

    static func loaded(_ name: String, history: [Double]) -> ClusterSpec {
        var cluster = makeCluster(name, cpu: 10)
        cluster.telemetry = ClusterTelemetry()
        cluster.telemetry?.cpuUsedHistory = history
        cluster.telemetry?.stepSeconds = 60
        return cluster
    }

    @Test func aHistoryShorterThanTheHorizonMakesNoForecast() {
        // Four minutes of a fresh exporter ramping up say nothing about the next ten.
        let young = Self.loaded("young", history: [0, 2, 4, 6, 8])
        #expect(young.telemetry?.forecastCPUCores() == nil)
        #expect(Self.loaded("old", history: Array(repeating: 6, count: 11)).telemetry?.forecastCPUCores() == 6)
    }

    @Test func risingLoadIsRefusedWhereAFlatOneAtTheSameLevelIsNot() {
        // Both use 6 of 9 usable cores now; the rising one is forecast past 9 cores in 600 s (10 steps). Both
        // histories span the horizon (11 samples a minute apart): a shorter one makes no forecast.
        let rising = Self.loaded("rising", history: [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6])
        let flat = Self.loaded("flat", history: Array(repeating: 6, count: 11))
        let decision = engine.decide(
            apps: [makeApp("x", cpu: 1)], clusters: [rising, flat], policy: policy(weights: ["headroom": 1])
        ).first
        #expect(decision?.cluster == "flat")
        #expect(
            decision?.rejections(of: "rising").first?.hasPrefix(
                "ForecastHeadroom: forecast cpu 11 cores in 600 s (Holt)") == true,
            "\(decision?.rejections(of: "rising") ?? [])")
        #expect(decision?.details["flat"]?["headroom"]?.contains("live use + Holt forecast") == true)
        // The flat cluster's headroom counts the forecast 6 cores, not only this cycle's requests.
        #expect(abs((decision?.candidates.first?.scores["headroom"] ?? 0) - 20) < 1e-9)
    }

    @Test func theClusterAnAppRunsOnPassesItsOwnForecast() {
        let rising = Self.loaded("rising", history: [2, 3, 4, 5, 6])
        let decision = engine.decide(
            apps: [makeApp("x", cpu: 1)], clusters: [rising], policy: policy(weights: ["headroom": 1]),
            current: ["x": currentRecord("x", on: "rising")]
        ).first
        #expect(decision?.cluster == "rising")
        #expect(decision?.moves == false)
    }

    // MARK: latency

    @Test func measuredLatencyOverridesTheInventory() {
        var cluster = makeCluster("a", latency: ["z": 5])
        cluster.telemetry = ClusterTelemetry()
        cluster.telemetry?.latencyMilliseconds = ["z": 50]
        let decision = engine.decide(
            apps: [makeApp("x", budget: 20, zones: ["z"])], clusters: [cluster],
            policy: policy(weights: ["headroom": 1])
        ).first
        #expect(decision?.cluster == nil)
        #expect(decision?.rejections(of: "a") == ["LatencyBudget: latency 50 ms (measured) to z exceeds budget 20 ms"])
    }

    // MARK: the hot path and the explaining path run the same code and agree

    @Test(arguments: [1, 2, 3] as [UInt64])
    func fastAndExplainedPathsAgree(seed: UInt64) {
        let fleet = SyntheticFleet.generate(apps: 60, clusters: 30, seed: seed)
        var state = engine.cycleState(clusters: fleet.clusters, policy: PlacementPolicy(), apps: fleet.apps)
        for (k, app) in fleet.apps.enumerated() {
            let prepared = state.prepare(app)
            for filter in engine.filters {
                var batch = FilterVerdicts(plugin: filter.name, explains: false)
                filter.filter(prepared, candidates: Array(state.clusterList.indices), state: state, verdicts: &batch)
                #expect(batch.rejections.isEmpty, "the hot path builds no reason")
                for c in state.clusterList.indices {
                    let fast = filter.admits(prepared, at: c, state: state)
                    let slow = filter.status(prepared, at: c, state: state)
                    #expect(fast == (slow.code == .feasible), "\(filter.name) \(app.name) \(state.clusterList[c].name)")
                    #expect(
                        batch.refusedClusters.contains(c) == !fast,
                        "\(filter.name) batch \(app.name) \(state.clusterList[c].name)")
                    #expect(slow.rejections.allSatisfy { $0.plugin == filter.name && !$0.text.isEmpty })
                }
            }
            for plugin in engine.scores {
                var batch = ScoreSink(explains: false)
                plugin.score(prepared, clusters: Array(state.clusterList.indices), state: state, into: &batch)
                #expect(batch.values.count == state.clusterList.count && batch.details.isEmpty)
                for c in state.clusterList.indices {
                    let slow = plugin.explainedScore(prepared, at: c, state: state)
                    #expect(
                        abs(batch.values[c] - slow.value) < 1e-12,
                        "\(plugin.name) \(app.name) \(state.clusterList[c].name)")
                    #expect(!slow.detail.isEmpty)
                    // Plugins that do not normalise score in 0…100 themselves.
                    if !(plugin is any NormalizeScorePlugin) { #expect((0...100).contains(batch.values[c])) }
                }
            }
            // Fill the fleet as we go so capacity and channel filters see placed peers.
            let c = k % state.clusterList.count
            state.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, at: c)
            state.record(app, on: state.clusterList[c].name)
        }
    }
}
