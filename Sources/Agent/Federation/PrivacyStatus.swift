import Foundation

/// The federated model's privacy spent so far, as the coordinator publishes it after each round.
///
/// ε and δ are the (ε, δ)-DP guarantee of everything released so far (user-level: one cluster's whole series), from
/// the Rényi DP accountant of the Poisson-subsampled Gaussian mechanism composed over ``rounds`` rounds
/// (`Learning.RDPAccountant`). When ``epsilonSpent`` reaches ``epsilonBudget`` learning stops and the last model is
/// kept (``stopped``).
public struct PrivacyStatus: Codable, Sendable, Equatable {
    /// ε spent by the rounds so far (0 before any round).
    public var epsilonSpent: Double
    /// δ of the guarantee (default 1e-5).
    public var delta: Double
    /// Rounds completed (each one release of a noised aggregate).
    public var rounds: Int
    /// The budget from the policy (`spec.learning.epsilonPerDay`); nil for none.
    public var epsilonBudget: Double?
    /// Whether learning stopped because the budget is spent; the last global model stays in use.
    public var stopped: Bool
    /// The federated model's name (`ridge`).
    public var model: String

    public init(
        epsilonSpent: Double, delta: Double, rounds: Int, epsilonBudget: Double?, stopped: Bool, model: String
    ) {
        self.epsilonSpent = epsilonSpent
        self.delta = delta
        self.rounds = rounds
        self.epsilonBudget = epsilonBudget
        self.stopped = stopped
        self.model = model
    }

    /// `ε=1.23 δ=1e-05 rounds=12 (budget 4)`, with `, learning stopped` once spent.
    public var summary: String {
        var text = "ε=\(Self.number(epsilonSpent)) δ=\(Self.number(delta)) rounds=\(rounds)"
        if let budget = epsilonBudget { text += " (budget \(Self.number(budget)))" }
        if stopped { text += ", learning stopped: budget spent, last model kept" }
        return text
    }

    /// The commit trailer value: `epsilon=1.23 delta=1e-05 rounds=12 model=ridge`.
    public var trailer: String {
        "epsilon=\(Self.number(epsilonSpent)) delta=\(Self.number(delta)) rounds=\(rounds) model=\(model)"
    }

    static func number(_ value: Double) -> String { String(format: "%.3g", value) }
}
