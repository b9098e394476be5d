import Foundation

/// Gaussian noise by the Box–Muller transform (Box and Muller, 1958) from any random number generator.
public enum GaussianNoise {
    /// `count` independent draws from N(0, σ²).
    /// - Parameters:
    ///   - count: how many.
    ///   - standardDeviation: σ ≥ 0 (0 gives zeros).
    ///   - generator: the randomness (`SystemRandomNumberGenerator` in production).
    public static func sample<G: RandomNumberGenerator>(
        count: Int, standardDeviation: Double, using generator: inout G
    ) -> [Double] {
        guard standardDeviation > 0 else { return Array(repeating: 0, count: count) }
        var values: [Double] = []
        values.reserveCapacity(count + 1)
        while values.count < count {
            // u1 in (0, 1] so log(u1) is finite.
            let u1 = 1 - Double.random(in: 0..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let radius = (-2 * log(u1)).squareRoot() * standardDeviation
            values.append(radius * cos(2 * .pi * u2))
            values.append(radius * sin(2 * .pi * u2))
        }
        return Array(values.prefix(count))
    }
}
