import CLibGit2

/// Pushing a commit to a branch on `origin`.
extension GitRepository {
    /// What the server said about each reference; filled by the `push_update_reference` callback.
    private final class PushReport {
        /// Reference name and the server's status, for each refused update.
        var rejections: [(reference: String, status: String)] = []
    }

    /// Pushes `commit` to `refs/heads/<branch>` on `origin`, refusing to overwrite anything that is not
    /// an ancestor of `commit`.
    ///
    /// The commit is pushed through a local ref (`refs/placer/push/<branch>`, deleted afterwards) and a
    /// non-forcing refspec. `git_remote_push` can return 0 for a refused update, so the
    /// `push_update_reference` callback's status is checked too (DESIGN §7).
    ///
    /// - Parameters:
    ///   - commit: The commit to publish; it must exist in this repository.
    ///   - branch: The branch name on the remote, e.g. `"main"`.
    /// - Throws: `GitError` with kind `.nonFastForward` when libgit2 sees the remote branch is not an ancestor,
    ///   `.pushRejected(status)` when the server refuses (hook, race, permissions), or another kind when the
    ///   remote is unreachable; the message names the URL.
    public func push(_ commit: ObjectID, toBranch branch: String) throws {
        let branch = try GitRepository.validatedBranch(branch)
        let localRef = "refs/placer/push/\(branch)"
        let refspec = "\(localRef):refs/heads/\(branch)"
        try withLock {
            try moveReference(localRef, to: try commit.oid(), logMessage: "placer: push")
            defer { deleteReferenceIfPresent(localRef) }
            try withOrigin { remote, url in
                let context = "cannot push \(commit.hex) to '\(branch)' at \(url)"
                let report = PushReport()
                var options = git_push_options()
                try LibGit2.check(
                    git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
                configureCallbacks(&options.callbacks)
                options.callbacks.push_update_reference = { reference, status, payload in
                    guard let status, let payload else { return 0 }
                    let report = Unmanaged<PushReport>.fromOpaque(payload).takeUnretainedValue()
                    let name = reference.map { String(cString: $0) } ?? ""
                    report.rejections.append((name, String(cString: status)))
                    return 0
                }
                options.callbacks.payload = Unmanaged.passUnretained(report).toOpaque()
                do {
                    _ = try withExtendedLifetime(report) {
                        try GitRepository.withStringArray([refspec]) { refspecs in
                            try LibGit2.check(git_remote_push(remote, &refspecs, &options), "git_remote_push")
                        }
                    }
                } catch let error as GitError {
                    throw error.adding(context: context)
                }
                if let rejection = report.rejections.first {
                    throw GitError(
                        code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                        message: "\(context): server rejected \(rejection.reference): \(rejection.status)",
                        operation: "git_remote_push", kind: .pushRejected(rejection.status))
                }
                GitRepository.logger.debug(
                    "pushed", metadata: ["url": "\(url)", "branch": "\(branch)", "revision": "\(commit.hex)"])
            }
        }
    }
}
