import Foundation
import PlacerTestSupport
import Testing

/// The short soak CI runs: `placer-lab bench soak` over two simulated days (cluster load changing at every step,
/// hall-2-edge failing and returning each day, a human push every 20 simulated minutes) against a real
/// `git daemon` and the HTTPS EdgeSim hub. Over the last half, RSS grows by less than a few MB (a least-squares
/// fit, so allocator noise does not count), open file descriptors and threads do not grow, and a second world fed
/// the same half day makes byte-identical commits. The week-long run and its figures are in docs/benchmarks.md.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: labBinary)))
struct SoakTests {
    @Test func twoSimulatedDaysDoNotGrowAndDecideTheSame() async throws {
        let result = try await runProgram(
            labBinary,
            [
                "bench", "soak", "--days", "2", "--step-minutes", "10", "--samples", "24", "--verify-days", "0.5",
                "--max-rss-growth-mb", "6", "--max-handle-growth", "3", "--json", "--source", packageRoot.path,
            ])
        #expect(result.status == 0, "\(result.output)")
        let start = try #require(result.output.firstIndex(of: "{"), "\(result.output)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output[start...].utf8)) as? [String: Any],
            "\(result.output)")
        #expect(object["reconciles"] as? Int == 288)
        #expect((object["placerCommits"] as? Int ?? 0) > 10, "the soak moved nothing: \(result.output)")
        #expect(object["deterministic"] as? Bool == true, "\(result.output)")
        #expect((object["verifiedCommits"] as? Int ?? 0) > 3)
        let samples = try #require(object["samples"] as? [[String: Any]])
        #expect(samples.count >= 12)
        #expect(samples.allSatisfy { ($0["rssMegabytes"] as? Double ?? 0) > 0 })
    }
}
