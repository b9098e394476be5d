import CLibGit2
import Foundation

/// Remote plumbing shared by fetch and push; callers hold the repository lock.
extension GitRepository {
    /// Runs `body` with remote `origin` and its URL, freed afterwards.
    ///
    /// - Throws: `GitError` with kind `.notFound` if the repository has no `origin` (use `openCache`).
    func withOrigin<T>(_ body: (OpaquePointer, String) throws -> T) throws -> T {
        var pointer: OpaquePointer?
        try LibGit2.check(git_remote_lookup(&pointer, handle, "origin"), "git_remote_lookup")
        defer { git_remote_free(pointer) }
        guard let remote = pointer else {
            throw GitError(code: -1, message: "no remote origin", operation: "git_remote_lookup")
        }
        let url = git_remote_url(remote).map { String(cString: $0) } ?? "origin"
        return try body(remote, url)
    }

    /// Installs the callbacks every connection needs.
    ///
    /// Credentials hook: SSH keys, HTTPS tokens and known_hosts checking will be installed here
    /// (`callbacks.credentials`, `callbacks.certificate_check`, with a capped retry count carried through
    /// `callbacks.payload`). Until then only anonymous transports (`file://`, `git://`, public `https://`) work.
    func configureCallbacks(_ callbacks: inout git_remote_callbacks) {
        _ = callbacks
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
