import Crypto
import Foundation

/// SHA-256 digests used for decision ids and input digests (FIPS 180-4, through swift-crypto).
public enum Digest {
    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// Lower-case hex of `bytes`, two digits a byte (what `String(format: "%02x")` per byte gives, without a
    /// format call per byte: a reconcile at 1,000 apps computes thousands of digests).
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hex SHA-256 of the files' paths and contents, in path order.
    public static func sha256(files: [String: Data]) -> String {
        sha256(paths: Array(files.keys), in: files)
    }

    /// Hex SHA-256 of the files at `paths` among `files`: each path, NUL, its bytes (none when `files` lacks it),
    /// NUL, in path order. ``sha256(files:)`` of the same files, without building a filtered dictionary.
    public static func sha256(paths: [String], in files: [String: Data]) -> String {
        var hasher = SHA256()
        for path in paths.sorted() {
            hasher.update(data: Data(path.utf8))
            hasher.update(data: Data([0]))
            if let data = files[path] { hasher.update(data: data) }
            hasher.update(data: Data([0]))
        }
        return hex(hasher.finalize())
    }
}
