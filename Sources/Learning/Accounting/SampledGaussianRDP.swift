import Foundation

/// Rényi differential privacy of the Poisson-subsampled Gaussian mechanism at one order α.
///
/// Source: Mironov, Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism" (2019,
/// arXiv:1908.10530), §3.3: the mechanism adds N(0, z²) noise to a sum of sensitivity 1 whose terms each enter with
/// probability q. Its RDP at order α is `log(A_α) / (α − 1)`, with `A_α` computed
/// - for integer α by the binomial expansion `A_α = Σ_{i=0…α} C(α,i) (1−q)^{α−i} q^i exp((i² − i) / (2z²))`;
/// - for fractional α by the two-sided series of §3.3 with erfc tails, stopped when both series decrease and their
///   terms fall 30 nats below the total (as TensorFlow Privacy and Google's dp-accounting do; 1000 terms at most,
///   after which the order is excluded by returning +∞).
///
/// Every sum runs in log space (log-sum-exp with `log1p`), binomial coefficients through `lgamma`, and `log erfc`
/// switches to its asymptotic series where `erfc` would underflow. The numbers match dp-accounting 0.6.0's
/// `_compute_rdp_poisson_subsampled_gaussian` (checked by `LearningTests`).
enum SampledGaussianRDP {
    /// The RDP ε(α) of one step, in nats.
    /// - Parameters:
    ///   - q: sampling probability, 0…1.
    ///   - z: noise multiplier (noise standard deviation over L2 sensitivity), ≥ 0.
    ///   - alpha: the Rényi order, > 1.
    /// - Returns: ε(α) ≥ 0, or +∞ (no noise, α = ∞, or a fractional series that did not converge).
    static func rdp(q: Double, z: Double, alpha: Double) -> Double {
        if q == 0 { return 0 }
        if alpha.isInfinite || z == 0 { return .infinity }
        if q == 1 { return alpha / (2 * z * z) }
        let logA =
            alpha == alpha.rounded()
            ? logAInteger(q: q, sigma: z, alpha: Int(alpha))
            : logAFraction(
                q: q, sigma: z, alpha: alpha)
        return logA / (alpha - 1)
    }

    /// log(A_α) for integer α, 0 < q < 1.
    static func logAInteger(q: Double, sigma: Double, alpha: Int) -> Double {
        var logA = -Double.infinity
        let logQ = log(q)
        let log1mq = log1p(-q)
        for i in 0...alpha {
            let n = Double(alpha)
            let k = Double(i)
            let coefficient = logBinomial(n, k) + k * logQ + (n - k) * log1mq
            logA = logAdd(logA, coefficient + (k * k - k) / (2 * sigma * sigma))
        }
        return logA
    }

    /// log(A_α) for fractional α, 0 < q < 1 (Mironov et al. 2019, §3.3).
    static func logAFraction(q: Double, sigma: Double, alpha: Double) -> Double {
        var logA0 = -Double.infinity
        var logA1 = -Double.infinity
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        let logQ = log(q)
        let log1mq = log1p(-q)
        var lastS0 = -Double.infinity
        var lastS1 = -Double.infinity
        for step in 0..<1000 {
            let i = Double(step)
            let coefficient = logBinomial(alpha, i)
            let j = alpha - i
            let logT0 = coefficient + i * logQ + j * log1mq
            let logT1 = coefficient + j * logQ + i * log1mq
            let logE0 = log(0.5) + logErfc((i - z0) / (2.0.squareRoot() * sigma))
            let logE1 = log(0.5) + logErfc((z0 - j) / (2.0.squareRoot() * sigma))
            let logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0
            let logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1
            logA0 = logAdd(logA0, logS0)
            logA1 = logAdd(logA1, logS1)
            let total = logAdd(logA0, logA1)
            if logS0 < lastS0, logS1 < lastS1, max(logS0, logS1) < total - 30 { return total }
            lastS0 = logS0
            lastS1 = logS1
        }
        return .infinity
    }

    /// log(exp(x) + exp(y)) without overflow.
    static func logAdd(_ x: Double, _ y: Double) -> Double {
        let (a, b) = (min(x, y), max(x, y))
        if a == -.infinity { return b }
        return log1p(exp(a - b)) + b
    }

    /// log |C(n, k)| for real n, k through lgamma (the absolute value, as dp-accounting's `_log_comb`).
    static func logBinomial(_ n: Double, _ k: Double) -> Double {
        lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
    }

    /// log(erfc(x)), accurate where erfc underflows (x ≳ 26.5): there the asymptotic series
    /// `erfc(x) ≈ exp(−x²) / (x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸))` is used.
    static func logErfc(_ x: Double) -> Double {
        x < 25 ? log(erfc(x)) : logErfcAsymptotic(x)
    }

    /// The asymptotic series of log(erfc(x)) for large x (Abramowitz and Stegun 7.1.23, four terms).
    static func logErfcAsymptotic(_ x: Double) -> Double {
        let inverse2 = 1 / (x * x)
        let series =
            1 - inverse2 / 2 + 0.75 * inverse2 * inverse2 - 1.875 * pow(inverse2, 3) + 6.5625 * pow(inverse2, 4)
        return -x * x - log(x) - 0.5 * log(Double.pi) + log(series)
    }
}
