import Foundation

/// Where a secret (token, password, key passphrase) is read from: a file or an environment variable.
///
/// Secrets never come from the command line or a URL. They are read lazily, at connect time, so a rotated
/// token file takes effect on the next fetch or push without a restart. The value is never logged and never
/// put in an error: errors name the file or variable only.
public enum GitSecret: Sendable, Equatable, CustomStringConvertible {
    /// The secret is the content of this file, without trailing newline characters (CR/LF).
    case file(String)
    /// The secret is the value of this environment variable of Placer's process.
    case environment(String)

    /// Reads the secret now.
    ///
    /// - Returns: The secret, trailing CR/LF removed.
    /// - Throws: `GitError` (kind `.authenticationFailed`) naming the file or variable when it is missing,
    ///   unreadable or empty.
    public func read() throws -> String {
        var value: String
        switch self {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GitError(
                    code: -1, message: "cannot read secret file \(path)", operation: "read credentials",
                    kind: .authenticationFailed)
            }
            value = String(decoding: data, as: UTF8.self)
        case .environment(let name):
            guard let text = ProcessInfo.processInfo.environment[name] else {
                throw GitError(
                    code: -1, message: "environment variable \(name) is not set", operation: "read credentials",
                    kind: .authenticationFailed)
            }
            value = text
        }
        while value.last == "\n" || value.last == "\r" {
            value.removeLast()
        }
        guard !value.isEmpty else {
            throw GitError(
                code: -1, message: "\(self) is empty", operation: "read credentials", kind: .authenticationFailed)
        }
        return value
    }

    /// Names the source, never the value: `"secret file /path"` or `"environment variable NAME"`.
    public var description: String {
        switch self {
        case .file(let path): return "secret file \(path)"
        case .environment(let name): return "environment variable \(name)"
        }
    }
}
