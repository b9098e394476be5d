import Crypto
import Foundation

/// SHA-256 digests used for decision ids and input digests (FIPS 180-4, through swift-crypto).
public enum Digest {
    /// Lower-case hex SHA-256 of `data`.
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
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
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
