import Foundation
import Testing

@testable import Learning

/// The accountant's own properties, without the oracle.
@Suite struct RDPAccountantTests {
    @Test func defaultOrdersAreDpAccountingsList() {
        let orders = RDPAccountant.defaultOrders
        #expect(orders.count == 99 + 53 + 4)
        #expect(orders.first == 1.1 && orders[98] == 10.9 && orders[99] == 11 && orders.last == 1024)
        #expect(orders.contains(2) && orders.contains(64) == false)
    }

    @Test func fullBatchGaussianIsAlphaOverTwoZSquared() {
        for alpha in [1.5, 2, 32] {
            #expect(SampledGaussianRDP.rdp(q: 1, z: 2, alpha: alpha) == alpha / 8)
        }
        #expect(SampledGaussianRDP.rdp(q: 0, z: 2, alpha: 2) == 0)
        #expect(SampledGaussianRDP.rdp(q: 0.5, z: 0, alpha: 2) == .infinity)
    }

    @Test func integerOrderTwoHasItsClosedForm() {
        // A_2 = (1−q)² + 2q(1−q) + q² e^{1/σ²}  ⇒  ε(2) = log(1 + q²(e^{1/σ²} − 1)).
        let q = 0.1
        let z = 1.5
        let expected = log(1 + q * q * (exp(1 / (z * z)) - 1))
        #expect(abs(SampledGaussianRDP.rdp(q: q, z: z, alpha: 2) - expected) < 1e-12)
    }

    @Test func logErfcsSeriesAgreesWithErfcWhereBothWork() {
        for x in [12.0, 20, 25, 26] {
            let direct = log(erfc(x))
            #expect(abs(SampledGaussianRDP.logErfcAsymptotic(x) - direct) < 1e-9 * abs(direct), "x = \(x)")
        }
        #expect(SampledGaussianRDP.logErfc(25) == SampledGaussianRDP.logErfcAsymptotic(25))
        #expect(SampledGaussianRDP.logErfc(40).isFinite && SampledGaussianRDP.logErfc(40) < -1600)
    }

    @Test func compositionAddsPerOrderAndHeterogeneousRoundsAreTheirSum() throws {
        var a = RDPAccountant()
        try a.compose(samplingRate: 0.1, noiseMultiplier: 1, rounds: 10)
        var b = RDPAccountant()
        for _ in 0..<10 { try b.compose(samplingRate: 0.1, noiseMultiplier: 1) }
        // Orders whose fractional series does not converge are +∞ in both (as in dp-accounting).
        func same(_ x: Double, _ y: Double) -> Bool { x == y || abs(x - y) <= 1e-9 * max(1, abs(x)) }
        for (x, y) in zip(a.rdp, b.rdp) { #expect(same(x, y)) }
        #expect(b.events.count == 1 && b.rounds == 10)
        try b.compose(samplingRate: 0.5, noiseMultiplier: 2, rounds: 3)
        var c = RDPAccountant()
        try c.compose(samplingRate: 0.5, noiseMultiplier: 2, rounds: 3)
        for index in a.rdp.indices { #expect(same(b.rdp[index], a.rdp[index] + c.rdp[index])) }
        #expect(try b.epsilon().epsilon > a.epsilon().epsilon)
    }

    @Test func epsilonFallsWithNoiseAndGrowsWithRoundsAndRate() throws {
        let base = try RDPAccountant.epsilon(samplingRate: 0.1, noiseMultiplier: 1, rounds: 100).epsilon
        #expect(try RDPAccountant.epsilon(samplingRate: 0.1, noiseMultiplier: 2, rounds: 100).epsilon < base)
        #expect(try RDPAccountant.epsilon(samplingRate: 0.1, noiseMultiplier: 1, rounds: 200).epsilon > base)
        #expect(try RDPAccountant.epsilon(samplingRate: 0.2, noiseMultiplier: 1, rounds: 100).epsilon > base)
        #expect(try RDPAccountant.epsilon(samplingRate: 0.1, noiseMultiplier: 0, rounds: 1).epsilon == .infinity)
        #expect(try RDPAccountant.epsilon(samplingRate: 0, noiseMultiplier: 1, rounds: 100).epsilon == 0)
    }

    @Test func deltaIsTheInverseOfEpsilon() throws {
        var accountant = RDPAccountant()
        try accountant.compose(samplingRate: 0.05, noiseMultiplier: 1.1, rounds: 500)
        let guarantee = try accountant.epsilon(delta: 1e-5)
        let back = try accountant.delta(epsilon: guarantee.epsilon)
        #expect(back.delta <= 1e-5 * 1.0001 && back.delta > 1e-6)
    }

    @Test func badArgumentsAreRefused() {
        var accountant = RDPAccountant()
        #expect(throws: PrivacyError.invalidSamplingRate(1.5)) {
            try accountant.compose(samplingRate: 1.5, noiseMultiplier: 1)
        }
        #expect(throws: PrivacyError.invalidNoiseMultiplier(-1)) {
            try accountant.compose(samplingRate: 0.5, noiseMultiplier: -1)
        }
        #expect(throws: PrivacyError.invalidDelta(0)) { try accountant.epsilon(delta: 0) }
        #expect(throws: PrivacyError.self) {
            try RDPAccountant.noiseMultiplier(targetEpsilon: 1e-9, samplingRate: 1, rounds: 1_000_000)
        }
    }

    @Test func theAccountantRoundTripsThroughJSONEvenWithInfiniteRDP() throws {
        var accountant = RDPAccountant()
        try accountant.compose(samplingRate: 0.1, noiseMultiplier: 1, rounds: 7)
        try accountant.compose(samplingRate: 0.3, noiseMultiplier: 0, rounds: 1)
        let decoded = try JSONDecoder().decode(RDPAccountant.self, from: try JSONEncoder().encode(accountant))
        #expect(decoded == accountant)
        #expect(try decoded.epsilon().epsilon == .infinity)
    }
}
