import Foundation
import Testing

@testable import Learning

@Suite struct ShamirSecretSharingTests {
    @Test func anyThresholdSharesRecoverTheSecretAndFewerDoNot() throws {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let shares = try ShamirSecretSharing.split(secret, threshold: 4, count: 7)
        #expect(shares.map(\.x) == [1, 2, 3, 4, 5, 6, 7])
        for subset in [[0, 1, 2, 3], [6, 5, 4, 3], [0, 2, 4, 6], [1, 3, 5, 6]] {
            #expect(try ShamirSecretSharing.combine(subset.map { shares[$0] }, threshold: 4) == secret)
        }
        // Three shares interpolate a different polynomial: not the secret.
        #expect((try? ShamirSecretSharing.combine(Array(shares.prefix(3)), threshold: 3)) != secret)
        #expect(throws: SecureAggregationError.self) {
            try ShamirSecretSharing.combine(Array(shares.prefix(3)), threshold: 4)
        }
    }

    @Test func fieldArithmeticModuloTheMersennePrime() {
        let p = ShamirSecretSharing.prime
        #expect(ShamirSecretSharing.multiply(p - 1, p - 1) == 1)  // (−1)² = 1
        #expect(ShamirSecretSharing.add(p - 1, 1) == 0)
        for a: UInt64 in [2, 3, 12_345_678_901, p - 2] {
            #expect(ShamirSecretSharing.multiply(a, ShamirSecretSharing.inverse(a)) == 1)
        }
    }
}
