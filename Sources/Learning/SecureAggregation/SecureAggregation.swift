import Foundation

/// Secure aggregation (Bonawitz, Ivanov, Kreuter, Marcedone, McMahan, Patel, Ramage, Segal and Seth, "Practical
/// Secure Aggregation for Privacy-Preserving Machine Learning", CCS 2017, the semi-honest protocol of §4 / Fig. 4):
/// the coordinator learns the sum of the clients' vectors and nothing else about any one of them, and the sum is
/// still recovered when clients drop out, as long as at least ``Round/threshold`` remain.
///
/// The round's messages, in order (each a Codable value the agent carries over hub objects):
/// 1. ``AdvertiseKeys`` client → coordinator: two fresh X25519 public keys (one to encrypt key shares, one to
///    agree pairwise masks). Coordinator → clients: ``KeyDirectory`` (every advertised key: U1).
/// 2. ``ShareKeys`` client → coordinator: for each other client, an encrypted (ChaCha20-Poly1305) pair of Shamir
///    shares: of its self-mask seed b and of its masking private key. Coordinator → each client: its
///    ``ShareDelivery`` (the ciphertexts addressed to it, and U2, who shared).
/// 3. ``MaskedInput`` client → coordinator: `y = x + PRG(b) + Σ_{v∈U2} ±PRG(s_uv)` in Z/2⁶⁴ (``FixedPointCodec``),
///    with PRG = ChaCha20 keyed by HKDF-SHA256 of the X25519 agreement; the pairwise masks cancel in the sum.
///    Coordinator → clients: ``UnmaskRequest`` (U3, who sent a masked input).
/// 4. ``UnmaskResponse`` client → coordinator: for each survivor its share of b, for each client that dropped
///    after sharing keys its share of the masking key; never both for one client. The coordinator rebuilds the
///    self-masks of the survivors and the pairwise masks of the dropped and returns the sum of U3's inputs.
///
/// Shamir threshold t = n − ⌊n/3⌋: any two thirds of the n sampled clients recover the sum, so up to a third may
/// drop out at any phase; with fewer than t left the coordinator refuses (``SecureAggregationError/tooFewClients``)
/// and reveals nothing. Keys and seeds are fresh every round.
public enum SecureAggregation {
    /// The settings both sides agree on before a round starts (published by the coordinator with the round).
    public struct Round: Sendable, Hashable, Codable {
        /// A unique round id (fresh keys per round; also bound into every key derivation and ciphertext).
        public var id: String
        /// The sampled clients, sorted by name; a client's Shamir x-coordinate is its position + 1.
        public var participants: [String]
        /// t: how many clients must remain for the sum to be recovered.
        public var threshold: Int
        /// Coordinates per input vector.
        public var dimension: Int
        /// The fixed-point encoding of inputs into Z/2⁶⁴.
        public var codec: FixedPointCodec

        /// - Parameters:
        ///   - id: the round id.
        ///   - participants: the sampled clients (duplicates dropped, sorted).
        ///   - dimension: coordinates per vector.
        ///   - threshold: t (default n − ⌊n/3⌋: tolerates a third of the clients dropping out).
        ///   - codec: the fixed-point encoding (default 32 fraction bits, ±2²⁰).
        /// - Throws: ``SecureAggregationError/malformed(_:)`` for an empty round, t outside 1…n, or more clients than
        ///   the codec can sum.
        public init(
            id: String, participants: [String], dimension: Int, threshold: Int? = nil,
            codec: FixedPointCodec = FixedPointCodec()
        ) throws {
            let sorted = Array(Set(participants)).sorted()
            let t = threshold ?? (sorted.count - sorted.count / 3)
            guard !sorted.isEmpty, t >= 1, t <= sorted.count else {
                throw SecureAggregationError.malformed("threshold \(t) is not in 1…\(sorted.count)")
            }
            guard sorted.count <= codec.maxClients else {
                throw SecureAggregationError.malformed(
                    "\(sorted.count) clients exceed the fixed-point range's \(codec.maxClients)")
            }
            guard dimension >= 0 else { throw SecureAggregationError.malformed("negative dimension") }
            self.id = id
            self.participants = sorted
            self.threshold = t
            self.dimension = dimension
            self.codec = codec
        }

        /// The Shamir x-coordinate of `client` (1…n), or nil when it is not a participant.
        public func x(of client: String) -> UInt64? { participants.firstIndex(of: client).map { UInt64($0 + 1) } }
    }

    /// Phase 1, client → coordinator: the client's two fresh X25519 public keys (raw 32 bytes each).
    public struct AdvertiseKeys: Sendable, Hashable, Codable {
        public var round: String
        public var client: String
        /// c_u^PK: agrees the key that encrypts the Shamir shares sent to this client.
        public var encryptionPublicKey: Data
        /// s_u^PK: agrees the pairwise mask seeds.
        public var maskingPublicKey: Data

        public init(round: String, client: String, encryptionPublicKey: Data, maskingPublicKey: Data) {
            self.round = round
            self.client = client
            self.encryptionPublicKey = encryptionPublicKey
            self.maskingPublicKey = maskingPublicKey
        }
    }

    /// Phase 1, coordinator → every client: the advertised keys (U1).
    public struct KeyDirectory: Sendable, Hashable, Codable {
        public var round: String
        /// One entry per client that advertised, sorted by client.
        public var keys: [AdvertiseKeys]

        public init(round: String, keys: [AdvertiseKeys]) {
            self.round = round
            self.keys = keys
        }
    }

    /// Phase 2, client → coordinator: one ChaCha20-Poly1305 ciphertext per other client in U1.
    public struct ShareKeys: Sendable, Hashable, Codable {
        public var round: String
        public var client: String
        /// Recipient → sealed box (nonce ‖ ciphertext ‖ tag) of the sender's two shares for that recipient.
        public var ciphertexts: [String: Data]

        public init(round: String, client: String, ciphertexts: [String: Data]) {
            self.round = round
            self.client = client
            self.ciphertexts = ciphertexts
        }
    }

    /// Phase 2, coordinator → one client: the ciphertexts addressed to it, and who shared (U2).
    public struct ShareDelivery: Sendable, Hashable, Codable {
        public var round: String
        public var recipient: String
        /// Sender → sealed box.
        public var ciphertexts: [String: Data]
        /// U2: the clients whose shares went out, sorted.
        public var sharers: [String]

        public init(round: String, recipient: String, ciphertexts: [String: Data], sharers: [String]) {
            self.round = round
            self.recipient = recipient
            self.ciphertexts = ciphertexts
            self.sharers = sharers
        }
    }

    /// Phase 3, client → coordinator: the masked input in Z/2⁶⁴.
    public struct MaskedInput: Sendable, Hashable, Codable {
        public var round: String
        public var client: String
        /// `encode(x) + PRG(b) + Σ ±PRG(s_uv)`, wrapping; uniformly distributed to anyone without the masks.
        public var masked: [UInt64]

        public init(round: String, client: String, masked: [UInt64]) {
            self.round = round
            self.client = client
            self.masked = masked
        }
    }

    /// Phase 4, coordinator → clients: who sent a masked input (U3, the survivors).
    public struct UnmaskRequest: Sendable, Hashable, Codable {
        public var round: String
        /// U3, sorted.
        public var survivors: [String]

        public init(round: String, survivors: [String]) {
            self.round = round
            self.survivors = survivors
        }
    }

    /// Phase 4, client → coordinator: the shares that remove the masks.
    public struct UnmaskResponse: Sendable, Hashable, Codable {
        public var round: String
        public var client: String
        /// Survivor → this client's share of the survivor's self-mask seed b.
        public var seedShares: [String: ShamirShare]
        /// Client of U2 \ U3 (dropped) → this client's share of its masking private key.
        public var keyShares: [String: ShamirShare]

        public init(
            round: String, client: String, seedShares: [String: ShamirShare], keyShares: [String: ShamirShare]
        ) {
            self.round = round
            self.client = client
            self.seedShares = seedShares
            self.keyShares = keyShares
        }
    }
}
