import Foundation
import Learning
import PlacerCore
import Testing

/// DP-FedAvg's server step: clipping, the fixed denominator, the noise's scale.
@Suite struct DPFedAvgTests {
    @Test func clippingBoundsTheNormAndLeavesSmallUpdatesAlone() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let delta = (0..<16).map { _ in Double.random(in: -5...5, using: &generator) }
            let update = ClientUpdate(client: "a", delta: delta)
            let clipped = update.clipped(to: 1.5)
            #expect(clipped.norm <= 1.5 * (1 + 1e-12))
            if update.norm <= 1.5 {
                #expect(clipped == update)
            } else {
                #expect(abs(clipped.norm - 1.5) < 1e-9)
                // Same direction.
                let dot = zip(delta, clipped.delta).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(dot - update.norm * clipped.norm) < 1e-9 * update.norm)
            }
        }
    }

    @Test func withoutNoiseAndWithEveryClientTheAverageIsExact() throws {
        let round = try FederatedRound(clipNorm: 10, noiseMultiplier: 0, samplingRate: 1, population: 4, dimension: 3)
        let updates = [
            ClientUpdate(client: "a", delta: [1, 2, 3]), ClientUpdate(client: "b", delta: [-1, 0, 1]),
            ClientUpdate(client: "c", delta: [0.5, 0.5, 0.5]), ClientUpdate(client: "d", delta: [2, -2, 0]),
        ]
        let averager = FederatedAverager(round: round)
        let average = try averager.noisedAverage(sum: try averager.clippedSum(updates))
        #expect(average == [0.625, 0.125, 1.125])
        #expect(round.noiseStandardDeviation == 0)
    }

    @Test func theDenominatorIsFixedAtQTimesN() throws {
        let round = try FederatedRound(clipNorm: 1, noiseMultiplier: 0, samplingRate: 0.5, population: 10, dimension: 1)
        let averager = FederatedAverager(round: round)
        // Three clients turned up, five were expected: the sum is divided by 5, not 3.
        let sum = try averager.clippedSum((0..<3).map { ClientUpdate(client: "\($0)", delta: [0.5]) })
        #expect(try averager.noisedAverage(sum: sum) == [0.3])
    }

    @Test func theNoiseHasStandardDeviationZCOverQN() throws {
        let round = try FederatedRound(
            clipNorm: 2, noiseMultiplier: 1.5, samplingRate: 0.25, population: 40, dimension: 100_000)
        let sigma = 1.5 * 2 / (0.25 * 40)
        #expect(abs(round.noiseStandardDeviation - sigma) < 1e-15)
        var generator = SplitMix64(seed: 42)
        let noise = try FederatedAverager(round: round).noisedAverage(
            sum: Array(repeating: 0, count: 100_000), using: &generator)
        let mean = noise.reduce(0, +) / Double(noise.count)
        let variance = noise.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(noise.count - 1)
        // The sample sd of 100 000 normal draws is within 1 % of σ with overwhelming probability (its sd is σ/√(2n)).
        #expect(abs(variance.squareRoot() - sigma) / sigma < 0.01, "sd \(variance.squareRoot()) vs σ \(sigma)")
        #expect(abs(mean) < 5 * sigma / Double(noise.count).squareRoot())
        // Gaussian, not just the right scale: about 68.3 % within one σ.
        let within = Double(noise.filter { abs($0) <= sigma }.count) / Double(noise.count)
        #expect(abs(within - 0.6827) < 0.01)
    }

    @Test func theSamplerTakesAboutQOfTheClientsDeterministicallyPerSeedAndRound() {
        let clients = (0..<2000).map { "cluster-\($0)" }
        let sampler = ClientSampler(seed: 99)
        let first = sampler.sample(clients, round: 1, samplingRate: 0.3)
        #expect(first == sampler.sample(clients.reversed(), round: 1, samplingRate: 0.3))
        #expect(first != sampler.sample(clients, round: 2, samplingRate: 0.3))
        // Binomial(2000, 0.3): sd ≈ 20.5; 5 sd.
        #expect(abs(first.count - 600) < 103, "\(first.count)")
        #expect(sampler.sample(clients, round: 3, samplingRate: 1).count == 2000)
        #expect(sampler.sample(clients, round: 3, samplingRate: 0).isEmpty)
    }

    @Test func roundsRefuseBadSettingsAndUpdatesOfTheWrongLength() throws {
        #expect(throws: PrivacyError.invalidClipNorm(0)) {
            try FederatedRound(clipNorm: 0, noiseMultiplier: 1, samplingRate: 1, population: 1, dimension: 1)
        }
        #expect(throws: PrivacyError.invalidSamplingRate(0)) {
            try FederatedRound(clipNorm: 1, noiseMultiplier: 1, samplingRate: 0, population: 1, dimension: 1)
        }
        let round = try FederatedRound(clipNorm: 1, noiseMultiplier: 1, samplingRate: 1, population: 1, dimension: 2)
        #expect(throws: PrivacyError.dimensionMismatch(expected: 2, got: 3)) {
            try FederatedAverager(round: round).clippedSum([ClientUpdate(client: "a", delta: [1, 2, 3])])
        }
    }
}
