import Foundation

/// A Rényi-DP accountant for rounds of the Poisson-subsampled Gaussian mechanism (DP-FedAvg, DP-SGD).
///
/// Each round adds N(0, (z·C)²) noise to a sum of updates clipped to L2 norm C, each client taking part with
/// probability q. The accountant keeps the RDP curve ε(α) over ``orders`` (Mironov, "Rényi Differential Privacy",
/// CSF 2017): composition is addition per order, so rounds with different q and z (heterogeneous events) compose
/// exactly. One round's curve is Mironov, Talwar and Zhang 2019 (``SampledGaussianRDP``). The (ε, δ) guarantee is
/// the improved conversion of Canonne, Kamath and Steinke 2020 (arXiv:2004.00010, Prop. 12) and Balle et al. 2020
/// (arXiv:2001.05990, eq. 20), minimised over the orders:
/// `ε = min_α [ ε(α) + log1p(−1/α) − log(δ·α) / (α − 1) ]`, with the KL bound `δ ≥ √(1 − e^{−ε(α)})` giving ε = 0.
///
/// The same orders, formulas and order-selection as Google's dp-accounting 0.6.0 `RdpAccountant`, so the two agree
/// to rounding (the `LearningTests` oracle test checks 1 % on a grid). A value type: copy it to ask "what if".
public struct RDPAccountant: Sendable, Hashable {
    /// One composed event: `rounds` rounds of the sampled Gaussian mechanism with rate q and multiplier z.
    public struct Event: Sendable, Hashable, Codable {
        /// Sampling probability of each client per round, 0…1.
        public var samplingRate: Double
        /// Noise standard deviation over the clip norm (the L2 sensitivity), ≥ 0.
        public var noiseMultiplier: Double
        /// How many rounds of this event.
        public var rounds: Int
    }

    /// dp-accounting's and TensorFlow Privacy's default orders: 1.1, 1.2, …, 10.9, then 11…63, 128, 256, 512, 1024.
    public static let defaultOrders: [Double] = {
        let fractional: [Double] = (1..<100).map { 1 + Double($0) / 10.0 }
        let integers: [Double] = (11..<64).map { Double($0) }
        return fractional + integers + [128, 256, 512, 1024]
    }()

    /// The Rényi orders α (> 1) the curve is kept at.
    public let orders: [Double]
    /// ε(α) per order in nats, summed over every composed round (+∞ where a round had no noise).
    public private(set) var rdp: [Double]
    /// The composed events in order (consecutive equal events merged): the accountant's whole state.
    public private(set) var events: [Event] = []

    /// An accountant with nothing spent.
    /// - Parameter orders: Rényi orders, each > 1 (default ``defaultOrders``).
    public init(orders: [Double] = RDPAccountant.defaultOrders) {
        self.orders = orders
        self.rdp = Array(repeating: 0, count: orders.count)
    }

    /// Rounds composed so far.
    public var rounds: Int { events.reduce(0) { $0 + $1.rounds } }

    /// Adds `rounds` rounds of the Poisson-subsampled Gaussian mechanism.
    /// - Parameters:
    ///   - samplingRate: q, each client's probability of taking part in a round, 0…1.
    ///   - noiseMultiplier: z, noise standard deviation over the clip norm, ≥ 0 (0 means no privacy: ε = ∞).
    ///   - rounds: how many such rounds (≥ 0; default 1).
    /// - Throws: ``PrivacyError`` for q outside 0…1, z negative or not finite, or negative rounds.
    public mutating func compose(samplingRate q: Double, noiseMultiplier z: Double, rounds: Int = 1) throws {
        try Self.check(q: q, z: z, rounds: rounds)
        guard rounds > 0 else { return }
        for (index, alpha) in orders.enumerated() {
            rdp[index] += Double(rounds) * SampledGaussianRDP.rdp(q: q, z: z, alpha: alpha)
        }
        if let last = events.last, last.samplingRate == q, last.noiseMultiplier == z {
            events[events.count - 1].rounds += rounds
        } else {
            events.append(Event(samplingRate: q, noiseMultiplier: z, rounds: rounds))
        }
    }

    /// The (ε, δ) guarantee of everything composed, at the best order.
    /// - Parameter delta: δ, in (0, 1) (default 1e-5).
    /// - Returns: ε ≥ 0 (+∞ when a round had no noise) and the order α that gave it.
    /// - Throws: ``PrivacyError/invalidDelta(_:)``.
    public func epsilon(delta: Double = 1e-5) throws -> PrivacyGuarantee {
        guard delta > 0, delta < 1 else { throw PrivacyError.invalidDelta(delta) }
        var best = PrivacyGuarantee(epsilon: .infinity, delta: delta, order: orders.first ?? 0)
        for (alpha, r) in zip(orders, rdp) {
            let epsilon: Double
            if r < 0 {
                epsilon = 0
            } else if delta * delta + expm1(-r) > 0 {
                epsilon = 0  // the KL bound δ ≥ √(1 − e^{−r}) already holds
            } else if alpha > 1.01 {
                epsilon = r + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1)
            } else {
                epsilon = .infinity  // the conversion is unstable as α → 1
            }
            if epsilon < best.epsilon { best = PrivacyGuarantee(epsilon: epsilon, delta: delta, order: alpha) }
        }
        best.epsilon = max(0, best.epsilon)
        return best
    }

    /// The smallest δ for which everything composed is (ε, δ)-DP, at the best order (the inverse conversion,
    /// Canonne, Kamath and Steinke 2020, Prop. 12).
    /// - Parameter epsilon: ε ≥ 0.
    /// - Returns: δ in 0…1 and the order that gave it.
    /// - Throws: ``PrivacyError/invalidEpsilon(_:)`` for a negative or non-finite ε.
    public func delta(epsilon: Double) throws -> (delta: Double, order: Double) {
        guard epsilon >= 0, epsilon.isFinite else { throw PrivacyError.invalidEpsilon(epsilon) }
        var best = (logDelta: Double.infinity, order: orders.first ?? 0)
        for (alpha, r) in zip(orders, rdp) {
            var logDelta = r <= 0 ? -Double.infinity : 0.5 * log1p(-exp(-r))
            if alpha > 1.01 {
                logDelta = min(logDelta, (alpha - 1) * (r - epsilon + log1p(-1 / alpha)) - log(alpha))
            }
            if logDelta < best.logDelta { best = (logDelta, alpha) }
        }
        return (min(exp(best.logDelta), 1), best.order)
    }

    /// ε after `rounds` rounds at rate q and multiplier z.
    /// - Parameters:
    ///   - samplingRate: q, 0…1.
    ///   - noiseMultiplier: z ≥ 0.
    ///   - rounds: T ≥ 0.
    ///   - delta: δ in (0, 1), default 1e-5.
    /// - Returns: the guarantee (ε, δ, best order).
    /// - Throws: ``PrivacyError`` for an argument out of range.
    public static func epsilon(
        samplingRate q: Double, noiseMultiplier z: Double, rounds: Int, delta: Double = 1e-5
    ) throws -> PrivacyGuarantee {
        var accountant = RDPAccountant()
        try accountant.compose(samplingRate: q, noiseMultiplier: z, rounds: rounds)
        return try accountant.epsilon(delta: delta)
    }

    /// The smallest noise multiplier z whose T rounds at rate q stay within ε at δ (bisection on z, as Opacus's
    /// `get_noise_multiplier` and dp-accounting's `calibrate_dp_mechanism` do; ε falls as z grows).
    /// - Parameters:
    ///   - targetEpsilon: ε > 0.
    ///   - samplingRate: q, 0…1.
    ///   - rounds: T ≥ 0.
    ///   - delta: δ in (0, 1), default 1e-5.
    ///   - tolerance: relative width of the final bracket on z (default 1e-6).
    /// - Returns: z with ε(z) ≤ target, within `tolerance` of the smallest such z; 0 when no round or q = 0.
    /// - Throws: ``PrivacyError`` for an argument out of range, or ``PrivacyError/unreachableEpsilon(target:limit:)``
    ///   when even z = 1e6 does not reach the target.
    public static func noiseMultiplier(
        targetEpsilon: Double, samplingRate q: Double, rounds: Int, delta: Double = 1e-5, tolerance: Double = 1e-6
    ) throws -> Double {
        guard targetEpsilon > 0, targetEpsilon.isFinite else { throw PrivacyError.invalidEpsilon(targetEpsilon) }
        try check(q: q, z: 0, rounds: rounds)
        guard delta > 0, delta < 1 else { throw PrivacyError.invalidDelta(delta) }
        if rounds == 0 || q == 0 { return 0 }
        func epsilonAt(_ z: Double) throws -> Double {
            try epsilon(samplingRate: q, noiseMultiplier: z, rounds: rounds, delta: delta).epsilon
        }
        let limit = 1e6
        var low = 0.0
        var high = 1.0
        while try epsilonAt(high) > targetEpsilon {
            low = high
            high *= 2
            if high > limit { throw PrivacyError.unreachableEpsilon(target: targetEpsilon, limit: limit) }
        }
        while high - low > tolerance * high {
            let middle = (low + high) / 2
            if try epsilonAt(middle) > targetEpsilon { low = middle } else { high = middle }
        }
        return high
    }

    static func check(q: Double, z: Double, rounds: Int) throws {
        guard q >= 0, q <= 1 else { throw PrivacyError.invalidSamplingRate(q) }
        guard z >= 0, z.isFinite else { throw PrivacyError.invalidNoiseMultiplier(z) }
        guard rounds >= 0 else { throw PrivacyError.invalidRounds(rounds) }
    }
}

extension RDPAccountant: Codable {
    private enum CodingKeys: String, CodingKey { case orders, events }

    /// Decodes the orders and events and recomputes the curve (ε(α) may be +∞, which JSON cannot hold).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(orders: try container.decodeIfPresent([Double].self, forKey: .orders) ?? Self.defaultOrders)
        for event in try container.decode([Event].self, forKey: .events) {
            try compose(samplingRate: event.samplingRate, noiseMultiplier: event.noiseMultiplier, rounds: event.rounds)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if orders != Self.defaultOrders { try container.encode(orders, forKey: .orders) }
        try container.encode(events, forKey: .events)
    }
}

/// An (ε, δ) differential-privacy guarantee and the Rényi order it was read at.
public struct PrivacyGuarantee: Sendable, Hashable, Codable {
    /// ε in nats (+∞: no guarantee).
    public var epsilon: Double
    /// δ, the probability the ε bound may fail.
    public var delta: Double
    /// The Rényi order α whose conversion gave the smallest ε.
    public var order: Double
}
