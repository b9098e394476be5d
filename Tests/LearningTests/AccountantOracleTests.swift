import Foundation
import Learning
import PlacerTestSupport
import Testing

/// The package root (`Tests/LearningTests/AccountantOracleTests.swift` → three levels up).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Placer's RDP accountant against Google's dp-accounting 0.6.0 (`scripts/dp-oracle.py` in the `.venv/` that
/// `scripts/setup.sh` makes): ε on a grid of (q, z, T), heterogeneous compositions, and the noise multiplier for a
/// target ε, each within 1 % relative.
@Suite struct AccountantOracleTests {
    static let python = packageRoot.appendingPathComponent(".venv/bin/python").path
    static let script = packageRoot.appendingPathComponent("scripts/dp-oracle.py").path

    struct Event: Codable { var q: Double, z: Double, rounds: Int }
    struct EpsilonItem: Codable { var events: [Event], delta: Double }
    struct NoiseItem: Codable { var q: Double, rounds: Int, delta: Double, epsilon: Double }
    struct Request: Codable { var epsilon: [EpsilonItem] = [], noise: [NoiseItem] = [] }
    struct Answer: Codable { var epsilon: [[Double?]], noise: [Double] }

    /// Runs the oracle; fails the test clearly when the venv or dp-accounting is missing.
    static func oracle(_ request: Request) throws -> Answer {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "no \(python): run scripts/setup.sh (it installs dp-accounting==0.6.0 into .venv/)")
        let output = try runProgramBlocking(python, [script], input: try JSONEncoder().encode(request))
        try #require(
            output.status == 0, "dp-oracle.py failed: \(String(decoding: output.standardError, as: UTF8.self))")
        return try JSONDecoder().decode(Answer.self, from: output.standardOutput)
    }

    static func relativeError(_ ours: Double, _ theirs: Double) -> Double {
        if ours == theirs { return 0 }
        return abs(ours - theirs) / max(abs(theirs), 1e-12)
    }

    @Test func epsilonMatchesDpAccountingOnTheGrid() throws {
        var cases: [(q: Double, z: Double, rounds: Int)] = []
        for q in [0.01, 0.1, 0.5, 1.0] {
            for z in [0.5, 1.0, 2.0, 5.0] { for rounds in [1, 10, 100, 1000] { cases.append((q, z, rounds)) } }
        }
        // Odd points off the grid: small q with many rounds (DP-SGD's usual regime), a z where fractional orders win.
        cases += [(0.003, 1.1, 10_000), (0.25, 0.8, 50), (0.02, 3.0, 365), (0.7, 1.7, 24)]
        let answer = try Self.oracle(
            Request(
                epsilon: cases.map { EpsilonItem(events: [Event(q: $0.q, z: $0.z, rounds: $0.rounds)], delta: 1e-5) }))
        #expect(answer.epsilon.count == cases.count)
        var worst = (error: 0.0, point: "")
        for (item, theirs) in zip(cases, answer.epsilon) {
            let ours = try RDPAccountant.epsilon(samplingRate: item.q, noiseMultiplier: item.z, rounds: item.rounds)
            let expected = try #require(theirs[0], "dp-accounting gave ε = ∞ for \(item)")
            let error = Self.relativeError(ours.epsilon, expected)
            #expect(
                error < 0.01,
                "q=\(item.q) z=\(item.z) T=\(item.rounds): ours \(ours.epsilon), dp-accounting \(expected)")
            if error > worst.error { worst = (error, "q=\(item.q) z=\(item.z) T=\(item.rounds)") }
        }
        print(
            "accountant vs dp-accounting 0.6.0: \(cases.count) points, max relative error \(worst.error) at \(worst.point)"
        )
    }

    @Test func heterogeneousRoundsAndOtherDeltasMatchDpAccounting() throws {
        let mixes: [([Event], Double)] = [
            ([Event(q: 0.1, z: 1, rounds: 50), Event(q: 0.5, z: 2, rounds: 20)], 1e-5),
            (
                [Event(q: 1, z: 5, rounds: 3), Event(q: 0.01, z: 0.5, rounds: 400), Event(q: 0.2, z: 1.3, rounds: 7)],
                1e-6
            ),
            ([Event(q: 0.05, z: 0.9, rounds: 1000)], 1e-3),
        ]
        let answer = try Self.oracle(Request(epsilon: mixes.map { EpsilonItem(events: $0.0, delta: $0.1) }))
        for ((events, delta), theirs) in zip(mixes, answer.epsilon) {
            var accountant = RDPAccountant()
            for event in events {
                try accountant.compose(samplingRate: event.q, noiseMultiplier: event.z, rounds: event.rounds)
            }
            let ours = try accountant.epsilon(delta: delta)
            let expected = try #require(theirs[0])
            #expect(
                Self.relativeError(ours.epsilon, expected) < 0.01, "\(events): ours \(ours.epsilon), theirs \(expected)"
            )
        }
    }

    @Test func noiseMultiplierForATargetEpsilonMatchesDpAccounting() throws {
        let targets: [(q: Double, rounds: Int, epsilon: Double)] = [
            (0.01, 1000, 2), (0.1, 100, 1), (0.5, 10, 4), (1, 1, 8), (1, 100, 4), (0.01, 100, 0.5), (0.2, 24, 4),
        ]
        let answer = try Self.oracle(
            Request(noise: targets.map { NoiseItem(q: $0.q, rounds: $0.rounds, delta: 1e-5, epsilon: $0.epsilon) }))
        #expect(answer.noise.count == targets.count)
        for (target, theirs) in zip(targets, answer.noise) {
            let ours = try RDPAccountant.noiseMultiplier(
                targetEpsilon: target.epsilon, samplingRate: target.q, rounds: target.rounds)
            #expect(Self.relativeError(ours, theirs) < 0.01, "\(target): ours z = \(ours), dp-accounting z = \(theirs)")
            // And the z found really keeps within the target.
            let reached = try RDPAccountant.epsilon(
                samplingRate: target.q, noiseMultiplier: ours, rounds: target.rounds)
            #expect(reached.epsilon <= target.epsilon)
        }
    }
}
