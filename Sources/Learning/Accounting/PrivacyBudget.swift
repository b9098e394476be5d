/// A differential-privacy budget for federated learning: at most ``epsilonPerDay`` ε at ``delta`` per UTC day.
///
/// From the policy's `spec.learning.epsilonPerDay` and `spec.learning.delta` (docs/privacy.md). Rounds are charged
/// to a ``PrivacyLedger``; when the next round would pass the limit, learning stops until the next UTC day and the
/// last model is kept.
public struct PrivacyBudget: Sendable, Hashable, Codable {
    /// The most ε (nats) the rounds of one UTC day may spend together, > 0 (default 4).
    public var epsilonPerDay: Double
    /// δ of every guarantee, in (0, 1) (default 1e-5).
    public var delta: Double

    /// - Parameters:
    ///   - epsilonPerDay: the daily ε limit, a finite number > 0.
    ///   - delta: δ in (0, 1).
    /// - Throws: ``PrivacyError/invalidEpsilon(_:)`` or ``PrivacyError/invalidDelta(_:)``.
    public init(epsilonPerDay: Double = 4, delta: Double = 1e-5) throws {
        guard epsilonPerDay > 0, epsilonPerDay.isFinite else { throw PrivacyError.invalidEpsilon(epsilonPerDay) }
        guard delta > 0, delta < 1 else { throw PrivacyError.invalidDelta(delta) }
        self.epsilonPerDay = epsilonPerDay
        self.delta = delta
    }
}
