import AppModel
import Foundation
import PlacerCore
import Testing

@testable import PDLC

@Suite struct PlacementEngineTests {
    let engine = PlacementEngine.standard()

    // MARK: determinism

    /// Everything a decision shows: app, cluster, candidates with scores, explanations, refusals, reasons and the
    /// bytes of the record Placer would commit.
    struct Fingerprint: Equatable {
        var app: String
        var cluster: String?
        var candidates: [PlacementRecord.Candidate]
        var details: [String: [String: String]]
        var rejected: [PlacementRecord.Rejection]
        var reasons: [String]
        var record: PlacementRecord
        var rendered: String
    }

    static func fingerprint(_ decisions: [AppDecision]) throws -> [Fingerprint] {
        try decisions.map { decision in
            let record = decision.record(top: 3, pinned: false)
            return Fingerprint(
                app: decision.app.name, cluster: decision.cluster, candidates: decision.candidates,
                details: decision.details, rejected: decision.rejected, reasons: decision.reasons, record: record,
                rendered: try YAMLRenderer.render(record.toValue()))
        }
    }

    @Test func decidingTwiceGivesIdenticalDecisions() throws {
        let snapshot = try Fixtures.exampleSnapshot()
        let first = engine.decide(apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy)
        let second = engine.decide(apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy)
        #expect(try Self.fingerprint(first) == Self.fingerprint(second))
        #expect(first.map(\.app.name) == second.map(\.app.name))
    }

    @Test(arguments: [1, 2, 3, 42, 2024] as [UInt64])
    func shuffledInputsGiveIdenticalDecisions(seed: UInt64) throws {
        let snapshot = try Fixtures.exampleSnapshot()
        let reference = engine.decide(apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy)
        var generator = SplitMix64(seed: seed)
        let apps = snapshot.apps.shuffled(using: &generator)
        let clusters = snapshot.clusters.shuffled(using: &generator)
        let shuffled = engine.decide(apps: apps, clusters: clusters, policy: snapshot.policy)
        #expect(shuffled.map(\.app.name) == reference.map(\.app.name))
        #expect(try Self.fingerprint(shuffled) == Self.fingerprint(reference))
    }

    @Test func tiesAreBrokenByClusterName() {
        let clusters = [makeCluster("b"), makeCluster("c"), makeCluster("a")]
        let decision = engine.decide(apps: [makeApp("x")], clusters: clusters, policy: policy(weights: ["headroom": 1]))
            .first
        #expect(decision?.cluster == "a")
        #expect(decision?.candidates.map(\.cluster) == ["a", "b", "c"])
    }

    // MARK: capacity

    @Test func capacityIsConsumedAcrossApps() {
        // Each cluster has 9 usable cores (10 % reserve); each app needs 6. Cluster "cheap" wins on energy.
        let clusters = [makeCluster("cheap", energy: 0.01), makeCluster("dear", energy: 0.05)]
        let apps = [makeApp("one", cpu: 6), makeApp("two", cpu: 6)]
        let weights = policy(weights: ["energy": 1])
        for app in apps {
            let alone = engine.decide(apps: [app], clusters: clusters, policy: weights)
            #expect(alone.first?.cluster == "cheap", "\(app.name) alone")
        }
        let together = engine.decide(apps: apps, clusters: clusters, policy: weights)
        #expect(together[app: "one"]?.cluster == "cheap")
        #expect(together[app: "two"]?.cluster == "dear")
        #expect(together[app: "two"]?.rejections(of: "cheap") == ["Capacity: needs 6 cpu, 3 free"])
    }

    @Test func memoryCountsToo() {
        let clusters = [makeCluster("a", memoryGi: 10), makeCluster("b", memoryGi: 10)]
        let apps = [makeApp("one", memoryGi: 5), makeApp("two", memoryGi: 5)]
        let decisions = engine.decide(apps: apps, clusters: clusters, policy: policy(weights: ["qosFit": 1]))
        #expect(Set(decisions.compactMap(\.cluster)) == ["a", "b"])
    }

    @Test func fixedPlacementsHoldCapacity() {
        let clusters = [makeCluster("cheap", energy: 0.01), makeCluster("dear", energy: 0.05)]
        let held = FixedPlacement(app: "broken", cluster: "cheap", cpuCores: 6, memoryBytes: 0)
        let decision = engine.decide(
            apps: [makeApp("one", cpu: 6)], clusters: clusters, policy: policy(weights: ["energy": 1]), fixed: [held]
        ).first
        #expect(decision?.cluster == "dear")
    }

    @Test func higherQosClassIsPlacedFirst() {
        // Only one fits; the Gold app gets it even though its name sorts last.
        let clusters = [makeCluster("only")]
        let apps = [makeApp("a-besteffort", qos: .bestEffort, cpu: 6), makeApp("z-gold", qos: .gold, cpu: 6)]
        let decisions = engine.decide(apps: apps, clusters: clusters, policy: policy(weights: ["headroom": 1]))
        #expect(decisions[app: "z-gold"]?.cluster == "only")
        #expect(decisions[app: "a-besteffort"]?.cluster == nil)
        #expect(decisions[app: "a-besteffort"]?.reasons == ["no feasible cluster"])
    }

    // MARK: hysteresis and pins

    /// "a" scores 80.0 on headroom, "b" 80.9 for a 1-core app: within the default 5 points.
    static let closeClusters = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 11)]

    @Test func withoutACurrentPlacementTheBestClusterWins() {
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: Self.closeClusters, policy: policy(weights: ["headroom": 1])
        ).first
        #expect(decision?.cluster == "b")
        let gap = (decision?.candidates[0].total ?? 0) - (decision?.candidates[1].total ?? 0)
        #expect(gap > 0 && gap < 5)
    }

    @Test func smallGainKeepsTheCurrentCluster() {
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: Self.closeClusters,
            policy: policy(weights: ["headroom": 1], minScoreGain: 5),
            current: ["x": currentRecord("x", on: "a")]
        ).first
        #expect(decision?.cluster == "a")
        #expect(decision?.previousCluster == "a")
        #expect(decision?.moves == false)
        #expect(
            decision?.reasons.last?.hasPrefix("stays on a: b would gain only") == true, "\(decision?.reasons ?? [])")
    }

    @Test func zeroMinScoreGainMoves() {
        var moveAtOnce = policy(weights: ["headroom": 1], minScoreGain: 0)
        moveAtOnce.consecutiveEvaluations = 1
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: Self.closeClusters, policy: moveAtOnce,
            current: ["x": currentRecord("x", on: "a")]
        ).first
        #expect(decision?.cluster == "b")
        #expect(decision?.moves == true)
        // The cause of a move leads the reasons (it is the commit message's line for the app).
        #expect(decision?.reasons.first?.hasPrefix("moved from a: b scores ") == true, "\(decision?.reasons ?? [])")
    }

    @Test func largeGainMoves() {
        let clusters = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 40)]
        var moveAtOnce = policy(weights: ["headroom": 1], minScoreGain: 5)
        moveAtOnce.consecutiveEvaluations = 1
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: clusters, policy: moveAtOnce, current: ["x": currentRecord("x", on: "a")]
        ).first
        #expect(decision?.cluster == "b")
    }

    @Test func largeGainWithoutMemoryIsHeldForConsecutiveEvaluations() {
        // A stateless decision has seen the challenger once: 1 of the default 3 evaluations.
        let clusters = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 40)]
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: clusters, policy: policy(weights: ["headroom": 1], minScoreGain: 5),
            current: ["x": currentRecord("x", on: "a")]
        ).first
        #expect(decision?.cluster == "a")
        #expect(decision?.held == true)
        #expect(decision?.reasons.last?.hasSuffix("1/3 consecutive evaluations") == true, "\(decision?.reasons ?? [])")
    }

    @Test func infeasibleCurrentClusterIsLeft() {
        let clusters = [
            makeCluster("a", cpu: 10, labels: ["placer.dev/tier": "cloud"]),
            makeCluster("b", cpu: 11, labels: ["placer.dev/tier": "edge"]),
        ]
        let app = makeApp("x", selector: ["placer.dev/tier": "edge"])
        let decision = engine.decide(
            apps: [app], clusters: clusters, policy: policy(weights: ["headroom": 1]),
            current: ["x": currentRecord("x", on: "a")]
        ).first
        #expect(decision?.cluster == "b")
        #expect(
            decision?.reasons.first?.hasPrefix("moved from a: ClusterSelector:") == true, "\(decision?.reasons ?? [])")
    }

    @Test func pinnedRecordKeepsItsCluster() {
        let clusters = [makeCluster("a", cpu: 10), makeCluster("b", cpu: 40)]
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: clusters, policy: policy(weights: ["headroom": 1], minScoreGain: 0),
            current: ["x": currentRecord("x", on: "a", pinned: true)]
        ).first
        #expect(decision?.cluster == "a")
        #expect(decision?.reasons.first?.contains("pinned") == true)
        #expect(decision?.record(top: 3, pinned: true).pinned == true)
    }

    @Test func pinnedAppHoldsCapacityForLaterApps() {
        // "pinned" stays on the dearer cluster a; "later" takes b; "third" finds 3 free cores on each.
        let clusters = [makeCluster("a", cpu: 10, energy: 0.05), makeCluster("b", cpu: 10, energy: 0.01)]
        let apps = [
            makeApp("pinned", qos: .gold, cpu: 6), makeApp("later", cpu: 6), makeApp("third", qos: .bestEffort, cpu: 6),
        ]
        let decisions = engine.decide(
            apps: apps, clusters: clusters, policy: policy(weights: ["energy": 1]),
            current: ["pinned": currentRecord("pinned", on: "a", pinned: true)])
        #expect(decisions[app: "pinned"]?.cluster == "a")
        #expect(decisions[app: "later"]?.cluster == "b")
        #expect(decisions[app: "third"]?.cluster == nil)
        #expect(decisions[app: "third"]?.rejections(of: "a") == ["Capacity: needs 6 cpu, 3 free"])
    }

    // MARK: channel delay

    /// c1 (zone z1, site one) and c2 (zone z2, site two), 10 ms apart; c2 is bigger, so headroom prefers it.
    static let channelClusters = [
        makeCluster("c1", zone: "z1", cpu: 10, latency: ["z2": 10], labels: ["placer.dev/site": "one"]),
        makeCluster("c2", zone: "z2", cpu: 40, latency: ["z1": 10], labels: ["placer.dev/site": "two"]),
    ]

    func placeChannelPair(peerDeclares maxDelay: Double?, anchorDeclares anchorDelay: Double?) -> [AppDecision] {
        // "anchor" is Gold and pinned to site one by a selector; "peer" is Silver, placed after it.
        let anchorPeers =
            anchorDelay.map {
                [PeerChannel(app: "peer", service: "api", maxDelayMilliseconds: $0, minBandwidthBitsPerSecond: nil)]
            } ?? []
        let peerPeers =
            maxDelay.map {
                [PeerChannel(app: "anchor", service: "api", maxDelayMilliseconds: $0, minBandwidthBitsPerSecond: nil)]
            } ?? []
        let apps = [
            makeApp("anchor", qos: .gold, selector: ["placer.dev/site": "one"], peers: anchorPeers),
            makeApp("peer", qos: .silver, peers: peerPeers),
        ]
        return engine.decide(apps: apps, clusters: Self.channelClusters, policy: policy(weights: ["headroom": 1]))
    }

    @Test func withoutAChannelThePeerGoesToTheBiggerCluster() {
        let decisions = placeChannelPair(peerDeclares: nil, anchorDeclares: nil)
        #expect(decisions[app: "anchor"]?.cluster == "c1")
        #expect(decisions[app: "peer"]?.cluster == "c2")
    }

    @Test func channelDeclaredByTheLaterAppRefusesTheFarCluster() {
        let decisions = placeChannelPair(peerDeclares: 3, anchorDeclares: nil)
        #expect(decisions[app: "peer"]?.cluster == "c1")
        #expect(
            decisions[app: "peer"]?.rejections(of: "c2") == [
                "ChannelDelay: channel to anchor on c1: 10 ms exceeds maxDelay 3 ms"
            ])
    }

    @Test func channelDeclaredByTheEarlierAppRefusesTheFarCluster() {
        let decisions = placeChannelPair(peerDeclares: nil, anchorDeclares: 3)
        #expect(decisions[app: "peer"]?.cluster == "c1")
        #expect(
            decisions[app: "peer"]?.rejections(of: "c2") == [
                "ChannelDelay: channel to anchor on c1: 10 ms exceeds maxDelay 3 ms"
            ])
    }

    @Test func channelWithEnoughDelayAllowsTheFarCluster() {
        let decisions = placeChannelPair(peerDeclares: 20, anchorDeclares: 10)
        #expect(decisions[app: "peer"]?.cluster == "c2")
    }

    @Test func channelToAnAppOnAnUnknownRouteRefuses() {
        // c3 has no latency measured to z1: an unknown delay cannot satisfy a bound.
        var clusters = Self.channelClusters
        clusters.append(makeCluster("c3", zone: "z3", cpu: 80, labels: ["placer.dev/site": "three"]))
        let apps = [
            makeApp("anchor", qos: .gold, selector: ["placer.dev/site": "one"]),
            makeApp(
                "peer",
                peers: [
                    PeerChannel(app: "anchor", service: "api", maxDelayMilliseconds: 50, minBandwidthBitsPerSecond: nil)
                ]),
        ]
        let decisions = engine.decide(apps: apps, clusters: clusters, policy: policy(weights: ["headroom": 1]))
        #expect(decisions[app: "peer"]?.cluster == "c2")
        #expect(decisions[app: "peer"]?.rejections(of: "c3").first?.hasPrefix("ChannelDelay:") == true)
    }

    // MARK: availability

    @Test func unavailableClusterIsNeverChosen() throws {
        let snapshot = try Fixtures.exampleSnapshot()
        var clusters = snapshot.clusters
        let index = try #require(clusters.firstIndex { $0.name == "hall-1-edge" })
        clusters[index].available = false
        let current = ["agv-controller-hall-1": currentRecord("agv-controller-hall-1", on: "hall-1-edge")]
        let decisions = engine.decide(
            apps: snapshot.apps, clusters: clusters, policy: snapshot.policy, current: current)
        for decision in decisions {
            #expect(decision.cluster != "hall-1-edge", "\(decision.app.name)")
            #expect(decision.rejections(of: "hall-1-edge").contains("Availability: cluster is not available"))
        }
        let agv = try #require(decisions[app: "agv-controller-hall-1"])
        #expect(agv.cluster != nil)
        #expect(agv.moves)
    }

    @Test func noAvailableClusterLeavesTheAppUnplaced() {
        let decision = engine.decide(
            apps: [makeApp("x")], clusters: [makeCluster("a", available: false)],
            policy: policy(weights: ["headroom": 1])
        ).first
        #expect(decision?.cluster == nil)
        #expect(decision?.candidates.isEmpty == true)
        #expect(decision?.rejections(of: "a") == ["Availability: cluster is not available"])
    }

    // MARK: scores

    @Test func totalsAreWeightedMeansOfScoresInRange() throws {
        let snapshot = try Fixtures.exampleSnapshot()
        let decisions = engine.decide(apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy)
        for decision in decisions {
            let weights = snapshot.policy.weights(for: decision.app)
            let weightSum = weights.values.reduce(0, +)
            for candidate in decision.candidates {
                // Within 0…100 up to float rounding (the exact bound is checked below).
                #expect(candidate.scores.values.allSatisfy { $0 >= 0 && $0 <= 100 + 1e-9 }, "\(candidate)")
                #expect(Set(candidate.scores.keys) == Set(PluginRegistry.defaultScoreOrder))
                let expected = candidate.scores.reduce(0) { $0 + weights[$1.key, default: 0] * $1.value } / weightSum
                #expect(abs(candidate.total - expected) < 1e-9)
                #expect(decision.details[candidate.cluster]?.count == PluginRegistry.defaultScoreOrder.count)
            }
        }
    }

    /// Energy prices scored by the plugin and normalised over the clusters given, by cluster name.
    static func normalisedEnergy(_ prices: [(String, Double)]) -> [String: Double] {
        let plugin = EnergyScore()
        let state = CycleState(clusters: prices.map { makeCluster($0.0, energy: $0.1) }, policy: PlacementPolicy())
        let app = state.prepare(makeApp("x"))
        var sink = ScoreSink(explains: false)
        plugin.score(app, clusters: Array(state.clusterList.indices), state: state, into: &sink)
        var values = sink.values
        plugin.normalize(&values)
        return Dictionary(uniqueKeysWithValues: zip(state.clusterList.map(\.name), values))
    }

    @Test
    func energyScoreNeverExceeds100() {
        let table = Self.normalisedEnergy([("cloud", 0.018), ("dc", 0.03), ("edge", 0.045)])
        #expect(table["cloud"] == 100)
        #expect(table["edge"] == 0)
        #expect(table.values.allSatisfy { (0...100).contains($0) }, "\(table)")
    }

    @Test func energyScoreIsMinMaxNormalised() {
        let table = Self.normalisedEnergy([("cheap", 0.01), ("mid", 0.03), ("dear", 0.05)])
        #expect(abs((table["cheap"] ?? 0) - 100) < 1e-9)
        #expect(abs((table["mid"] ?? 0) - 50) < 1e-9)
        #expect(table["dear"] == 0)
        let single = Self.normalisedEnergy([("only", 0.2)])
        #expect(single["only"] == 100)
    }

    @Test func registryKnowsEveryDefaultPluginAndReportsUnknownOnes() {
        let plugins = PluginRegistry.standard.instantiate(
            filters: PluginRegistry.defaultFilterOrder + ["Nope"], scores: PluginRegistry.defaultScoreOrder + ["nada"])
        #expect(plugins.filters.map(\.name) == PluginRegistry.defaultFilterOrder)
        #expect(plugins.scores.map(\.name) == PluginRegistry.defaultScoreOrder)
        #expect(plugins.unknown == ["Nope", "nada"])
    }
}
