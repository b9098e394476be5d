import CLibGit2

/// An error reported by libgit2 (or by GitStore's own checks around it).
///
/// `code` and `klass` are libgit2's raw values (`git_error_code`, `git_error_t`) so callers can log them;
/// `kind` classifies the error by what the caller does next (refetch and retry, give up, treat as absent).
public struct GitError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, classed by the caller's next action.
    public enum Kind: Sendable, Equatable {
        /// libgit2 refused to push because the remote branch is not an ancestor of the pushed commit
        /// (`GIT_ENONFASTFORWARD`). Fetch, rebuild the commit on the new tip, push again.
        case nonFastForward
        /// The server refused the reference update; the associated value is its status text
        /// (e.g. `"pre-receive hook declined"`, `"non-fast-forward"`).
        case pushRejected(String)
        /// An object, reference, remote or repository does not exist (`GIT_ENOTFOUND`).
        case notFound
        /// The server refused the credentials, or none were configured or readable (`GIT_EAUTH`). Retrying with
        /// the same credentials will not help: fix the key, token or secret file.
        case authenticationFailed
        /// The server's identity could not be verified: SSH host key unknown, changed or revoked in known_hosts,
        /// or a TLS certificate not issued by the trusted CAs (`GIT_ECERTIFICATE`). Final until fixed.
        case untrustedServer
        /// Applying a change (a revert) conflicts with later changes; the associated value lists the paths.
        case conflict([String])
        /// Anything else (transport failures, corrupt objects, invalid input, ...).
        case other
    }

    /// libgit2's return code (`git_error_code`, e.g. -3 for `GIT_ENOTFOUND`), or -1 for a GitStore check.
    public let code: Int32
    /// libgit2's error class (`git_error_t`, e.g. 2 for `GIT_ERROR_OS`), 0 when libgit2 gave none.
    public let klass: Int32
    /// The human-readable message, lower case, without a trailing period.
    public let message: String
    /// The operation that failed: the libgit2 function name (`"git_remote_push"`) or a GitStore step.
    public let operation: String
    /// The error's class by next action.
    public let kind: Kind

    /// Creates an error from its parts.
    ///
    /// - Parameters:
    ///   - code: libgit2's return code.
    ///   - klass: libgit2's error class.
    ///   - message: A human-readable message.
    ///   - operation: The failing operation.
    ///   - kind: The error class by next action; derived from `code` when nil.
    public init(code: Int32, klass: Int32 = 0, message: String, operation: String, kind: Kind? = nil) {
        self.code = code
        self.klass = klass
        self.message = message
        self.operation = operation
        self.kind = kind ?? GitError.kind(forCode: code)
    }

    /// `true` when the push lost a race with another writer, whether libgit2 or the server noticed it.
    ///
    /// Callers retry such pushes after a fetch; other rejections (hooks, permissions) are final.
    public var isNonFastForward: Bool {
        switch kind {
        case .nonFastForward:
            return true
        case .pushRejected(let status):
            let lower = status.lowercased()
            // git's receive-pack answers "failed to update ref" (or "failed to lock") when a concurrent push held
            // or moved the ref between its check and its update: the same lost race, seen by the server.
            return lower.contains("non-fast-forward") || lower.contains("fetch first")
                || lower.contains("stale info") || lower.contains("failed to update ref")
                || lower.contains("failed to lock") || lower.contains("cannot lock ref")
        case .notFound, .authenticationFailed, .untrustedServer, .conflict, .other:
            return false
        }
    }

    public var description: String {
        "\(operation) failed (code \(code), class \(klass)): \(message)"
    }

    /// The same error with `context` put in front of its message.
    ///
    /// - Parameter context: What GitStore was doing, e.g. `"fetch 'main' from git://host/x.git"`.
    /// - Returns: A copy whose message reads `"<context>: <message>"`.
    func adding(context: String) -> GitError {
        GitError(code: code, klass: klass, message: "\(context): \(message)", operation: operation, kind: kind)
    }

    /// Builds an error from libgit2's thread-local last error. Call it right after the failing call.
    ///
    /// - Parameters:
    ///   - code: The failing call's return code.
    ///   - operation: The failing libgit2 function's name.
    /// - Returns: The error, with libgit2's message or a generic one when libgit2 set none.
    static func last(code: Int32, operation: String) -> GitError {
        guard let last = git_error_last(), let text = last.pointee.message else {
            return GitError(code: code, message: "libgit2 error \(code)", operation: operation)
        }
        var message = String(cString: text)
        while message.last == "." || message.last == "\n" {
            message.removeLast()
        }
        return GitError(code: code, klass: last.pointee.klass, message: message, operation: operation)
    }

    /// Maps a libgit2 return code to a `Kind`.
    private static func kind(forCode code: Int32) -> Kind {
        switch code {
        case GIT_ENONFASTFORWARD.rawValue:
            return .nonFastForward
        case GIT_ENOTFOUND.rawValue:
            return .notFound
        case GIT_EAUTH.rawValue:
            return .authenticationFailed
        case GIT_ECERTIFICATE.rawValue:
            return .untrustedServer
        default:
            return .other
        }
    }
}
