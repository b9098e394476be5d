/// DP-FedAvg's server step (McMahan et al., ICLR 2018, Algorithm 1): the noised average of clipped client updates.
///
/// `average = (Σ clipped updates) / (q·N) + N(0, σ²·I)`, σ = z·C/(q·N) (``FederatedRound``).
///
/// Who adds the noise: the coordinator (the daemon's leader), once, to the average it publishes. With secure
/// aggregation it only ever learns the *sum* of the sampled clients' clipped updates, never one client's; the noise
/// then makes the published model (ε, δ)-DP with respect to any one client's whole data (user-level DP) for every
/// reader of the hub and every agent. The coordinator itself is trusted to add the noise honestly (central DP of the
/// sum, not local DP); docs/privacy.md states this threat model.
public struct FederatedAverager: Sendable {
    /// The round's settings.
    public var round: FederatedRound

    public init(round: FederatedRound) { self.round = round }

    /// Clips each update to C and sums them: the plain-text counterpart of the secure-aggregation sum, for one
    /// process that sees every update (tests, centralised baselines). Agents clip before masking instead.
    /// - Parameter updates: the sampled clients' updates, each of ``FederatedRound/dimension`` coordinates.
    /// - Returns: Σ clip(update).
    /// - Throws: ``PrivacyError/dimensionMismatch(expected:got:)``.
    public func clippedSum(_ updates: [ClientUpdate]) throws -> [Double] {
        var sum = Array(repeating: 0.0, count: round.dimension)
        for update in updates {
            guard update.delta.count == round.dimension else {
                throw PrivacyError.dimensionMismatch(expected: round.dimension, got: update.delta.count)
            }
            for (index, value) in update.clipped(to: round.clipNorm).delta.enumerated() { sum[index] += value }
        }
        return sum
    }

    /// The noised average of a sum of clipped updates.
    /// - Parameters:
    ///   - sum: Σ clipped updates of the sampled clients (from ``SecureAggregationCoordinator/sum()`` or
    ///     ``clippedSum(_:)``).
    ///   - generator: the noise's randomness (`SystemRandomNumberGenerator` in production).
    /// - Returns: `sum / (q·N) + N(0, σ²)` per coordinate: the update to add to the global model.
    /// - Throws: ``PrivacyError/dimensionMismatch(expected:got:)``.
    public func noisedAverage<G: RandomNumberGenerator>(sum: [Double], using generator: inout G) throws -> [Double] {
        guard sum.count == round.dimension else {
            throw PrivacyError.dimensionMismatch(expected: round.dimension, got: sum.count)
        }
        let noise = GaussianNoise.sample(
            count: sum.count, standardDeviation: round.noiseStandardDeviation, using: &generator)
        let denominator = round.denominator
        return zip(sum, noise).map { $0 / denominator + $1 }
    }

    /// ``noisedAverage(sum:using:)`` with the system's cryptographically secure generator.
    public func noisedAverage(sum: [Double]) throws -> [Double] {
        var generator = SystemRandomNumberGenerator()
        return try noisedAverage(sum: sum, using: &generator)
    }
}
