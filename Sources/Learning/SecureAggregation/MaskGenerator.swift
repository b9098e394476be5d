import Crypto
import Foundation
import _CryptoExtras

/// The pseudorandom masks of secure aggregation: ChaCha20 (RFC 8439, swift-crypto's `Insecure.ChaCha20CTR`, block
/// counter 0, all-zero nonce) keystream read as little-endian `UInt64`s. Every key is used for one stream only: seeds
/// are fresh per round and pairwise keys are bound to the round id by HKDF, so the fixed nonce never repeats a
/// (key, nonce) pair.
enum MaskGenerator {
    /// `count` ring elements from a 32-byte seed.
    static func mask(seed: SymmetricKey, count: Int) throws -> [UInt64] {
        guard count > 0 else { return [] }
        let stream = try Insecure.ChaCha20CTR.encrypt(
            Data(count: count * 8), using: seed, nonce: Insecure.ChaCha20CTR.Nonce(data: Data(count: 12)))
        return stream.withUnsafeBytes { raw in
            (0..<count).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }

    /// The pairwise mask seed s_uv of two clients: HKDF-SHA256 of their X25519 agreement, salted with the round.
    static func pairwiseSeed(
        _ privateKey: Curve25519.KeyAgreement.PrivateKey, _ peer: Curve25519.KeyAgreement.PublicKey, round: String
    ) throws -> SymmetricKey {
        try privateKey.sharedSecretFromKeyAgreement(with: peer).hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: Data(round.utf8), sharedInfo: Data("placer-secagg-mask-v1".utf8),
            outputByteCount: 32)
    }

    /// The key that encrypts the shares between two clients: HKDF-SHA256 of their encryption keys' agreement.
    static func shareKey(
        _ privateKey: Curve25519.KeyAgreement.PrivateKey, _ peer: Curve25519.KeyAgreement.PublicKey, round: String
    ) throws -> SymmetricKey {
        try privateKey.sharedSecretFromKeyAgreement(with: peer).hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: Data(round.utf8), sharedInfo: Data("placer-secagg-shares-v1".utf8),
            outputByteCount: 32)
    }

    /// Adds (or subtracts) a mask into `vector`, wrapping modulo 2⁶⁴.
    static func apply(_ mask: [UInt64], to vector: inout [UInt64], subtract: Bool = false) {
        for index in vector.indices {
            vector[index] = subtract ? vector[index] &- mask[index] : vector[index] &+ mask[index]
        }
    }
}

/// The plaintext of one sealed share pair (sender → recipient).
struct SealedShares: Codable {
    var round: String
    var from: String
    var to: String
    /// Share of the sender's self-mask seed b.
    var seedShare: ShamirShare
    /// Share of the sender's masking private key s^SK.
    var keyShare: ShamirShare

    /// Associated data binding a ciphertext to its round, sender and recipient.
    static func associatedData(round: String, from: String, to: String) -> Data {
        Data("\(round)\u{0}\(from)\u{0}\(to)".utf8)
    }
}
