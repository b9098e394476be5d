import Foundation

/// The shared secret of Placer's webhooks: the HMAC key for GitHub and Gitea, the token GitLab sends.
///
/// It never prints: `description` and `debugDescription` are `<redacted>`, so it cannot reach a log or an
/// error message by interpolation. Load it from a file or an environment variable, never from the command line
/// (where `ps` and shell history show it).
public struct WebhookSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret's bytes (UTF-8 of the text configured at the Git host).
    let bytes: [UInt8]

    /// - Parameter text: the secret as configured at the Git host.
    /// - Throws: ``WebhookSecretError/empty(_:)`` when `text` is empty.
    public init(_ text: String) throws {
        guard !text.isEmpty else { throw WebhookSecretError.empty("the secret") }
        bytes = Array(text.utf8)
    }

    /// Reads the secret from a file (for example a mounted Kubernetes Secret). One trailing line break
    /// (`\n`, `\r\n` or another newline character) is removed, as `echo secret > file` and editors add one.
    /// - Parameter path: the file's path.
    /// - Throws: ``WebhookSecretError/unreadable(_:)`` or ``WebhookSecretError/empty(_:)``.
    public static func load(file path: String) throws -> WebhookSecret {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw WebhookSecretError.unreadable(path) }
        // "\r\n" is one Character in Swift, so a single dropLast removes either ending.
        let secret = text.last?.isNewline == true ? text.dropLast() : Substring(text)
        guard !secret.isEmpty else { throw WebhookSecretError.empty(path) }
        return try WebhookSecret(String(secret))
    }

    /// Reads the secret from an environment variable.
    /// - Parameters:
    ///   - name: the variable's name.
    ///   - environment: the environment to read (the process's by default).
    /// - Throws: ``WebhookSecretError/unset(_:)`` or ``WebhookSecretError/empty(_:)``.
    public static func load(
        environment name: String, from environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> WebhookSecret {
        guard let text = environment[name] else { throw WebhookSecretError.unset(name) }
        guard !text.isEmpty else { throw WebhookSecretError.empty("$\(name)") }
        return try WebhookSecret(text)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    /// No children, so `dump` and test failure messages cannot show the bytes either.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Why a webhook secret could not be loaded. Messages name the source, never the secret.
public enum WebhookSecretError: Error, Equatable, CustomStringConvertible {
    /// The file (path) is missing, unreadable or not UTF-8.
    case unreadable(String)
    /// The environment variable (name) is not set.
    case unset(String)
    /// The source (path, `$NAME` or "the secret") holds an empty secret.
    case empty(String)

    public var description: String {
        switch self {
        case .unreadable(let path):
            FileManager.default.fileExists(atPath: path)
                ? "webhook secret file \(path) cannot be read as UTF-8 text (a folder, no permission, or binary)"
                : "webhook secret file \(path) does not exist"
        case .unset(let name): "webhook secret variable \(name) is not set"
        case .empty(let source): "webhook secret from \(source) is empty"
        }
    }
}
