import CLibGit2

/// Pushing a commit to a branch on `origin`.
extension GitRepository {
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
    ///   remote is unreachable; the message names the URL. Kind `.authenticationFailed` or `.untrustedServer` as
    ///   for `fetch(branch:)`.
    public func push(_ commit: ObjectID, toBranch branch: String) throws {
        try push(commit, toBranch: branch, force: false)
    }

    /// Pushes `commit` to `refs/heads/<branch>` on `origin`; with `force`, replaces whatever the branch holds
    /// (for a branch Placer alone owns, such as its proposal branch). Same errors as ``push(_:toBranch:)``.
    public func push(_ commit: ObjectID, toBranch branch: String, force: Bool) throws {
        let branch = try GitRepository.validatedBranch(branch)
        let localRef = "refs/placer/push/\(branch)"
        try withLock {
            try moveReference(localRef, to: try commit.oid(), logMessage: "placer: push")
            defer { deleteReferenceIfPresent(localRef) }
            try pushLocked(
                refspec: "\(force ? "+" : "")\(localRef):refs/heads/\(branch)", branch: branch, what: commit.hex)
        }
    }

    /// Deletes `refs/heads/<branch>` on `origin`; nothing happens if it does not exist there.
    /// - Throws: `GitError` when the remote is unreachable or refuses the deletion.
    public func deleteRemoteBranch(_ branch: String) throws {
        let branch = try GitRepository.validatedBranch(branch)
        try withLock {
            try pushLocked(refspec: ":refs/heads/\(branch)", branch: branch, what: "a deletion")
            deleteReferenceIfPresent("refs/remotes/origin/\(branch)")
        }
    }

    /// Pushes one refspec to `origin`; the caller holds the lock.
    private func pushLocked(refspec: String, branch: String, what: String) throws {
        try withOrigin { remote, url in
            let context = "cannot push \(what) to '\(branch)' at \(url)"
            var options = git_push_options()
            try LibGit2.check(
                git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
            let rejections = try withRemoteSession(url: url, context: context) { session in
                session.install(in: &options.callbacks)
                options.callbacks.push_update_reference = { reference, status, payload in
                    guard let status, let payload else { return 0 }
                    let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
                    let name = reference.map { String(cString: $0) } ?? ""
                    session.rejections.append((name, String(cString: status)))
                    return 0
                }
                try GitRepository.withStringArray([refspec]) { refspecs in
                    try LibGit2.check(git_remote_push(remote, &refspecs, &options), "git_remote_push")
                }
                return session.rejections
            }
            if let rejection = rejections.first {
                throw GitError(
                    code: GIT_ERROR.rawValue, klass: Int32(GIT_ERROR_REFERENCE.rawValue),
                    message: "\(context): server rejected \(rejection.reference): \(rejection.status)",
                    operation: "git_remote_push", kind: .pushRejected(rejection.status))
            }
            loggerLocked.debug("pushed", metadata: ["url": "\(url)", "branch": "\(branch)", "what": "\(what)"])
        }
    }
}
