import Crypto
import Foundation

/// An OpenSSH known_hosts file, used to verify an SSH server's host key (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT").
///
/// Supported: plain host names, `[host]:port` for ports other than 22, comma-separated lists, `*`/`?` wildcards,
/// `!` negation, hashed entries (`|1|base64 salt|base64 HMAC-SHA1`, as written by `ssh-keygen -H` and
/// `HashKnownHosts yes`) and the `@revoked` marker. `@cert-authority` lines are skipped (host certificates are
/// not supported). Keys are compared as whole public-key blobs, so the key type is part of the comparison.
public struct KnownHosts: Sendable {
    /// The result of checking a host's key.
    public enum Verdict: Sendable, Equatable {
        /// A line for the host lists exactly this key.
        case trusted
        /// The host is listed, but with other keys; the associated value lists their types (`"ssh-ed25519"`).
        case mismatch(knownTypes: [String])
        /// No line names the host.
        case unknownHost
        /// The key is marked `@revoked`.
        case revoked
    }

    /// One usable line.
    struct Entry: Sendable {
        let patterns: String
        let keyType: String
        let key: [UInt8]
        let revoked: Bool
    }

    /// The file's usable lines.
    let entries: [Entry]

    /// Parses known_hosts text; lines that cannot be parsed are skipped, as OpenSSH does.
    ///
    /// - Parameter text: The file's content.
    public init(text: String) {
        var entries: [Entry] = []
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let first = fields.first, !first.hasPrefix("#") else { continue }
            var revoked = false
            if first.hasPrefix("@") {
                guard first == "@revoked" else { continue }
                revoked = true
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            entries.append(Entry(patterns: fields[0], keyType: fields[1], key: [UInt8](key), revoked: revoked))
        }
        self.entries = entries
    }

    /// Reads and parses a known_hosts file.
    ///
    /// - Parameter path: The file's path.
    /// - Throws: `GitError` (kind `.untrustedServer`) naming the file if it cannot be read.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GitError(
                code: -1, message: "cannot read known_hosts file \(path)", operation: "check host key",
                kind: .untrustedServer)
        }
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    /// Checks `key` for `hostName`.
    ///
    /// - Parameters:
    ///   - hostName: The name as OpenSSH looks it up: `host` for port 22, `[host]:port` otherwise.
    ///   - key: The server's public key blob (SSH wire format: the base64-decoded third field of a line).
    /// - Returns: The verdict; `@revoked` wins over a trusting line.
    public func verify(hostName: String, key: [UInt8]) -> Verdict {
        let name = hostName.lowercased()
        var trusted = false
        var knownTypes: [String] = []
        for entry in entries where KnownHosts.matches(name, patterns: entry.patterns) {
            if entry.key == key {
                if entry.revoked { return .revoked }
                trusted = true
            } else if !entry.revoked {
                knownTypes.append(entry.keyType)
            }
        }
        if trusted { return .trusted }
        return knownTypes.isEmpty ? .unknownHost : .mismatch(knownTypes: knownTypes)
    }

    /// Whether `name` matches a line's host field (hashed, or a comma list of patterns with negation).
    static func matches(_ name: String, patterns: String) -> Bool {
        if patterns.hasPrefix("|1|") {
            let parts = patterns.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
                let hash = Data(base64Encoded: String(parts[3]))
            else { return false }
            return hmacSHA1(key: [UInt8](salt), message: Array(name.utf8)) == [UInt8](hash)
        }
        var matched = false
        for pattern in patterns.lowercased().split(separator: ",") {
            if pattern.hasPrefix("!") {
                if wildcardMatch(Array(name.utf8), Array(pattern.dropFirst().utf8)) { return false }
            } else if wildcardMatch(Array(name.utf8), Array(pattern.utf8)) {
                matched = true
            }
        }
        return matched
    }

    /// Glob matching with `*` (any run) and `?` (one character), as OpenSSH's `match_pattern`.
    static func wildcardMatch(_ text: [UInt8], _ pattern: [UInt8]) -> Bool {
        var (t, p) = (0, 0)
        var star: Int?
        var starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                t += 1
                p += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                starText = t
                p += 1
            } else if let star {
                p = star + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}

extension KnownHosts {
    /// HMAC-SHA1 (RFC 2104) of `message` under `key`, through swift-crypto: the hash of OpenSSH's hashed
    /// known_hosts entries (`|1|salt|hash`, hash = HMAC-SHA1(key: salt, message: host name)). Not for anything
    /// that needs collision resistance.
    /// - Parameters:
    ///   - key: the key (any length; longer than the 64-byte block is hashed first).
    ///   - message: the message.
    /// - Returns: the 20-byte MAC.
    static func hmacSHA1(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }
}
