import AppModel
import Foundation
import OCMClient
import PlacerFakes
import Testing

@testable import Agent

/// Round messages through the hub as owner-labelled ConfigMaps in the cluster namespace, and the score object.
@Suite("Round transport and score publishing on a fake hub")
struct TransportTests {
    static let privacy = PrivacyStatus(
        epsilonSpent: 1.25, delta: 1e-5, rounds: 3, epsilonBudget: 4, stopped: false, model: "ridge")

    @Test("coordinator and agent messages round-trip through ConfigMaps, each in the cluster namespace, owned")
    func messagesRoundTrip() async throws {
        let hub = FakeHub()
        let coordinator = RoundTransport(hub: hub, owner: "app-repo-main-1234")
        let agent = RoundTransport(hub: hub, owner: "agent-hall-1")
        let deadline = Date(timeIntervalSince1970: 1_800_000_000)
        let message = CoordinatorMessage(
            round: 3, phase: .maskedInput, globalParameters: [0.5, -0.25], payload: Data([1, 2, 3]),
            privacy: Self.privacy, deadline: deadline)
        try await coordinator.send(message, to: "hall-1")
        #expect(try await agent.coordinatorMessage(namespace: "hall-1") == message)
        #expect(try await agent.coordinatorMessage(namespace: "hall-2") == nil)
        let answer = AgentMessage(cluster: "hall-1", round: 3, phase: .maskedInput, payload: Data([9, 9]))
        try await agent.send(answer, namespace: "hall-1")
        #expect(try await coordinator.agentMessage(namespace: "hall-1") == answer)

        let maps = await hub.objects(RoundTransport.configMap, namespace: "hall-1")
        #expect(maps.count == 2)
        let owners = Set(maps.compactMap { $0[path: "metadata"]?["labels"]?[Labels.owner]?.stringValue })
        #expect(owners == ["app-repo-main-1234", "agent-hall-1"])
        #expect(maps.allSatisfy { $0[path: "metadata"]?["labels"]?[Labels.managedBy]?.stringValue == "placer" })
    }

    @Test("the published AddOnPlacementScore holds headroom scores, validUntil, the model and ε as annotations")
    func scoreObject() async throws {
        let hub = FakeHub()
        let publisher = ScorePublisher(hub: hub, namespace: "hall-1", owner: "agent-hall-1")
        let report = ScoreReport(
            cpu: .init(value: 0.5, lower: 0.4, upper: 0.6), cpuScore: ForecastScore.value(upper: 0.6, capacity: 1),
            memory: nil, memoryScore: nil, model: "ridge", recentCPUError: 0.031, privacy: Self.privacy,
            horizonSeconds: 900)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await publisher.publish(report, now: now, validUntil: now.addingTimeInterval(90))
        let stored = try #require(
            try await hub.get(.addOnPlacementScore, namespace: "hall-1", name: ForecastScore.objectName))
        let object = try AddOnPlacementScoreObject.decode(stored)
        #expect(object[score: "cpuHeadroom"] == -20)  // headroom 0.4 → 200·0.4 − 100
        #expect(object.status.validUntil == now.addingTimeInterval(90))
        #expect(object.metadata.annotations?[ScorePublisher.Annotation.epsilon] == "1.25")
        #expect(object.metadata.annotations?[ScorePublisher.Annotation.rounds] == "3")
        #expect(object.metadata.annotations?[ScorePublisher.Annotation.model] == "ridge")
        #expect(object.metadata.labels?[Labels.owner] == "agent-hall-1")
    }

    @Test("a ConfigMap or score of the same name written by another owner is refused, not overwritten")
    func anotherOwnersObjectIsLeftAlone() async throws {
        let hub = FakeHub()
        let other = RoundTransport(hub: hub, owner: "other-placer")
        let ours = RoundTransport(hub: hub, owner: "app-repo-main-1234")
        let theirs = CoordinatorMessage(
            round: 1, phase: .maskedInput, globalParameters: [1], payload: Data([7]), privacy: Self.privacy,
            deadline: Date(timeIntervalSince1970: 1_800_000_000))
        try await other.send(theirs, to: "hall-1")
        var mine = theirs
        mine.round = 2
        await #expect(throws: NotOursError.self) { try await ours.send(mine, to: "hall-1") }
        #expect(try await ours.coordinatorMessage(namespace: "hall-1") == theirs)
        try await ours.send(mine, to: "hall-2")  // absent: written
        #expect(try await ours.coordinatorMessage(namespace: "hall-2") == mine)

        let report = ScoreReport(
            cpu: .init(value: 0.5, lower: 0.4, upper: 0.6), cpuScore: 0, memory: nil, memoryScore: nil,
            model: "ridge", recentCPUError: nil, privacy: nil, horizonSeconds: 900)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let stranger = ScorePublisher(hub: hub, namespace: "hall-1", owner: "agent-elsewhere")
        try await stranger.publish(report, now: now, validUntil: now.addingTimeInterval(90))
        let publisher = ScorePublisher(hub: hub, namespace: "hall-1", owner: "agent-hall-1")
        await #expect(throws: NotOursError.self) {
            try await publisher.publish(report, now: now, validUntil: now.addingTimeInterval(90))
        }
        let stored = try #require(
            try await hub.get(.addOnPlacementScore, namespace: "hall-1", name: ForecastScore.objectName))
        #expect(try AddOnPlacementScoreObject.decode(stored).metadata.labels?[Labels.owner] == "agent-elsewhere")
    }

    @Test("headroom scores span −100…100 and clamp outside capacity")
    func scoreRange() {
        #expect(ForecastScore.value(upper: 0, capacity: 8) == 100)
        #expect(ForecastScore.value(upper: 8, capacity: 8) == -100)
        #expect(ForecastScore.value(upper: 12, capacity: 8) == -100)
        #expect(ForecastScore.value(upper: 2, capacity: 8) == 50)
        #expect(ForecastScore.value(upper: 2, capacity: 0) == nil)
    }

    @Test("the exposition parser sums busy cpu seconds, counts cpus and sums memory over nodes")
    func exposition() {
        let text = """
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{instance="a",cpu="0",mode="user"} 10
            node_cpu_seconds_total{instance="a",cpu="0",mode="idle"} 90
            node_cpu_seconds_total{instance="a",cpu="1",mode="user"} 30
            node_cpu_seconds_total{instance="a",cpu="1",mode="idle"} 70
            node_memory_MemTotal_bytes{instance="a"} 1000
            node_memory_MemAvailable_bytes{instance="a"} 400
            node_memory_MemTotal_bytes{instance="b"} 1000
            node_memory_MemAvailable_bytes{instance="b"} 600
            """
        let sample = ScrapeMetricsSource.parse(text)
        #expect(sample == .init(busyCPUSeconds: 40, cpus: 2, memoryTotal: 2000, memoryAvailable: 1000))
    }
}
