import Foundation
import Testing

@testable import AppModel

@Suite struct PlacementRecordTests {
    static let record = PlacementRecord(
        app: "vision-inference", cluster: "factory-dc", qosClass: .gold, decisionID: "0755123456789abc",
        reasons: ["latency 3 ms to hall-2 within 10 ms budget", "yes", "score 71.2 beats hall-2-edge 40.1", "on: off"],
        candidates: [
            .init(
                cluster: "factory-dc", total: 71.2,
                scores: ["latencyMargin": 70, "headroom": 69.7, "energy": 100, "qosFit": 60]),
            .init(
                cluster: "hall-2-edge", total: 40.1,
                scores: ["latencyMargin": 90, "headroom": 0.3, "energy": 0, "qosFit": 100]),
        ],
        rejected: [
            .init(cluster: "hall-1-edge", reasons: ["Capacity: needs 6.5 cpu, 6.2 free"]),
            .init(
                cluster: "regional-cloud",
                reasons: ["LatencyBudget: latency 24 ms to hall-2 exceeds budget 10 ms", "x: \"quoted\""]),
        ],
        pinned: true, cpuCores: 6.5, memoryBytes: 8 * gibibyte)

    static func roundTrip(_ record: PlacementRecord) throws -> (PlacementRecord, String) {
        let text = try YAMLRenderer.render(record.toValue())
        let documents = try YAMLLoader.load(Data(text.utf8), file: RepoLayout.placementPath(app: record.app))
        let document = try #require(documents.first)
        #expect(documents.count == 1)
        return (try PlacementRecord.parse(document), text)
    }

    @Test func recordSurvivesRenderAndLoad() throws {
        let (parsed, text) = try Self.roundTrip(Self.record)
        #expect(parsed == Self.record, "rendered:\n\(text)")
        #expect(text.contains("kind: PlacementRecord"))
        #expect(text.contains("id: \"0755123456789abc\""))
    }

    @Test func unplacedUnpinnedRecordSurvives() throws {
        var record = Self.record
        record.cluster = nil
        record.pinned = false
        record.candidates = []
        record.rejected = []
        let (parsed, text) = try Self.roundTrip(record)
        #expect(parsed == record)
        #expect(!text.contains("pinned"))
        #expect(text.contains("cluster: null"))
    }

    @Test func scoresAreRoundedToOneDecimal() throws {
        var noisy = Self.record
        noisy.candidates = [.init(cluster: "a", total: 71.23456, scores: ["headroom": 69.6666667, "energy": 0.04999])]
        noisy.cpuCores = 1.0004
        let (parsed, _) = try Self.roundTrip(noisy)
        var expected = noisy
        expected.candidates = [.init(cluster: "a", total: 71.2, scores: ["headroom": 69.7, "energy": 0])]
        expected.cpuCores = 1
        #expect(parsed == expected)
    }

    @Test func renderingIsByteStable() throws {
        let first = try YAMLRenderer.render(Self.record.toValue())
        let second = try YAMLRenderer.render(Self.record.toValue())
        #expect(first == second)
        // Tiny float noise below the rounding does not change the file.
        var noisy = Self.record
        noisy.candidates[0].total += 1e-9
        noisy.candidates[0].scores["headroom"]! -= 1e-9
        #expect(try YAMLRenderer.render(noisy.toValue()) == first)
    }

    @Test func otherKindsAreNotRecords() throws {
        let document = try #require(try loadYAML("kind: ConfigMap\nspec:\n  app: x\n", file: "placements/x.yaml").first)
        let error = try #require(modelError { try PlacementRecord.parse(document) })
        #expect(error.file == "placements/x.yaml")
    }
}
