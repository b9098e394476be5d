/// A seeded random number generator (SplitMix64, Steele, Lea and Flood, OOPSLA 2014): the same seed gives the same
/// stream on every platform, for the coordinator's reproducible sampling and for tests.
///
/// Not cryptographic: noise that protects privacy in production comes from `SystemRandomNumberGenerator`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// - Parameter seed: any 64-bit value.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
