import Foundation

/// Charges federated rounds to a ``PrivacyBudget``: the coordinator asks it before each round and records each
/// round it ran. A Codable value type so the coordinator can persist it with its state (and survive restarts).
///
/// Two accountants: `today` composes the rounds of the current UTC day (what the daily budget limits; it starts
/// empty at 00:00 UTC) and `lifetime` composes every round ever charged (the honest bound on all releases so far,
/// reported next to the daily figure, since RDP composes across days too).
public struct PrivacyLedger: Sendable, Hashable, Codable {
    /// The limit rounds are charged against.
    public let budget: PrivacyBudget
    /// The UTC day (days since 1970-01-01) that ``today`` covers.
    public private(set) var day: Int
    /// Rounds of the current UTC day.
    public private(set) var today: RDPAccountant
    /// Every round charged.
    public private(set) var lifetime: RDPAccountant

    /// An empty ledger.
    /// - Parameters:
    ///   - budget: the daily limit.
    ///   - now: the time (from the injected clock) that picks the current day.
    public init(budget: PrivacyBudget, now: Date) {
        self.budget = budget
        self.day = Self.utcDay(now)
        self.today = RDPAccountant()
        self.lifetime = RDPAccountant()
    }

    /// Today's ε if one more round at (q, z) ran at `now`, without charging it.
    /// - Throws: ``PrivacyError`` for q or z out of range.
    public func epsilonAfterRound(samplingRate q: Double, noiseMultiplier z: Double, at now: Date) throws -> Double {
        var next = Self.utcDay(now) == day ? today : RDPAccountant()
        try next.compose(samplingRate: q, noiseMultiplier: z)
        return try next.epsilon(delta: budget.delta).epsilon
    }

    /// Whether one more round at (q, z) at `now` stays within today's budget.
    /// - Throws: ``PrivacyError`` for q or z out of range.
    public func admits(samplingRate q: Double, noiseMultiplier z: Double, at now: Date) throws -> Bool {
        try epsilonAfterRound(samplingRate: q, noiseMultiplier: z, at: now) <= budget.epsilonPerDay
    }

    /// Charges one round at (q, z) that runs at `now` (call it before releasing the round's model).
    /// - Returns: the budget state after the round.
    /// - Throws: ``PrivacyError/budgetExhausted(spent:next:limit:)`` when the round would pass today's limit (nothing
    ///   is charged then: skip the round and keep the last model), or ``PrivacyError`` for q or z out of range.
    @discardableResult
    public mutating func charge(
        samplingRate q: Double, noiseMultiplier z: Double, at now: Date
    ) throws
        -> PrivacyBudgetState
    {
        rollOver(to: now)
        let next = try epsilonAfterRound(samplingRate: q, noiseMultiplier: z, at: now)
        guard next <= budget.epsilonPerDay else {
            throw PrivacyError.budgetExhausted(
                spent: try today.epsilon(delta: budget.delta).epsilon, next: next, limit: budget.epsilonPerDay)
        }
        try today.compose(samplingRate: q, noiseMultiplier: z)
        try lifetime.compose(samplingRate: q, noiseMultiplier: z)
        return state(samplingRate: q, noiseMultiplier: z, at: now)
    }

    /// What the budget looks like at `now` for rounds at (q, z): for logs, `/metrics` and `placer explain`.
    /// - Parameters:
    ///   - q: the sampling rate of the next round.
    ///   - z: the noise multiplier of the next round.
    ///   - now: the time (a new UTC day shows an unspent budget).
    public func state(samplingRate q: Double, noiseMultiplier z: Double, at now: Date) -> PrivacyBudgetState {
        let current = Self.utcDay(now) == day ? today : RDPAccountant()
        let spent =
            (try? current.epsilon(delta: budget.delta))
            ?? PrivacyGuarantee(
                epsilon: .infinity, delta: budget.delta, order: 0)
        let next = (try? epsilonAfterRound(samplingRate: q, noiseMultiplier: z, at: now)) ?? .infinity
        let total = (try? lifetime.epsilon(delta: budget.delta).epsilon) ?? .infinity
        return PrivacyBudgetState(
            epsilonSpentToday: spent.epsilon, epsilonPerDay: budget.epsilonPerDay, delta: budget.delta,
            order: spent.order, roundsToday: current.rounds, exhausted: next > budget.epsilonPerDay,
            lifetimeEpsilon: total, lifetimeRounds: lifetime.rounds,
            resetsAt: Date(timeIntervalSince1970: Double(Self.utcDay(now) + 1) * 86_400))
    }

    private mutating func rollOver(to now: Date) {
        let current = Self.utcDay(now)
        if current != day {
            day = current
            today = RDPAccountant()
        }
    }

    static func utcDay(_ date: Date) -> Int { Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }
}

/// The privacy budget at one moment, as logs, `/metrics` and `placer explain` show it.
public struct PrivacyBudgetState: Sendable, Hashable, Codable {
    /// ε spent by today's rounds (UTC), at ``delta``.
    public var epsilonSpentToday: Double
    /// The daily limit.
    public var epsilonPerDay: Double
    /// δ of the guarantees.
    public var delta: Double
    /// The Rényi order that gave ``epsilonSpentToday``.
    public var order: Double
    /// Rounds charged today.
    public var roundsToday: Int
    /// Whether the next round would pass the limit: learning has stopped for today and the last model is kept.
    public var exhausted: Bool
    /// ε of every round ever charged (RDP composition across days).
    public var lifetimeEpsilon: Double
    /// Rounds ever charged.
    public var lifetimeRounds: Int
    /// When today's budget starts again (next 00:00 UTC).
    public var resetsAt: Date

    /// One line for logs and `explain`, e.g. `ε 1.92 of 4 today (δ 1e-05, 12 rounds); learning stopped…`.
    public var summary: String {
        let spent = String(format: "%.3g", epsilonSpentToday)
        let head = "ε \(spent) of \(String(format: "%g", epsilonPerDay)) today (δ \(delta), \(roundsToday) rounds)"
        let lifetime = String(format: "%.3g", lifetimeEpsilon)
        let tail = "; lifetime ε \(lifetime) over \(lifetimeRounds) rounds"
        return exhausted
            ? head + "; budget spent: learning stopped, last model kept until 00:00 UTC" + tail
            : head + tail
    }
}
