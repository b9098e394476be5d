import CLibGit2
import Foundation

/// Remote plumbing shared by fetch and push; callers hold the repository lock.
extension GitRepository {
    /// Runs `body` with remote `origin` and its URL (any password replaced by `***`), freed afterwards.
    ///
    /// `origin` is looked up once per repository handle and copied for each use (`git_remote_dup`, which reads no
    /// configuration): Debian's libgit2 1.5 leaks a PCRE2 match data (about 20 KiB with PCRE2 10.42) for every
    /// configuration entry its `url.*.insteadOf` scan in `git_remote_lookup` does not match (`git_regexp_match`
    /// returns before freeing it on no match; fixed in later libgit2). A lookup per fetch and per push grew a
    /// daemon by 0.3–1 MB per reconcile (`placer-lab bench soak`, heaptrack). A copy gets a fresh transport each
    /// time, as a lookup did.
    ///
    /// - Throws: `GitError` with kind `.notFound` if the repository has no `origin` (use `openCache`).
    func withOrigin<T>(_ body: (OpaquePointer, String) throws -> T) throws -> T {
        if originTemplate == nil {
            var looked: OpaquePointer?
            try LibGit2.check(git_remote_lookup(&looked, handle, "origin"), "git_remote_lookup")
            originTemplate = looked
        }
        var pointer: OpaquePointer?
        try LibGit2.check(git_remote_dup(&pointer, originTemplate), "git_remote_dup")
        defer { git_remote_free(pointer) }
        guard let remote = pointer else {
            throw GitError(code: -1, message: "no remote origin", operation: "git_remote_dup")
        }
        // Redacted: the URL goes into messages and logs (a password in it is refused later, by RemoteSession).
        let url = git_remote_url(remote).map { RemoteURL.redacting(String(cString: $0)) } ?? "origin"
        return try body(remote, url)
    }

    /// Runs one network operation on `origin` with credentials, host checks and GitStore's error messages.
    ///
    /// Builds the `RemoteSession` whose callbacks `body` installs (`session.install(in:)`), holds the process-wide
    /// TLS trust for HTTPS remotes, and turns a failure into a `GitError` prefixed with `context`: the callback's
    /// own reason (authentication, host key, certificate) when one refused, libgit2's message otherwise.
    /// Callers hold the repository lock.
    ///
    /// - Parameters:
    ///   - url: `origin`'s URL.
    ///   - context: What is being done, e.g. `"cannot fetch 'main' from <url>"`.
    ///   - body: Runs the libgit2 call with the session.
    /// - Returns: `body`'s result.
    /// - Throws: `GitError` as described; kind `.authenticationFailed` or `.untrustedServer` for refusals.
    func withRemoteSession<T>(url: String, context: String, _ body: (RemoteSession) throws -> T) throws -> T {
        let credentials = credentialsLocked
        let session: RemoteSession
        do {
            session = try RemoteSession(url: url, credentials: credentials)
        } catch let error as GitError {
            throw error.adding(context: context)
        }
        do {
            return try withExtendedLifetime(session) {
                if session.remote.transport == .https {
                    return try TLSTrust.shared.withTrust(caBundle: credentials.https?.caBundlePath) {
                        try body(session)
                    }
                }
                return try body(session)
            }
        } catch let error as GitError {
            if let failure = session.failure {
                loggerLocked.warning(
                    "remote refused", metadata: ["url": "\(RemoteURL.redacting(url))", "reason": "\(failure.message)"])
                throw failure.adding(context: context)
            }
            throw error.adding(context: context)
        }
    }

    /// Deletes reference `name` if it exists; errors are ignored (used for clean-up).
    func deleteReferenceIfPresent(_ name: String) {
        var reference: OpaquePointer?
        guard git_reference_lookup(&reference, handle, name) == 0 else { return }
        defer { git_reference_free(reference) }
        _ = git_reference_delete(reference)
    }

    /// Runs `body` with a `git_strarray` view of `strings`, valid only during the call.
    @discardableResult
    static func withStringArray<T>(_ strings: [String], _ body: (inout git_strarray) throws -> T) throws -> T {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        guard !pointers.contains(where: { $0 == nil }) else {
            throw GitError(code: -1, message: "out of memory", operation: "strdup")
        }
        return try pointers.withUnsafeMutableBufferPointer { buffer in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return try body(&array)
        }
    }

    /// Rejects branch names that would make a malformed refspec.
    static func validatedBranch(_ branch: String) throws -> String {
        let reference = "refs/heads/" + branch
        var valid: Int32 = 0
        try LibGit2.check(git_reference_name_is_valid(&valid, reference), "git_reference_name_is_valid")
        guard valid == 1, !branch.contains(":"), !branch.hasPrefix("+") else {
            throw GitError(
                code: GIT_EINVALIDSPEC.rawValue, message: "invalid branch name '\(branch)'",
                operation: "validate branch")
        }
        return branch
    }
}
