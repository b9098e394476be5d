import Crypto
import Foundation

/// One client's side of a secure-aggregation round (``SecureAggregation``): a value type that holds its fresh keys
/// and seeds and turns each coordinator message into its next message.
///
/// Call in order: ``advertise()``, ``shareKeys(_:)``, ``maskedInput(_:_:)``, ``unmask(_:)``. Each checks what the
/// coordinator sent (round id, at least t clients, itself included) and refuses otherwise, so a coordinator that
/// claims too few clients cannot make it reveal both shares of one client. A refused step ends this client's part
/// in the round (a new round makes a new client). Secrets never leave this value except as Shamir shares sealed to
/// other clients.
public struct SecureAggregationClient: Sendable {
    /// The round.
    public let round: SecureAggregation.Round
    /// This client's name (one of the round's participants).
    public let client: String

    // Raw X25519 private keys (swift-crypto's key types are not Sendable).
    private let encryptionKeyBytes: Data
    private let maskingKeyBytes: Data
    private let selfMaskSeed: [UInt8]
    private var directory: [String: SecureAggregation.AdvertiseKeys] = [:]
    private var sharers: [String] = []
    private var received: [String: SealedShares] = [:]
    private var phase = "advertise"

    /// A client with fresh X25519 key pairs and a fresh 32-byte self-mask seed (from the OS's CSPRNG).
    /// - Throws: ``SecureAggregationError/unknownClient(_:)`` when `client` is not a participant.
    public init(round: SecureAggregation.Round, client: String) throws {
        guard round.x(of: client) != nil else { throw SecureAggregationError.unknownClient(client) }
        self.round = round
        self.client = client
        encryptionKeyBytes = Curve25519.KeyAgreement.PrivateKey().rawRepresentation
        maskingKeyBytes = Curve25519.KeyAgreement.PrivateKey().rawRepresentation
        var generator = SystemRandomNumberGenerator()
        selfMaskSeed = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Phase 1: the public keys to advertise.
    public func advertise() -> SecureAggregation.AdvertiseKeys {
        SecureAggregation.AdvertiseKeys(
            round: round.id, client: client, encryptionPublicKey: encryptionKey.publicKey.rawRepresentation,
            maskingPublicKey: maskingKey.publicKey.rawRepresentation)
    }

    /// Phase 2: Shamir-shares the self-mask seed and the masking key, one sealed pair per other client in U1.
    /// - Parameter directory: the coordinator's key directory.
    /// - Returns: the sealed shares.
    /// - Throws: ``SecureAggregationError`` for another round, a directory without this client, fewer than t
    ///   clients, repeated or malformed keys, or a call out of order.
    public mutating func shareKeys(_ directory: SecureAggregation.KeyDirectory) throws -> SecureAggregation.ShareKeys {
        try expect("advertise", next: "shareKeys", round: directory.round)
        var keys: [String: SecureAggregation.AdvertiseKeys] = [:]
        var seen = Set<Data>()
        for entry in directory.keys {
            guard round.x(of: entry.client) != nil, keys[entry.client] == nil else {
                throw SecureAggregationError.unknownClient(entry.client)
            }
            // Distinct keys (Bonawitz et al., Fig. 4, round 1): a repeated key would let one client pose as two.
            guard seen.insert(entry.encryptionPublicKey).inserted, seen.insert(entry.maskingPublicKey).inserted else {
                throw SecureAggregationError.malformed("repeated public key in the directory")
            }
            keys[entry.client] = entry
        }
        guard keys[client] == advertise() else {
            throw SecureAggregationError.malformed("directory lacks our own keys")
        }
        try requireThreshold(keys.count, phase: "share keys")
        self.directory = keys
        let holders = keys.keys.sorted()
        // Shares are cut for every participant's x; only those of U1 are sent.
        let seedShares = try ShamirSecretSharing.split(
            selfMaskSeed, threshold: round.threshold, count: round.participants.count)
        let keyShares = try ShamirSecretSharing.split(
            Array(maskingKey.rawRepresentation), threshold: round.threshold, count: round.participants.count)
        var ciphertexts: [String: Data] = [:]
        for holder in holders {
            guard let x = round.x(of: holder), let entry = keys[holder] else { continue }
            let shares = SealedShares(
                round: round.id, from: client, to: holder, seedShare: seedShares[Int(x) - 1],
                keyShare: keyShares[Int(x) - 1])
            if holder == client {
                received[client] = shares  // our own shares stay here
                continue
            }
            let key = try MaskGenerator.shareKey(
                encryptionKey, try publicKey(entry.encryptionPublicKey), round: round.id)
            ciphertexts[holder] = try ChaChaPoly.seal(
                try JSONEncoder().encode(shares), using: key,
                authenticating: SealedShares.associatedData(round: round.id, from: client, to: holder)
            ).combined
        }
        return SecureAggregation.ShareKeys(round: round.id, client: client, ciphertexts: ciphertexts)
    }

    /// Phase 3: opens the shares addressed to this client and masks its input.
    /// - Parameters:
    ///   - input: the vector to sum (for DP-FedAvg: the clipped update), ``SecureAggregation/Round/dimension`` long,
    ///     each coordinate within the codec's range.
    ///   - delivery: the coordinator's delivery for this client.
    /// - Returns: the masked input.
    /// - Throws: ``SecureAggregationError`` for a wrong length or range, fewer than t sharers, a sharer outside U1,
    ///   a ciphertext that does not open, or a call out of order.
    public mutating func maskedInput(
        _ input: [Double], _ delivery: SecureAggregation.ShareDelivery
    ) throws
        -> SecureAggregation.MaskedInput
    {
        try expect("shareKeys", next: "maskedInput", round: delivery.round)
        guard delivery.recipient == client else { throw SecureAggregationError.unknownClient(delivery.recipient) }
        guard input.count == round.dimension else {
            throw SecureAggregationError.malformed("input has \(input.count) coordinates, the round \(round.dimension)")
        }
        let sharers = Array(Set(delivery.sharers)).sorted()
        guard sharers.contains(client) else { throw SecureAggregationError.unknownClient(client) }
        try requireThreshold(sharers.count, phase: "masked input")
        for sender in sharers where sender != client {
            guard let entry = directory[sender] else { throw SecureAggregationError.unknownClient(sender) }
            guard let sealed = delivery.ciphertexts[sender] else {
                throw SecureAggregationError.decryptionFailed(from: sender)
            }
            let key = try MaskGenerator.shareKey(
                encryptionKey, try publicKey(entry.encryptionPublicKey), round: round.id)
            let opened: SealedShares
            do {
                let plain = try ChaChaPoly.open(
                    ChaChaPoly.SealedBox(combined: sealed), using: key,
                    authenticating: SealedShares.associatedData(round: round.id, from: sender, to: client))
                opened = try JSONDecoder().decode(SealedShares.self, from: plain)
            } catch {
                throw SecureAggregationError.decryptionFailed(from: sender)
            }
            guard opened.from == sender, opened.to == client, opened.round == round.id else {
                throw SecureAggregationError.decryptionFailed(from: sender)
            }
            received[sender] = opened
        }
        self.sharers = sharers
        var masked = try round.codec.encode(input)
        MaskGenerator.apply(
            try MaskGenerator.mask(seed: SymmetricKey(data: selfMaskSeed), count: round.dimension), to: &masked)
        for peer in sharers where peer != client {
            guard let entry = directory[peer] else { continue }
            let seed = try MaskGenerator.pairwiseSeed(
                maskingKey, try publicKey(entry.maskingPublicKey), round: round.id)
            // +PRG(s_uv) for u < v, −PRG(s_uv) for u > v: each pair's two masks cancel in the sum.
            MaskGenerator.apply(
                try MaskGenerator.mask(seed: seed, count: round.dimension), to: &masked, subtract: client > peer)
        }
        return SecureAggregation.MaskedInput(round: round.id, client: client, masked: masked)
    }

    /// Phase 4: the shares that unmask the survivors' sum: seed shares of survivors, key shares of the dropped.
    /// - Parameter request: the coordinator's list of survivors (U3).
    /// - Returns: the response.
    /// - Throws: ``SecureAggregationError/tooFewClients(phase:have:need:of:)`` when fewer than t survived (revealing
    ///   key shares then could expose survivors' inputs), or for survivors outside U2, a request that drops this
    ///   client, or a call out of order.
    public mutating func unmask(_ request: SecureAggregation.UnmaskRequest) throws -> SecureAggregation.UnmaskResponse {
        try expect("maskedInput", next: "unmask", round: request.round)
        let survivors = Set(request.survivors)
        guard survivors.isSubset(of: sharers) else {
            throw SecureAggregationError.unknownClient(survivors.subtracting(sharers).sorted().joined(separator: ", "))
        }
        guard survivors.contains(client) else { throw SecureAggregationError.unknownClient(client) }
        try requireThreshold(survivors.count, phase: "unmasking")
        var seedShares: [String: ShamirShare] = [:]
        var keyShares: [String: ShamirShare] = [:]
        for peer in sharers {
            guard let shares = received[peer] else { continue }
            if survivors.contains(peer) {
                seedShares[peer] = shares.seedShare
            } else {
                keyShares[peer] = shares.keyShare
            }
        }
        return SecureAggregation.UnmaskResponse(
            round: round.id, client: client, seedShares: seedShares, keyShares: keyShares)
    }

    private mutating func expect(_ current: String, next: String, round id: String) throws {
        guard id == round.id else { throw SecureAggregationError.wrongRound(expected: round.id, got: id) }
        guard phase == current else { throw SecureAggregationError.wrongPhase(expected: phase, got: next) }
        phase = next
    }

    private func requireThreshold(_ count: Int, phase: String) throws {
        guard count >= round.threshold else {
            throw SecureAggregationError.tooFewClients(
                phase: phase, have: count, need: round.threshold, of: round.participants.count)
        }
    }

    private var encryptionKey: Curve25519.KeyAgreement.PrivateKey {
        // Raw bytes this value made itself: always a valid key.
        (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: encryptionKeyBytes))
            ?? Curve25519.KeyAgreement.PrivateKey()
    }

    private var maskingKey: Curve25519.KeyAgreement.PrivateKey {
        (try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: maskingKeyBytes))
            ?? Curve25519.KeyAgreement.PrivateKey()
    }

    private func publicKey(_ raw: Data) throws -> Curve25519.KeyAgreement.PublicKey {
        do { return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw) } catch {
            throw SecureAggregationError.malformed("not an X25519 public key")
        }
    }
}
