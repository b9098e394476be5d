import Crypto
import Foundation
import GitStore

/// Someone allowed to act through the console: the author of the commits their actions make.
public struct ConsoleUser: Sendable, Hashable {
    public var name: String
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// `Name <email>`.
    public var display: String { "\(name) <\(email)>" }
}

/// The console's tokens, read from `--console-token-file`.
///
/// Format: one token a line, optionally followed by the user it signs in as, `TOKEN Name <email>`; blank lines and
/// `#` comments are skipped. A token alone signs in as `console <console@placer.invalid>`. Tokens are kept as
/// SHA-256 digests and compared in constant time; they are never logged or rendered.
public struct ConsoleTokens: Sendable {
    private var users: [(digest: [UInt8], user: ConsoleUser)]

    /// - Parameter entries: token → user.
    public init(_ entries: [(token: String, user: ConsoleUser)]) {
        users = entries.map { (Array(SHA256.hash(data: Data($0.token.utf8))), $0.user) }
    }

    /// Parses the token file's text.
    /// - Throws: ``ConsoleTokenError`` naming the file and line of a malformed entry, or when it holds no token.
    public static func parse(_ text: String, file: String) throws -> ConsoleTokens {
        var entries: [(String, ConsoleUser)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let token = parts[0]
            guard token.count >= 16 else {
                throw ConsoleTokenError.malformed(file: file, line: index + 1, "a token must be at least 16 characters")
            }
            var user = ConsoleUser(name: "console", email: "console@placer.invalid")
            if parts.count > 1 {
                let who = parts[1].trimmingCharacters(in: .whitespaces)
                guard let open = who.firstIndex(of: "<"), who.hasSuffix(">") else {
                    throw ConsoleTokenError.malformed(
                        file: file, line: index + 1, "after the token, give the user as Name <email>")
                }
                user = ConsoleUser(
                    name: who[..<open].trimmingCharacters(in: .whitespaces),
                    email: String(who[who.index(after: open)..<who.index(before: who.endIndex)]))
            }
            entries.append((token, user))
        }
        guard !entries.isEmpty else { throw ConsoleTokenError.empty(file: file) }
        return ConsoleTokens(entries)
    }

    /// Reads and parses a token file.
    /// - Throws: ``ConsoleTokenError``.
    public static func load(file: String) throws -> ConsoleTokens {
        guard let data = FileManager.default.contents(atPath: file) else { throw ConsoleTokenError.unreadable(file) }
        return try parse(String(decoding: data, as: UTF8.self), file: file)
    }

    /// The user a token signs in as, nil for an unknown token. Every entry is compared (constant time each).
    func user(for token: String) -> ConsoleUser? {
        let digest = Array(SHA256.hash(data: Data(token.utf8)))
        var found: ConsoleUser?
        for entry in users where Self.equal(entry.digest, digest) { found = found ?? entry.user }
        return found
    }

    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// Why a token file cannot be used; never includes a token.
public enum ConsoleTokenError: Error, CustomStringConvertible, Sendable {
    case unreadable(String)
    case empty(file: String)
    case malformed(file: String, line: Int, String)

    public var description: String {
        switch self {
        case let .unreadable(file): return "cannot read the console token file \(file)"
        case let .empty(file): return "\(file): no token (one token a line, optionally followed by Name <email>)"
        case let .malformed(file, line, message): return "\(file):\(line): \(message)"
        }
    }
}

/// Signed-in browser sessions: a random id in an HttpOnly, SameSite=Strict cookie, each with its CSRF token.
actor ConsoleSessions {
    struct Session: Sendable {
        var user: ConsoleUser
        var csrf: String
        var expires: Date
    }

    static let lifetime: TimeInterval = 12 * 3600
    static let limit = 10_000
    private var sessions: [String: Session] = [:]

    /// Starts a session; returns its id and CSRF token.
    func start(_ user: ConsoleUser, now: Date = Date()) -> (id: String, csrf: String) {
        if sessions.count >= Self.limit { sessions = sessions.filter { $0.value.expires > now } }
        if sessions.count >= Self.limit, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
            sessions[oldest.key] = nil
        }
        let id = Self.random()
        let csrf = Self.random()
        sessions[id] = Session(user: user, csrf: csrf, expires: now.addingTimeInterval(Self.lifetime))
        return (id, csrf)
    }

    func session(_ id: String, now: Date = Date()) -> Session? {
        guard let session = sessions[id] else { return nil }
        guard session.expires > now else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    func end(_ id: String) { sessions[id] = nil }

    /// 32 random bytes, hex.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// `application/x-www-form-urlencoded` (WHATWG URL standard §5): what HTML forms post and query strings carry.
enum FormCoding {
    /// Decodes `a=1&b=x+y` (`+` is a space; percent escapes are UTF-8). Later keys win.
    static func decode(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = unescape(String(parts[0]))
            let value = parts.count > 1 ? unescape(String(parts[1])) : ""
            if !key.isEmpty { result[key] = value }
        }
        return result
    }

    static func unescape(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
