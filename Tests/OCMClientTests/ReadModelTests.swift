import AppModel
import Foundation
import OCMClient
import Testing

/// The typed read models and timestamps, on OCM's documented objects.
@Suite struct ReadModelTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/reference/ocm/examples")

    /// An example YAML file as JSON.
    static func example(_ name: String) throws -> Data {
        let data = try Data(contentsOf: examples.appendingPathComponent(name))
        let document = try #require(try YAMLLoader.load(data, file: name).first)
        return document.value.canonicalJSONData()
    }

    @Test func theDocumentedAddOnPlacementScoreDecodes() throws {
        let score = try AddOnPlacementScoreObject.decode(
            try Self.example("docs_extend-multicluster-scheduling-capabilities_L15_addonplacementscore_default.yaml"))
        #expect(score.clusterName == "cluster1")
        #expect(score.status.scores.map(\.name) == ["cpuAvailable", "memAvailable"])
        #expect(score[score: "memAvailable"] == 55)
        #expect(score[score: "gpuAvailable"] == nil)
        let until = try #require(score.status.validUntil)
        #expect(MicroTime.format(until) == "2021-10-29T18:31:39.000000Z")
        #expect(score.isValid(at: until.addingTimeInterval(-60)))
        #expect(!score.isValid(at: until.addingTimeInterval(60)))
        #expect(score.status.conditions[type: "AddOnPlacementScoreUpdated"]?.isTrue == true)
    }

    @Test func scoresWithoutValidUntilNeverExpireAndABadDateIsAnError() throws {
        let forever = try AddOnPlacementScoreObject.decode(
            Data(
                #"{"metadata":{"name":"s","namespace":"edge-1"},"status":{"scores":[{"name":"a","value":-100}]}}"#.utf8)
        )
        #expect(forever.isValid(at: .distantFuture))
        #expect(forever[score: "a"] == -100)
        #expect(throws: DecodingError.self) {
            _ = try AddOnPlacementScoreObject.decode(
                Data(#"{"metadata":{"name":"s"},"status":{"validUntil":"tomorrow"}}"#.utf8))
        }
        let empty = try AddOnPlacementScoreObject.decode(Data(#"{"metadata":{"name":"s"}}"#.utf8))
        #expect(empty.status.scores.isEmpty)
    }

    @Test func placementDecisionsJoinAcrossObjects() throws {
        let first = try PlacementDecisionObject.decode(
            Data(
                #"""
                {"metadata":{"name":"web-decision-1","namespace":"placer","labels":{"cluster.open-cluster-management.io/placement":"web","cluster.open-cluster-management.io/decision-group-index":"0"}},
                 "status":{"decisions":[{"clusterName":"edge-3","reason":""},{"clusterName":"","reason":""},{"clusterName":"edge-1","reason":"","score":87}]}}
                """#.utf8))
        let second = try PlacementDecisionObject.decode(
            Data(
                #"{"metadata":{"name":"web-decision-2"},"status":{"decisions":[{"clusterName":"edge-1","reason":""},{"clusterName":"edge-2","reason":""}]}}"#
                    .utf8))
        #expect(first.placementName == "web")
        #expect(first.clusterNames == ["edge-3", "edge-1"])
        #expect(first.decisions.last?.score == 87)
        #expect(second.placementName == nil)
        #expect(PlacementDecisionObject.clusterNames(of: [first, second]) == ["edge-1", "edge-2", "edge-3"])
        let noStatus = try PlacementDecisionObject.decode(Data(#"{"metadata":{"name":"x"}}"#.utf8))
        #expect(noStatus.decisions.isEmpty)
    }

    @Test func leasesDecodeWithMicroTimes() throws {
        let lease = try LeaseObject.decode(
            Data(
                #"{"metadata":{"name":"l","namespace":"n","resourceVersion":"4"},"spec":{"holderIdentity":"a","leaseDurationSeconds":15,"acquireTime":"2026-11-30T10:00:00.000000Z","renewTime":"2026-11-30T10:00:07.250000Z","leaseTransitions":3}}"#
                    .utf8))
        #expect(lease.spec.holderIdentity == "a")
        #expect(lease.spec.leaseTransitions == 3)
        let acquired = try #require(lease.spec.acquireDate)
        let renewed = try #require(lease.spec.renewDate)
        #expect(abs(renewed.timeIntervalSince(acquired) - 7.25) < 0.000_001)
        let free = try LeaseObject.decode(Data(#"{"metadata":{"name":"l"}}"#.utf8))
        #expect(free.spec == LeaseObject.Spec())
    }

    @Test func microTimesRoundTripAndRFC3339VariantsParse() throws {
        let date = Date(timeIntervalSince1970: 1_796_032_800.123456)
        let text = MicroTime.format(date)
        #expect(text == "2026-11-30T10:00:00.123456Z")
        let back = try #require(MicroTime.parse(text))
        #expect(abs(back.timeIntervalSince(date)) < 0.000_002)
        #expect(MicroTime.parse("2026-11-30T10:00:00Z") == Date(timeIntervalSince1970: 1_796_032_800))
        #expect(MicroTime.parse("2026-11-30T12:00:00+02:00") == Date(timeIntervalSince1970: 1_796_032_800))
        let offset = try #require(MicroTime.parse("2026-11-30T12:00:00.5+02:00"))
        #expect(abs(offset.timeIntervalSince1970 - 1_796_032_800.5) < 0.000_001)
        #expect(MicroTime.parse("yesterday") == nil)
        #expect(MicroTime.parse("2026-11-30T10:00:00.Z") == nil)
        #expect(MicroTime.format(Date(timeIntervalSince1970: 0.9999999)) == "1970-01-01T00:00:00.999999Z")
    }

    @Test func watchEventsCutTheObjectBytesExactly() async throws {
        // The object's bytes are kept as sent (numbers, key order, nested quotes and braces in strings).
        let server = try await ScriptedServer.start { _, _ in
            ScriptedServer.stream([
                (
                    .zero,
                    #"{"object": {"metadata":{"name":"a\"}{","resourceVersion":"8"},"v":1.10,"z":[1,{"y":"]"}]} , "type":"ADDED"}"#
                )
            ])
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: server.url, token: "t"))
        let events = try await collect(client.watch(.manifestWork, namespace: nil, resourceVersion: "1")) { _ in false }
        try await client.shutdown()
        await server.stop()
        let event = try #require(events.first)
        #expect(event.type == .added)
        #expect(
            String(decoding: event.object, as: UTF8.self)
                == #"{"metadata":{"name":"a\"}{","resourceVersion":"8"},"v":1.10,"z":[1,{"y":"]"}]}"#)
        #expect(event.metadata.name == #"a"}{"#)
        #expect(event.resourceVersion == "8")
    }
}
