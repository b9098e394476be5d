/// Federated learning's settings in the placement policy (`spec.learning`, docs/privacy.md): the DP-FedAvg round
/// parameters and the daily privacy budget the leader charges each round to.
///
/// ```yaml
/// spec:
///   learning:
///     enabled: true          # default true; false: no federated rounds, agents keep local models
///     epsilonPerDay: 4       # ε the rounds of one UTC day may spend together, > 0
///     delta: 1.0e-5          # δ of every guarantee, 0 < δ < 1
///     noiseMultiplier: 1.0   # z: noise standard deviation over the clip norm, ≥ 0
///     clipNorm: 1.0          # C: L2 norm each agent's update is clipped to, > 0
///     samplingRate: 0.5      # q: each agent's probability of joining a round, 0 < q ≤ 1
///     roundIntervalSeconds: 3600  # how often the leader starts a round, ≥ 1
/// ```
public struct LearningPolicy: Sendable, Hashable {
    /// Whether the leader runs federated rounds at all.
    public var enabled = true
    /// The daily ε limit (nats), > 0.
    public var epsilonPerDay = 4.0
    /// δ, in (0, 1).
    public var delta = 1e-5
    /// z, ≥ 0.
    public var noiseMultiplier = 1.0
    /// C, in the model's parameter units, > 0.
    public var clipNorm = 1.0
    /// q, in (0, 1].
    public var samplingRate = 1.0
    /// Seconds between rounds, ≥ 1.
    public var roundIntervalSeconds = 3600.0

    public init() {}

    /// Applies `spec.learning` of one policy document on top of these settings (field by field).
    /// - Throws: ``ModelError`` at the offending field (`file:line`).
    public mutating func apply(_ learning: Value?, _ document: YAMLDocument) throws {
        guard let learning else { return }
        guard learning.objectValue != nil else {
            throw document.error(at: "spec.learning", "learning must be a mapping of settings")
        }
        if let value = learning["enabled"] {
            guard let flag = value.boolValue else {
                throw document.error(at: "spec.learning.enabled", "enabled must be true or false")
            }
            enabled = flag
        }
        epsilonPerDay = try number(
            learning, "epsilonPerDay", document, "a number of nats > 0", default: epsilonPerDay
        ) { $0 > 0 }
        delta = try number(learning, "delta", document, "a number > 0 and < 1", default: delta) { $0 > 0 && $0 < 1 }
        noiseMultiplier = try number(
            learning, "noiseMultiplier", document, "a number ≥ 0", default: noiseMultiplier
        ) { $0 >= 0 }
        clipNorm = try number(learning, "clipNorm", document, "a number > 0", default: clipNorm) { $0 > 0 }
        samplingRate = try number(
            learning, "samplingRate", document, "a number > 0 and ≤ 1", default: samplingRate
        ) { $0 > 0 && $0 <= 1 }
        roundIntervalSeconds = try number(
            learning, "roundIntervalSeconds", document, "a number of seconds ≥ 1", default: roundIntervalSeconds
        ) { $0 >= 1 }
    }

    private func number(
        _ learning: Value, _ key: String, _ document: YAMLDocument, _ expected: String, default current: Double,
        _ valid: (Double) -> Bool
    ) throws -> Double {
        guard let value = learning[key] else { return current }
        guard let number = value.doubleValue, number.isFinite, valid(number) else {
            throw document.error(at: "spec.learning.\(key)", "\(key) must be \(expected)")
        }
        return number
    }
}
