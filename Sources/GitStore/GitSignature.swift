import CLibGit2
import Foundation

/// Who made a commit and when (Git's author or committer line).
public struct GitSignature: Sendable, Equatable {
    /// The person's or bot's name.
    public var name: String
    /// The e-mail address.
    public var email: String
    /// The time, stored in Git with whole-second precision and a UTC offset of zero.
    public var date: Date

    /// Creates a signature.
    ///
    /// - Parameters:
    ///   - name: The name.
    ///   - email: The e-mail address.
    ///   - date: The time; sub-second parts are dropped when committed.
    public init(name: String, email: String, date: Date) {
        self.name = name
        self.email = email
        self.date = date
    }

    /// Reads a libgit2 signature.
    init(_ signature: UnsafePointer<git_signature>) {
        let value = signature.pointee
        name = value.name.map { String(cString: $0) } ?? ""
        email = value.email.map { String(cString: $0) } ?? ""
        date = Date(timeIntervalSince1970: TimeInterval(value.when.time))
    }

    /// Runs `body` with a libgit2 copy of this signature, freed afterwards.
    ///
    /// - Parameter body: Receives the signature pointer, valid only during the call.
    /// - Returns: `body`'s result.
    /// - Throws: `GitError` if libgit2 rejects the name or e-mail (e.g. angle brackets), or `body`'s error.
    func withSignature<T>(_ body: (UnsafePointer<git_signature>) throws -> T) throws -> T {
        var pointer: UnsafeMutablePointer<git_signature>?
        let seconds = git_time_t(date.timeIntervalSince1970.rounded(.down))
        try LibGit2.check(git_signature_new(&pointer, name, email, seconds, 0), "git_signature_new")
        defer { git_signature_free(pointer) }
        guard let signature = pointer else {
            throw GitError(code: -1, message: "libgit2 returned no signature", operation: "git_signature_new")
        }
        return try body(signature)
    }
}
