/// Fixed-point encoding of `Double`s into the ring Z/2⁶⁴ (`UInt64` with wrap-around), where secure aggregation's
/// masks cancel exactly.
///
/// A value x becomes `round(x · 2^fractionBits)` as a two's-complement 64-bit integer. Sums wrap modulo 2⁶⁴, so
/// a sum of n encodings decodes correctly as long as the true sum stays within ±2⁶³ / 2^fractionBits. With the
/// defaults (32 fraction bits, |x| ≤ 2²⁰ = 1 048 576 per coordinate, at most 1024 clients) every sum fits
/// (2²⁰ · 2³² · 2¹⁰ = 2⁶²), and each coordinate of the sum is exact to n · 2⁻³³ (about 1.2e-10 per client).
/// Clipped updates are far inside the range: each coordinate is at most the clip norm C.
public struct FixedPointCodec: Sendable, Hashable, Codable {
    /// Bits after the binary point (precision 2^−fractionBits), 0…52.
    public var fractionBits: Int
    /// The largest |x| one client may encode.
    public var maxMagnitude: Double
    /// The most clients whose encodings may be summed without overflow.
    public var maxClients: Int

    /// - Parameters:
    ///   - fractionBits: precision bits (default 32).
    ///   - maxMagnitude: the largest |x| per coordinate (default 2²⁰).
    ///   - maxClients: the most summands (default 1024). `maxMagnitude · 2^fractionBits · maxClients` must
    ///     stay within 2⁶² (a factor 2 below overflow); the initializer clamps `maxClients` down until it does.
    public init(fractionBits: Int = 32, maxMagnitude: Double = 1_048_576, maxClients: Int = 1024) {
        self.fractionBits = min(52, max(0, fractionBits))
        self.maxMagnitude = max(0, maxMagnitude)
        let perClient = self.maxMagnitude * Double(sign: .plus, exponent: self.fractionBits, significand: 1)
        let limit =
            perClient > 0
            ? Int(min(4.611_686_018_427_387_904e18, (4.611_686_018_427_387_904e18 / perClient).rounded(.down)))
            : Int.max
        self.maxClients = max(1, min(maxClients, limit))
    }

    var scale: Double { Double(sign: .plus, exponent: fractionBits, significand: 1) }

    /// Encodes one vector.
    /// - Parameter values: each |x| ≤ ``maxMagnitude`` and finite.
    /// - Returns: the ring elements.
    /// - Throws: ``SecureAggregationError/outOfRange(index:value:limit:)``.
    public func encode(_ values: [Double]) throws -> [UInt64] {
        try values.enumerated().map { index, value in
            guard value.isFinite, abs(value) <= maxMagnitude else {
                throw SecureAggregationError.outOfRange(index: index, value: value, limit: maxMagnitude)
            }
            return UInt64(bitPattern: Int64((value * scale).rounded()))
        }
    }

    /// Decodes a ring vector (a single encoding or a sum of encodings).
    public func decode(_ ring: [UInt64]) -> [Double] {
        ring.map { Double(Int64(bitPattern: $0)) / scale }
    }
}
