import Crypto
import Foundation

/// The coordinator's side of a secure-aggregation round (``SecureAggregation``): it takes only the clients'
/// messages and returns only the sum of the survivors' inputs.
///
/// What it holds is what it is sent: public keys, ciphertexts it cannot open, masked vectors (uniform in Z/2⁶⁴ to
/// it), and at the end t shares of each survivor's self-mask seed and of each dropped client's masking key, which
/// remove the masks from the *sum* and from nothing else. Steps run in order; each closes its phase:
/// `receive(_:)` of each AdvertiseKeys, then ``keyDirectory()``; of each ShareKeys, then ``shareDeliveries()``;
/// of each MaskedInput, then ``unmaskRequest()``; of each UnmaskResponse, then ``sum()``. Clients missing when a phase
/// closes have dropped out; with fewer than t left the step throws
/// ``SecureAggregationError/tooFewClients(phase:have:need:of:)`` and the round is abandoned.
public struct SecureAggregationCoordinator: Sendable {
    /// The round.
    public let round: SecureAggregation.Round

    private var advertised: [String: SecureAggregation.AdvertiseKeys] = [:]
    private var shared: [String: SecureAggregation.ShareKeys] = [:]
    private var masked: [String: SecureAggregation.MaskedInput] = [:]
    private var responses: [String: SecureAggregation.UnmaskResponse] = [:]
    private var sharers: [String] = []
    private var survivorList: [String] = []
    private var currentPhase = "advertise"

    public init(round: SecureAggregation.Round) { self.round = round }

    /// U3: the clients whose inputs the sum holds (empty until ``unmaskRequest()``).
    public var survivors: [String] { survivorList }

    /// The phase that accepts messages now: `advertise`, `shareKeys`, `maskedInput`, `unmask`, then `done` (after
    /// ``sum()``) or `abandoned` (after a phase closed with fewer than t clients).
    public var phase: String { currentPhase }

    /// The clients whose message the current phase still waits for, sorted: close the phase when this is empty or
    /// the deadline passed (the missing count as dropped out).
    public var awaiting: [String] {
        switch currentPhase {
        case "advertise": round.participants.filter { advertised[$0] == nil }
        case "shareKeys": advertised.keys.sorted().filter { shared[$0] == nil }
        case "maskedInput": sharers.filter { masked[$0] == nil }
        case "unmask": survivorList.filter { responses[$0] == nil }
        default: []
        }
    }

    /// Phase 1: a client's keys.
    /// - Throws: ``SecureAggregationError`` for another round, a non-participant, a duplicate, or a closed phase.
    public mutating func receive(_ message: SecureAggregation.AdvertiseKeys) throws {
        try accept(message.round, message.client, phase: "advertise", allowed: Set(round.participants))
        guard advertised[message.client] == nil else { throw SecureAggregationError.duplicate(message.client) }
        advertised[message.client] = message
    }

    /// Closes phase 1: the directory every client gets (U1 = who advertised).
    /// - Throws: ``SecureAggregationError/tooFewClients(phase:have:need:of:)`` when fewer than t advertised.
    public mutating func keyDirectory() throws -> SecureAggregation.KeyDirectory {
        try advance(from: "advertise", to: "shareKeys", count: advertised.count)
        return SecureAggregation.KeyDirectory(
            round: round.id, keys: advertised.keys.sorted().compactMap { advertised[$0] })
    }

    /// Phase 2: a client's sealed shares.
    /// - Throws: ``SecureAggregationError`` for another round, a client outside U1, a recipient outside U1, a
    ///   duplicate, or a closed phase.
    public mutating func receive(_ message: SecureAggregation.ShareKeys) throws {
        try accept(message.round, message.client, phase: "shareKeys", allowed: Set(advertised.keys))
        guard shared[message.client] == nil else { throw SecureAggregationError.duplicate(message.client) }
        for recipient in message.ciphertexts.keys where advertised[recipient] == nil || recipient == message.client {
            throw SecureAggregationError.unknownClient(recipient)
        }
        shared[message.client] = message
    }

    /// Closes phase 2: each sharer's delivery (the ciphertexts addressed to it from the other sharers, and U2).
    /// - Returns: recipient → delivery, for every client in U2.
    /// - Throws: ``SecureAggregationError/tooFewClients(phase:have:need:of:)`` when fewer than t shared.
    public mutating func shareDeliveries() throws -> [String: SecureAggregation.ShareDelivery] {
        try advance(from: "shareKeys", to: "maskedInput", count: shared.count)
        sharers = shared.keys.sorted()
        var deliveries: [String: SecureAggregation.ShareDelivery] = [:]
        for recipient in sharers {
            var ciphertexts: [String: Data] = [:]
            for sender in sharers where sender != recipient {
                ciphertexts[sender] = shared[sender]?.ciphertexts[recipient]
            }
            deliveries[recipient] = SecureAggregation.ShareDelivery(
                round: round.id, recipient: recipient, ciphertexts: ciphertexts, sharers: sharers)
        }
        return deliveries
    }

    /// Phase 3: a client's masked input.
    /// - Throws: ``SecureAggregationError`` for another round, a client outside U2, a wrong length, a duplicate, or
    ///   a closed phase.
    public mutating func receive(_ message: SecureAggregation.MaskedInput) throws {
        try accept(message.round, message.client, phase: "maskedInput", allowed: Set(sharers))
        guard masked[message.client] == nil else { throw SecureAggregationError.duplicate(message.client) }
        guard message.masked.count == round.dimension else {
            throw SecureAggregationError.malformed(
                "masked input of \(message.client) has \(message.masked.count) coordinates, the round \(round.dimension)"
            )
        }
        masked[message.client] = message
    }

    /// Closes phase 3: the survivors (U3 = who sent a masked input), sent to every survivor.
    /// - Throws: ``SecureAggregationError/tooFewClients(phase:have:need:of:)`` when fewer than t sent one.
    public mutating func unmaskRequest() throws -> SecureAggregation.UnmaskRequest {
        try advance(from: "maskedInput", to: "unmask", count: masked.count)
        survivorList = masked.keys.sorted()
        return SecureAggregation.UnmaskRequest(round: round.id, survivors: survivorList)
    }

    /// Phase 4: a survivor's shares.
    /// - Throws: ``SecureAggregationError`` for another round, a client outside U3, shares of the wrong kind for a
    ///   client (a seed share of a dropped client or a key share of a survivor), a duplicate, or a closed phase.
    public mutating func receive(_ message: SecureAggregation.UnmaskResponse) throws {
        try accept(message.round, message.client, phase: "unmask", allowed: Set(survivorList))
        guard responses[message.client] == nil else { throw SecureAggregationError.duplicate(message.client) }
        let survivors = Set(survivorList)
        for owner in message.seedShares.keys where !survivors.contains(owner) {
            throw SecureAggregationError.malformed("seed share of \(owner), who is not a survivor")
        }
        for owner in message.keyShares.keys where survivors.contains(owner) || !sharers.contains(owner) {
            throw SecureAggregationError.malformed("key share of \(owner), who did not drop out after sharing")
        }
        responses[message.client] = message
    }

    /// Closes the round: removes the masks and returns the sum of the survivors' inputs.
    /// - Returns: Σ_{u ∈ U3} x_u, decoded from fixed point (exact to n · 2^−(fractionBits+1) per coordinate).
    /// - Throws: ``SecureAggregationError/tooFewClients(phase:have:need:of:)`` when fewer than t survivors answered,
    ///   or ``SecureAggregationError/malformed(_:)`` when shares do not rebuild a key the client advertised.
    public mutating func sum() throws -> [Double] {
        try advance(from: "unmask", to: "done", count: responses.count)
        var total = Array(repeating: UInt64(0), count: round.dimension)
        for survivor in survivorList {
            guard let input = masked[survivor] else { continue }
            MaskGenerator.apply(input.masked, to: &total)
            // Remove the survivor's self-mask PRG(b_u).
            let seed = try ShamirSecretSharing.combine(
                responses.values.compactMap { $0.seedShares[survivor] }, threshold: round.threshold)
            MaskGenerator.apply(
                try MaskGenerator.mask(seed: SymmetricKey(data: seed), count: round.dimension), to: &total,
                subtract: true)
        }
        let survivors = Set(survivorList)
        for dropped in sharers where !survivors.contains(dropped) {
            // Rebuild the dropped client's masking key and cancel the masks the survivors shared with it.
            let raw = try ShamirSecretSharing.combine(
                responses.values.compactMap { $0.keyShares[dropped] }, threshold: round.threshold)
            guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw),
                let advertisedKey = advertised[dropped],
                key.publicKey.rawRepresentation == advertisedKey.maskingPublicKey
            else {
                throw SecureAggregationError.malformed("the key shares of \(dropped) do not rebuild its advertised key")
            }
            for survivor in survivorList {
                guard let entry = advertised[survivor] else { continue }
                let peer = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: entry.maskingPublicKey)
                let seed = try MaskGenerator.pairwiseSeed(key, peer, round: round.id)
                // The survivor added +PRG when survivor < dropped, −PRG otherwise: undo that.
                MaskGenerator.apply(
                    try MaskGenerator.mask(seed: seed, count: round.dimension), to: &total, subtract: survivor < dropped
                )
            }
        }
        return round.codec.decode(total)
    }

    private func accept(_ id: String, _ client: String, phase expected: String, allowed: Set<String>) throws {
        guard id == round.id else { throw SecureAggregationError.wrongRound(expected: round.id, got: id) }
        guard currentPhase == expected else {
            throw SecureAggregationError.wrongPhase(expected: currentPhase, got: expected)
        }
        guard allowed.contains(client) else { throw SecureAggregationError.unknownClient(client) }
    }

    private mutating func advance(from current: String, to next: String, count: Int) throws {
        guard currentPhase == current else {
            throw SecureAggregationError.wrongPhase(expected: currentPhase, got: current)
        }
        guard count >= round.threshold else {
            currentPhase = "abandoned"
            throw SecureAggregationError.tooFewClients(
                phase: current, have: count, need: round.threshold, of: round.participants.count)
        }
        currentPhase = next
    }
}
