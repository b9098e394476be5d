/// Shamir's t-out-of-n secret sharing (Shamir, "How to Share a Secret", CACM 1979) over the prime field
/// GF(2⁶¹ − 1), for secure aggregation's mask seeds and masking keys (Bonawitz et al., CCS 2017, §3).
///
/// A byte secret is cut into 7-byte chunks (56 bits, below the prime); each chunk is the constant term of its own
/// random polynomial of degree t − 1, evaluated at the holder's x = 1…n. Any t shares give the secret back by
/// Lagrange interpolation at 0; t − 1 shares are uniformly distributed whatever the secret (perfect secrecy).
/// Coefficients come from `SystemRandomNumberGenerator` (the OS's CSPRNG).
public enum ShamirSecretSharing {
    /// The field's prime, 2⁶¹ − 1 (a Mersenne prime: reduction is a shift and an add).
    public static let prime: UInt64 = (1 << 61) - 1
    static let chunkBytes = 7

    /// Splits `secret` into `count` shares of which any `threshold` recover it.
    /// - Parameters:
    ///   - secret: the bytes (a 32-byte key or seed here).
    ///   - threshold: t, 1…count.
    ///   - count: n, the number of holders (x = 1…n).
    /// - Returns: n shares, the i-th for x = i + 1.
    /// - Throws: ``SecureAggregationError/malformed(_:)`` when t is not in 1…n.
    public static func split(_ secret: [UInt8], threshold: Int, count: Int) throws -> [ShamirShare] {
        guard threshold >= 1, threshold <= count else {
            throw SecureAggregationError.malformed("threshold \(threshold) is not in 1…\(count)")
        }
        var generator = SystemRandomNumberGenerator()
        var shares = (1...count).map { ShamirShare(x: UInt64($0), values: [], length: secret.count) }
        for start in stride(from: 0, to: secret.count, by: chunkBytes) {
            let chunk = secret[start..<min(secret.count, start + chunkBytes)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let coefficients = [chunk] + (1..<threshold).map { _ in UInt64.random(in: 0..<prime, using: &generator) }
            for index in shares.indices {
                // Horner's rule at x.
                let x = shares[index].x
                shares[index].values.append(coefficients.reversed().reduce(0) { add(multiply($0, x), $1) })
            }
        }
        return shares
    }

    /// Recovers a secret from at least `threshold` shares with distinct x.
    /// - Parameters:
    ///   - shares: the shares (the first `threshold` distinct ones are used).
    ///   - threshold: t.
    /// - Returns: the secret's bytes.
    /// - Throws: ``SecureAggregationError/malformed(_:)`` for too few or inconsistent shares.
    public static func combine(_ shares: [ShamirShare], threshold: Int) throws -> [UInt8] {
        var seen = Set<UInt64>()
        let used = shares.filter { $0.x != 0 && $0.x < prime && seen.insert($0.x).inserted }.prefix(threshold)
        guard threshold >= 1, used.count == threshold, let first = used.first else {
            throw SecureAggregationError.malformed("\(used.count) distinct shares, \(threshold) needed")
        }
        let chunks = (first.length + chunkBytes - 1) / chunkBytes
        guard used.allSatisfy({ $0.length == first.length && $0.values.count == chunks }) else {
            throw SecureAggregationError.malformed("shares of different secrets")
        }
        // Lagrange basis at 0: λ_i = Π_{j≠i} x_j / (x_j − x_i).
        let xs = used.map(\.x)
        let lambdas = xs.indices.map { i in
            xs.indices.filter { $0 != i }.reduce(UInt64(1)) { product, j in
                multiply(product, multiply(xs[j], inverse(add(xs[j], prime - xs[i]))))
            }
        }
        var bytes: [UInt8] = []
        for chunk in 0..<chunks {
            let value = zip(used, lambdas).reduce(UInt64(0)) { add($0, multiply($1.0.values[chunk] % prime, $1.1)) }
            let width = min(chunkBytes, first.length - chunk * chunkBytes)
            guard width == 8 || value >> UInt64(8 * width) == 0 else {
                throw SecureAggregationError.malformed("shares do not interpolate to a secret")
            }
            bytes += (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
        }
        return bytes
    }

    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let sum = a + b  // both < 2⁶¹: no overflow
        return sum >= prime ? sum - prime : sum
    }

    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        // a·b = high·2⁶⁴ + low ≡ (high·2³ + low>>61) + (low & p) (mod 2⁶¹ − 1), since 2⁶¹ ≡ 1.
        let folded = (high << 3 | low >> 61) + (low & prime)
        let once = (folded & prime) + (folded >> 61)
        return once >= prime ? once - prime : once
    }

    static func inverse(_ a: UInt64) -> UInt64 {
        // Fermat: a^(p−2).
        var result: UInt64 = 1
        var base = a
        var exponent = prime - 2
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }
}

/// One holder's share of a secret: the polynomials' values at ``x``, one per 7-byte chunk.
public struct ShamirShare: Sendable, Hashable, Codable {
    /// The holder's evaluation point, 1…n.
    public var x: UInt64
    /// One field element (< 2⁶¹ − 1) per chunk of the secret.
    public var values: [UInt64]
    /// The secret's length in bytes.
    public var length: Int

    /// - Parameters:
    ///   - x: the evaluation point.
    ///   - values: one field element per 7-byte chunk.
    ///   - length: the secret's length in bytes.
    public init(x: UInt64, values: [UInt64], length: Int) {
        self.x = x
        self.values = values
        self.length = length
    }
}
