import AppModel
import Foundation
import OCMClient
import Testing

@testable import PDLC
@testable import Reconciler

/// Where a learned forecast's privacy shows: the `Placer-Privacy:` trailer of a move it weighed in, and the
/// console's agent lines, both read from the agents' AddOnPlacementScores on the hub.
@Suite struct LearnedForecastTrailerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func score(cluster: String, validFor seconds: Double, epsilon: String?) throws -> AddOnPlacementScoreObject {
        var annotations = [
            "placer.dev/forecast-model": "ridge", "placer.dev/forecast": "cpu=0.354[0.3,0.4]",
            "placer.dev/forecast-recent-error": "cpu=0.01",
        ]
        if let epsilon {
            annotations["placer.dev/privacy-epsilon"] = epsilon
            annotations["placer.dev/privacy-delta"] = "1e-05"
            annotations["placer.dev/privacy-rounds"] = "3"
        }
        let validUntil = ISO8601DateFormatter().string(from: now.addingTimeInterval(seconds))
        let object: [String: Any] = [
            "apiVersion": "cluster.open-cluster-management.io/v1alpha1", "kind": "AddOnPlacementScore",
            "metadata": ["name": "placer-forecast", "namespace": cluster, "annotations": annotations],
            "status": ["scores": [["name": "cpuHeadroom", "value": 29]], "validUntil": validUntil],
        ]
        return try JSONDecoder().decode(
            AddOnPlacementScoreObject.self, from: JSONSerialization.data(withJSONObject: object))
    }

    static func move(_ app: String, from: String, to: String) -> AppDecision {
        AppDecision(
            app: Application(
                name: app, appName: app, sourceFile: "apps/\(app)/app.yaml", qosClass: .silver, cpuCores: 1,
                memoryBytes: 1_073_741_824, latencyBudgetMilliseconds: nil, userZones: [], energyLimitPercent: nil,
                clusterSelector: [:], peerChannels: [], manifests: [], sourceDigest: "d-\(app)"),
            cluster: to, previousCluster: from, candidates: [], details: [:], rejected: [], reasons: [],
            policyDigest: "p")
    }

    @Test func onlyValidScoresWithPrivacyAnnotationsCount() throws {
        let scores = [
            try Self.score(cluster: "hall-a", validFor: 60, epsilon: "1.48"),
            try Self.score(cluster: "hall-b", validFor: -1, epsilon: "9.9"),  // expired: its forecast is not in force
            try Self.score(cluster: "hall-c", validFor: 60, epsilon: nil),  // an agent that has not joined a round
        ]
        let learned = CommitMessage.learnedForecasts(scores, now: Self.now)
        #expect(learned == ["hall-a": "epsilon=1.48 delta=1e-05 rounds=3 model=ridge"])
        let notes = CommitMessage.agentNotes(scores, now: Self.now)
        #expect(notes.keys.sorted() == ["hall-a", "hall-c"])
        #expect(notes["hall-a"]?.last == "ε spent 1.48 at δ 1e-05 over 3 federated rounds")
        #expect(notes["hall-c"]?.first == "model ridge (AddOnPlacementScore placer-forecast)")
    }

    @Test func theTrailerNamesThePrivacyOnlyForAMoveTheScoreWeighedIn() throws {
        let learned = ["hall-a": "epsilon=1.48 delta=1e-05 rounds=3 model=ridge"]
        let weighs = PlacementPolicy(
            weights: [.gold: ["addOnScore": 1], .silver: ["addOnScore": 1], .bestEffort: ["addOnScore": 1]],
            reservePercent: 0, minScoreGain: 0)
        let ignores = PlacementPolicy(
            weights: [.gold: ["headroom": 1], .silver: ["headroom": 1], .bestEffort: ["headroom": 1]],
            reservePercent: 0, minScoreGain: 0)
        let toLearned = Self.move("camera", from: "hall-b", to: "hall-a")
        let elsewhere = Self.move("camera", from: "hall-b", to: "hall-d")
        #expect(
            CommitMessage.privacyTrailer(changed: [toLearned], learned: learned, policy: weighs)
                == "epsilon=1.48 delta=1e-05 rounds=3 model=ridge")
        #expect(CommitMessage.privacyTrailer(changed: [toLearned], learned: learned, policy: ignores) == nil)
        #expect(CommitMessage.privacyTrailer(changed: [elsewhere], learned: learned, policy: weighs) == nil)
        var stays = toLearned
        stays.previousCluster = "hall-a"
        #expect(CommitMessage.privacyTrailer(changed: [stays], learned: learned, policy: weighs) == nil)
    }
}
