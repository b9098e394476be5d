import AppModel
import Foundation

/// How the leader runs federated rounds (the policy's `spec.learning`, docs/pdlc.md "Federated rounds").
public struct CoordinatorConfiguration: Sendable, Equatable {
    /// The Placer instance (owner label of the coordinator's messages).
    public var instance: String
    /// Placer's namespace on the hub, where the round status ConfigMap `placer-fl-status` goes.
    public var statusNamespace: String
    /// The federated forecaster's name (`ridge`); its default parameters start the global model.
    public var model: String
    /// Seconds between the start of two rounds.
    public var roundIntervalSeconds: Double
    /// How long the coordinator waits for each phase's answers; agents silent by then are dropped.
    public var phaseTimeoutSeconds: Double
    /// How often the coordinator looks for answers within a phase, seconds.
    public var pollSeconds: Double
    /// q: each cluster's probability of being sampled into a round, (0, 1].
    public var samplingRate: Double
    /// z: the Gaussian noise multiplier, ≥ 0 (0 disables privacy; for tests and the non-private baseline).
    public var noiseMultiplier: Double
    /// C: the L2 norm each update is clipped to, in parameter units.
    public var clipNorm: Double
    /// ε allowed per day (the policy's `spec.learning.epsilonPerDay`); nil for no budget.
    public var epsilonPerDay: Double?
    /// δ of the (ε, δ) guarantee (default 1e-5).
    public var delta: Double
    /// Fewest agents a round needs (at least 3, so a third may drop and two-thirds still unmask the sum).
    public var minimumClients: Int

    public init(
        instance: String, statusNamespace: String = "placer", model: String = "ridge",
        roundIntervalSeconds: Double = 300, phaseTimeoutSeconds: Double = 30, pollSeconds: Double = 0.5,
        samplingRate: Double = 1, noiseMultiplier: Double = 1, clipNorm: Double = 0.1, epsilonPerDay: Double? = 4,
        delta: Double = 1e-5, minimumClients: Int = 3
    ) {
        self.instance = instance
        self.statusNamespace = statusNamespace
        self.model = model
        self.roundIntervalSeconds = roundIntervalSeconds
        self.phaseTimeoutSeconds = phaseTimeoutSeconds
        self.pollSeconds = pollSeconds
        self.samplingRate = samplingRate
        self.noiseMultiplier = noiseMultiplier
        self.clipNorm = clipNorm
        self.epsilonPerDay = epsilonPerDay
        self.delta = delta
        self.minimumClients = max(3, minimumClients)
    }

    /// Takes the round settings of the policy's `spec.learning` (q, z, C, ε per day, δ, round interval).
    public mutating func apply(_ learning: LearningPolicy) {
        samplingRate = learning.samplingRate
        noiseMultiplier = learning.noiseMultiplier
        clipNorm = learning.clipNorm
        epsilonPerDay = learning.epsilonPerDay
        delta = learning.delta
        roundIntervalSeconds = learning.roundIntervalSeconds
    }
}
