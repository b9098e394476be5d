import Foundation
import Learning
import PlacerCore
import Testing

/// Secure aggregation (Bonawitz et al., CCS 2017): the sum is right, survives up to a third dropping out, is refused
/// beyond, and nothing a client sends the coordinator reveals its input.
@Suite struct SecureAggregationTests {
    static func inputs(_ clients: [String], dimension: Int, seed: UInt64) -> [String: [Double]] {
        var generator = SplitMix64(seed: seed)
        return Dictionary(
            uniqueKeysWithValues: clients.map { client in
                (client, (0..<dimension).map { _ in Double.random(in: -1...1, using: &generator) })
            })
    }

    static func plainSum(_ inputs: [String: [Double]], of clients: [String], dimension: Int) -> [Double] {
        clients.reduce(into: Array(repeating: 0.0, count: dimension)) { sum, client in
            for (index, value) in (inputs[client] ?? []).enumerated() { sum[index] += value }
        }
    }

    static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    let clients = (1...9).map { "cluster-\($0)" }

    @Test func theMaskedSumEqualsThePlainSum() throws {
        let round = try SecureAggregation.Round(id: "r1", participants: clients, dimension: 64)
        #expect(round.threshold == 6)
        let inputs = Self.inputs(clients, dimension: 64, seed: 1)
        var harness = SecureAggregationHarness()
        let sum = try harness.run(round: round, inputs: inputs)
        // Fixed point with 32 fraction bits: each input rounds by at most 2^−33.
        #expect(Self.maxDifference(sum, Self.plainSum(inputs, of: clients, dimension: 64)) <= 9 * pow(2, -33))
    }

    @Test func aThirdDroppingAfterSendingTheirMaskedInputStillGivesTheSum() throws {
        let round = try SecureAggregation.Round(id: "r2", participants: clients, dimension: 32)
        let inputs = Self.inputs(clients, dimension: 32, seed: 2)
        var harness = SecureAggregationHarness()
        harness.dropBeforeUnmask = ["cluster-2", "cluster-5", "cluster-9"]
        let sum = try harness.run(round: round, inputs: inputs)
        // Their inputs are in the sum: they sent them before vanishing.
        #expect(Self.maxDifference(sum, Self.plainSum(inputs, of: clients, dimension: 32)) <= 1e-8)
    }

    @Test func aThirdDroppingBeforeMaskingGivesTheSumOfTheSurvivors() throws {
        let round = try SecureAggregation.Round(id: "r3", participants: clients, dimension: 32)
        let inputs = Self.inputs(clients, dimension: 32, seed: 3)
        var harness = SecureAggregationHarness()
        harness.dropBeforeMaskedInput = ["cluster-1", "cluster-4"]
        harness.dropBeforeShareKeys = ["cluster-7"]
        let sum = try harness.run(round: round, inputs: inputs)
        let survivors = clients.filter { !["cluster-1", "cluster-4", "cluster-7"].contains($0) }
        #expect(Self.maxDifference(sum, Self.plainSum(inputs, of: survivors, dimension: 32)) <= 1e-8)
        #expect(Self.maxDifference(sum, Self.plainSum(inputs, of: clients, dimension: 32)) > 0.01)
    }

    @Test func moreThanAThirdDroppingIsRefusedWithoutASum() throws {
        let round = try SecureAggregation.Round(id: "r4", participants: clients, dimension: 8)
        let inputs = Self.inputs(clients, dimension: 8, seed: 4)
        var early = SecureAggregationHarness()
        early.dropBeforeMaskedInput = ["cluster-1", "cluster-2", "cluster-3", "cluster-4"]
        #expect(throws: SecureAggregationError.tooFewClients(phase: "maskedInput", have: 5, need: 6, of: 9)) {
            try early.run(round: round, inputs: inputs)
        }
        var late = SecureAggregationHarness()
        late.dropBeforeUnmask = ["cluster-6", "cluster-7", "cluster-8", "cluster-9"]
        let error = #expect(throws: SecureAggregationError.self) { try late.run(round: round, inputs: inputs) }
        #expect(error?.description.contains("more than a third dropped out") == true, "\(String(describing: error))")
    }

    @Test func aClientRefusesToUnmaskWhenTheCoordinatorClaimsTooFewSurvivors() throws {
        let round = try SecureAggregation.Round(id: "r5", participants: ["a", "b", "c"], dimension: 2)
        #expect(round.threshold == 2)
        var coordinator = SecureAggregationCoordinator(round: round)
        var clients = try round.participants.map { try SecureAggregationClient(round: round, client: $0) }
        for client in clients { try coordinator.receive(client.advertise()) }
        let directory = try coordinator.keyDirectory()
        for index in clients.indices { try coordinator.receive(try clients[index].shareKeys(directory)) }
        let deliveries = try coordinator.shareDeliveries()
        for index in clients.indices {
            _ = try clients[index].maskedInput([1, 2], try #require(deliveries[clients[index].client]))
        }
        // A lying coordinator says only "a" survived, hoping for b's and c's key shares and then a's alone.
        #expect(throws: SecureAggregationError.tooFewClients(phase: "unmasking", have: 1, need: 2, of: 3)) {
            try clients[0].unmask(SecureAggregation.UnmaskRequest(round: "r5", survivors: ["a"]))
        }
    }

    @Test func aMaskedUpdateIsIndistinguishableFromUniformNoise() throws {
        let dimension = 20_000
        let round = try SecureAggregation.Round(id: "r6", participants: ["a", "b", "c"], dimension: dimension)
        var coordinator = SecureAggregationCoordinator(round: round)
        var clients = try round.participants.map { try SecureAggregationClient(round: round, client: $0) }
        for client in clients { try coordinator.receive(client.advertise()) }
        let directory = try coordinator.keyDirectory()
        for index in clients.indices { try coordinator.receive(try clients[index].shareKeys(directory)) }
        let deliveries = try coordinator.shareDeliveries()
        // A smooth, strongly structured update in 0…1 (a daily load curve).
        let update = (0..<dimension).map { 0.5 + 0.4 * sin(Double($0) / 50) }
        let masked = try clients[0].maskedInput(update, try #require(deliveries["a"])).masked
        let asUniform = masked.map { Double($0 >> 11) / 9_007_199_254_740_992 }
        let correlation = Self.correlation(asUniform, update)
        // Independent: |r| ~ N(0, 1/n), so 5/√n is exceeded with probability < 1e-6.
        let bound = 5 / Double(dimension).squareRoot()
        #expect(abs(correlation) < bound, "correlation \(correlation)")
        // The test can fail: the unmasked encoding correlates perfectly.
        let plain = try round.codec.encode(update).map { Double(Int64(bitPattern: $0)) }
        #expect(Self.correlation(plain, update) > 0.999)
        // And the masked words are uniform: χ² over the top byte (255 degrees of freedom; 99.9999 % quantile ≈ 370).
        var counts = Array(repeating: 0.0, count: 256)
        for word in masked { counts[Int(word >> 56)] += 1 }
        let expected = Double(dimension) / 256
        let chiSquare = counts.reduce(0) { $0 + ($1 - expected) * ($1 - expected) / expected }
        #expect(chiSquare < 370, "χ² \(chiSquare)")
    }

    @Test func theCoordinatorReceivesNoRawValue() throws {
        // Canaries planted in one client's input: distinctive values whose encodings are searched in every byte
        // the coordinator receives (as JSON, as the hub would carry it).
        let canaries = [1234.567_890_123, -987.654_321_987, 31_415.926_535_897]
        var inputs = Self.inputs(clients, dimension: 48, seed: 6)
        inputs["cluster-3"]?.replaceSubrange(0..<3, with: canaries)
        let round = try SecureAggregation.Round(id: "r7", participants: clients, dimension: 48)
        var harness = SecureAggregationHarness()
        harness.dropBeforeUnmask = ["cluster-8"]
        let sum = try harness.run(round: round, inputs: inputs)
        #expect(Self.maxDifference(sum, Self.plainSum(inputs, of: clients, dimension: 48)) <= 1e-8)
        let received = harness.received
        #expect(received.count > 10_000, "the record holds the round's traffic")
        let codec = round.codec
        for canary in canaries {
            let encoded = try codec.encode([canary])[0]
            var needles: [Data] = [
                Data(String(canary).utf8), Data(String(format: "%.6f", canary).utf8), Data(String(encoded).utf8),
                Data(String(Int64(bitPattern: encoded)).utf8), Data((String(Int64(canary)) + ".").utf8),
            ]
            for pattern in [canary.bitPattern, encoded] {
                needles.append(withUnsafeBytes(of: pattern.littleEndian) { Data($0) })
                needles.append(withUnsafeBytes(of: pattern.bigEndian) { Data($0) })
                needles.append(withUnsafeBytes(of: pattern.littleEndian) { Data(Data($0).base64EncodedString().utf8) })
                needles.append(withUnsafeBytes(of: pattern.bigEndian) { Data(Data($0).base64EncodedString().utf8) })
            }
            for needle in needles {
                #expect(
                    received.range(of: needle) == nil,
                    "canary \(canary) found as \(String(decoding: needle, as: UTF8.self))")
            }
        }
        // The search can fail: the same canary in a plain JSON update is found.
        let leak = try JSONEncoder().encode(ClientUpdate(client: "cluster-3", delta: inputs["cluster-3"] ?? []))
        #expect(leak.range(of: Data(String(canaries[0]).utf8)) != nil)
    }

    @Test func theCoordinatorSaysWhomItWaitsForAndRefusesStrayMessages() throws {
        let round = try SecureAggregation.Round(id: "r8", participants: ["a", "b", "c"], dimension: 1)
        var coordinator = SecureAggregationCoordinator(round: round)
        let clients = try round.participants.map { try SecureAggregationClient(round: round, client: $0) }
        #expect(coordinator.phase == "advertise" && coordinator.awaiting == ["a", "b", "c"])
        try coordinator.receive(clients[0].advertise())
        try coordinator.receive(clients[2].advertise())
        #expect(coordinator.awaiting == ["b"])
        #expect(throws: SecureAggregationError.duplicate("a")) { try coordinator.receive(clients[0].advertise()) }
        let other = try SecureAggregationClient(
            round: try SecureAggregation.Round(id: "r9", participants: ["a", "b", "c"], dimension: 1), client: "b")
        #expect(throws: SecureAggregationError.wrongRound(expected: "r8", got: "r9")) {
            try coordinator.receive(other.advertise())
        }
        _ = try coordinator.keyDirectory()
        #expect(coordinator.phase == "shareKeys" && coordinator.awaiting == ["a", "c"])
        #expect(throws: SecureAggregationError.wrongPhase(expected: "shareKeys", got: "advertise")) {
            try coordinator.receive(clients[1].advertise())
        }
    }

    @Test func inputsOutsideTheFixedPointRangeAreRefused() throws {
        let codec = FixedPointCodec()
        #expect(throws: SecureAggregationError.outOfRange(index: 1, value: 2e6, limit: 1_048_576)) {
            try codec.encode([1, 2e6])
        }
        #expect(throws: SecureAggregationError.self) { try codec.encode([.nan]) }
        #expect(codec.decode(try codec.encode([-3.25, 0, 1e-11])) == [-3.25, 0, 0])
        #expect(throws: SecureAggregationError.self) {
            try SecureAggregation.Round(id: "big", participants: (0..<2000).map { "c\($0)" }, dimension: 1)
        }
    }

    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n
        let my = y.reduce(0, +) / n
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
