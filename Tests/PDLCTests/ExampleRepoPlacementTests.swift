import AppModel
import Foundation
import Testing

@testable import PDLC

/// The engine over the example factory (example-repo): the decisions the demo relies on.
@Suite struct ExampleRepoPlacementTests {
    static func decide() throws -> [AppDecision] {
        let snapshot = try Fixtures.exampleSnapshot()
        return PlacementEngine.standard().decide(
            apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy)
    }

    @Test func everyAppIsPlacedInPriorityOrder() throws {
        let decisions = try Self.decide()
        #expect(
            decisions.map(\.app.name) == [
                "agv-controller-hall-1", "agv-controller-hall-2", "agv-controller-hall-3", "vision-inference",
                "fleet-manager", "mqtt-broker", "quality-dashboard", "batch-analytics", "digital-twin",
            ])
        for decision in decisions {
            #expect(decision.cluster != nil, "\(decision.app.name) unplaced: \(decision.reasons) \(decision.rejected)")
            #expect(!decision.reasons.isEmpty)
            #expect(decision.previousCluster == nil)
            #expect(!decision.moves)
        }
    }

    @Test(arguments: 1...3)
    func agvControllerLandsOnItsHallEdge(hall: Int) throws {
        let decisions = try Self.decide()
        let decision = try #require(decisions[app: "agv-controller-hall-\(hall)"])
        #expect(decision.cluster == "hall-\(hall)-edge", "\(decision.candidates) \(decision.rejected)")
        #expect(decision.candidates.first?.cluster == "hall-\(hall)-edge")
    }

    @Test func visionInferenceIsRefusedByCapacityOnEveryHallEdge() throws {
        let decisions = try Self.decide()
        let decision = try #require(decisions[app: "vision-inference"])
        #expect(decision.cluster == "factory-dc")
        for hall in 1...3 {
            let reasons = decision.rejections(of: "hall-\(hall)-edge")
            // 8 cores × 90 % usable = 7.2, minus the AGV controller's 1 core.
            #expect(reasons.contains("Capacity: needs 6.5 cpu, 6.2 free"), "hall-\(hall)-edge: \(reasons)")
        }
        #expect(decision.rejections(of: "factory-dc").isEmpty)
    }

    @Test func visionInferenceWouldFitAnEmptyHallEdge() throws {
        // Control for the capacity test: without the AGV controllers, 6.5 cores fit in 7.2.
        let snapshot = try Fixtures.exampleSnapshot()
        let vision = snapshot.apps.filter { $0.name == "vision-inference" }
        let decision = try #require(
            PlacementEngine.standard().decide(apps: vision, clusters: snapshot.clusters, policy: snapshot.policy).first)
        #expect(decision.rejections(of: "hall-2-edge").isEmpty, "\(decision.rejected)")
    }

    @Test func batchAnalyticsIsRefusedByEnergyLimitAndLandsInTheCloud() throws {
        let decisions = try Self.decide()
        let decision = try #require(decisions[app: "batch-analytics"])
        #expect(decision.cluster == "regional-cloud")
        for cluster in ["hall-1-edge", "hall-2-edge", "hall-3-edge", "factory-dc"] {
            let reasons = decision.rejections(of: cluster)
            #expect(
                reasons.contains { $0.hasPrefix("EnergyLimit: ") && $0.contains("limit 20%") }, "\(cluster): \(reasons)"
            )
        }
        #expect(
            decision.rejections(of: "factory-dc") == ["EnergyLimit: would use 25% of the cluster's energy, limit 20%"])
        #expect(decision.rejections(of: "regional-cloud").isEmpty)
    }

    @Test func regionalCloudIsRefusedForGoldAppsByLatencyBudget() throws {
        let decisions = try Self.decide()
        let gold = decisions.filter { $0.app.qosClass == .gold }
        #expect(gold.count == 4)
        for decision in gold {
            let reasons = decision.rejections(of: "regional-cloud")
            #expect(reasons.contains { $0.hasPrefix("LatencyBudget: ") }, "\(decision.app.name): \(reasons)")
            #expect(decision.cluster != "regional-cloud")
        }
    }

    @Test func mqttBrokerIsBoundByVisionInferencesChannel() throws {
        // vision-inference (placed first) declares a 5 ms channel to mqtt-broker: the cloud is 15 ms from its DC.
        let decisions = try Self.decide()
        let decision = try #require(decisions[app: "mqtt-broker"])
        let reasons = decision.rejections(of: "regional-cloud")
        #expect(reasons.contains { $0.hasPrefix("ChannelDelay: ") && $0.contains("vision-inference") }, "\(reasons)")
    }

    @Test func capacityIsNeverOverbooked() throws {
        let snapshot = try Fixtures.exampleSnapshot()
        let decisions = try Self.decide()
        for cluster in snapshot.clusters {
            let placed = decisions.filter { $0.cluster == cluster.name }
            let cpu = placed.reduce(0) { $0 + $1.app.cpuCores }
            let memory = placed.reduce(0) { $0 + $1.app.memoryBytes }
            #expect(cpu <= cluster.cpuCores * 0.9 + 1e-9, "\(cluster.name): \(cpu) cores")
            #expect(memory <= cluster.memoryBytes * 0.9 + 1, "\(cluster.name): \(memory) bytes")
        }
    }

    @Test func recordsListTopCandidatesBestFirst() throws {
        let decisions = try Self.decide()
        for decision in decisions {
            let record = decision.record(top: 3, pinned: false)
            #expect(record.candidates.count <= 3)
            #expect(record.candidates.map(\.total) == record.candidates.map(\.total).sorted(by: >))
            #expect(record.cluster == decision.cluster)
            #expect(record.decisionID.count == 16)
            #expect(Set(record.rejected.map(\.cluster)).isDisjoint(with: decision.candidates.map(\.cluster)))
        }
    }
}
