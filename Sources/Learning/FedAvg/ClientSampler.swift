/// The coordinator's Poisson sampler: each client takes part in a round independently with probability q.
import PlacerCore

///
/// Poisson sampling is what the accountant's amplification by subsampling assumes (Mironov, Talwar and Zhang 2019);
/// the sample size varies from round to round, which the fixed denominator q·N absorbs. Deterministic for a seed and
/// round number (the same clients for the same round on every replica), independent of the order clients are given
/// in. The seed must stay secret from the clients: one who could predict the sample could game it.
public struct ClientSampler: Sendable, Hashable {
    /// The sampler's secret seed.
    public var seed: UInt64

    /// - Parameter seed: the secret seed (the coordinator draws it from `SystemRandomNumberGenerator`).
    public init(seed: UInt64) { self.seed = seed }

    /// The clients sampled for `round`.
    /// - Parameters:
    ///   - clients: the population (names; duplicates ignored).
    ///   - round: the round number.
    ///   - samplingRate: q in 0…1.
    /// - Returns: the sampled clients, sorted by name.
    public func sample(_ clients: [String], round: Int, samplingRate: Double) -> [String] {
        Set(clients).sorted().filter { client in
            var generator = SplitMix64(
                seed: seed ^ Self.hash(client) ^ (UInt64(bitPattern: Int64(round)) &* 0xD6E8_FEB8_6659_FD93))
            _ = generator.next()
            return Double(generator.next() >> 11) / 9_007_199_254_740_992 < samplingRate
        }
    }

    /// FNV-1a of the name: a stable hash (Swift's `Hasher` is seeded per process).
    static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}
