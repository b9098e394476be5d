/// The settings of DP-FedAvg rounds (McMahan, Ramage, Talwar and Zhang, "Learning Differentially Private Recurrent
/// Language Models", ICLR 2018, Algorithm 1 with the fixed-denominator estimator f̃_f and the flat clip).
///
/// From the policy's `spec.learning` (docs/privacy.md): clip norm C, noise multiplier z, sampling rate q, and the
/// population N (the clients that may be sampled). The average's denominator is fixed at q·N, the expected number
/// of sampled clients, not the number that turned up: with a fixed denominator one user changes the average by at
/// most C/(q·N), whoever else was sampled, which is what the Gaussian noise σ = z·C/(q·N) is calibrated to.
public struct FederatedRound: Sendable, Hashable, Codable {
    /// C: the L2 norm every client update is clipped to, in parameter units, > 0.
    public var clipNorm: Double
    /// z: noise standard deviation over the sum's sensitivity C, ≥ 0 (0: no privacy).
    public var noiseMultiplier: Double
    /// q: each client's probability of being sampled in a round, in (0, 1].
    public var samplingRate: Double
    /// N: the number of clients that may be sampled, ≥ 1.
    public var population: Int
    /// The model's parameter count every update must have.
    public var dimension: Int

    /// - Throws: ``PrivacyError`` for C not > 0, z < 0, q outside (0, 1], N < 1 or a negative dimension.
    public init(
        clipNorm: Double, noiseMultiplier: Double, samplingRate: Double, population: Int, dimension: Int
    )
        throws
    {
        guard clipNorm > 0, clipNorm.isFinite else { throw PrivacyError.invalidClipNorm(clipNorm) }
        guard noiseMultiplier >= 0, noiseMultiplier.isFinite else {
            throw PrivacyError.invalidNoiseMultiplier(noiseMultiplier)
        }
        guard samplingRate > 0, samplingRate <= 1 else { throw PrivacyError.invalidSamplingRate(samplingRate) }
        guard population >= 1 else { throw PrivacyError.invalidRounds(population) }
        guard dimension >= 0 else { throw PrivacyError.dimensionMismatch(expected: 0, got: dimension) }
        self.clipNorm = clipNorm
        self.noiseMultiplier = noiseMultiplier
        self.samplingRate = samplingRate
        self.population = population
        self.dimension = dimension
    }

    /// q·N, the fixed denominator of the average (expected clients per round).
    public var denominator: Double { samplingRate * Double(population) }

    /// σ = z·C/(q·N): the standard deviation of the Gaussian noise added to each coordinate of the average.
    public var noiseStandardDeviation: Double { noiseMultiplier * clipNorm / denominator }
}
