/// Why a privacy computation, a federated round or a secure-aggregation step was refused.
///
/// Every case names what was wrong in words an operator can act on; ``description`` is that text.
public enum PrivacyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A sampling rate outside 0…1.
    case invalidSamplingRate(Double)
    /// A negative or non-finite noise multiplier.
    case invalidNoiseMultiplier(Double)
    /// A δ outside (0, 1).
    case invalidDelta(Double)
    /// A target ε that is not a positive finite number.
    case invalidEpsilon(Double)
    /// A negative round count.
    case invalidRounds(Int)
    /// No noise multiplier up to `limit` reaches the target ε (for example with q = 1 and a tiny ε over many rounds).
    case unreachableEpsilon(target: Double, limit: Double)
    /// A clip norm that is not a positive finite number.
    case invalidClipNorm(Double)
    /// A vector whose length differs from the round's.
    case dimensionMismatch(expected: Int, got: Int)
    /// One more round would take today's ε from `spent` past `limit`: learning stops, the last model stays.
    case budgetExhausted(spent: Double, next: Double, limit: Double)

    public var description: String {
        switch self {
        case .invalidSamplingRate(let q): "sampling rate \(q) is not in 0…1"
        case .invalidNoiseMultiplier(let z): "noise multiplier \(z) is not a finite number ≥ 0"
        case .invalidDelta(let delta): "δ \(delta) is not in (0, 1)"
        case .invalidEpsilon(let epsilon): "ε \(epsilon) is not a finite number > 0"
        case .invalidRounds(let rounds): "round count \(rounds) is negative"
        case .unreachableEpsilon(let target, let limit):
            "no noise multiplier up to \(limit) reaches ε ≤ \(target) (lower the sampling rate or the rounds)"
        case .invalidClipNorm(let norm): "clip norm \(norm) is not a finite number > 0"
        case .dimensionMismatch(let expected, let got): "vector has \(got) coordinates, the round expects \(expected)"
        case .budgetExhausted(let spent, let next, let limit):
            "privacy budget spent: ε today \(spent), one more round would make it \(next) > \(limit)"
        }
    }
}
