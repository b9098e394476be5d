import CLibGit2

/// Fetching one branch from `origin`.
extension GitRepository {
    /// Fetches `refs/heads/<branch>` from `origin` into `refs/remotes/origin/<branch>`.
    ///
    /// Tags are not fetched. If the remote has no such branch (an empty repository, or the branch was deleted),
    /// the local tracking ref is removed and nil is returned.
    ///
    /// - Parameter branch: The branch name, e.g. `"main"`.
    /// - Returns: The remote branch's tip, nil if the remote has no such branch.
    /// - Throws: `GitError` whose message names the URL when the remote is unreachable or refuses the fetch; kind
    ///   `.authenticationFailed` when the credentials are refused (after one try), `.untrustedServer` when the host
    ///   key or TLS certificate cannot be verified.
    public func fetch(branch: String) throws -> ObjectID? {
        let branch = try GitRepository.validatedBranch(branch)
        let remoteRef = "refs/heads/\(branch)"
        let trackingRef = "refs/remotes/origin/\(branch)"
        return try withLock {
            try withOrigin { remote, url in
                var options = git_fetch_options()
                try LibGit2.check(
                    git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
                options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
                // Placer reads the tracking ref, never FETCH_HEAD: not writing it means a process killed mid-fetch
                // cannot leave a FETCH_HEAD.lock behind in the cache (found by the crash suite).
                options.update_fetchhead = 0
                try withRemoteSession(url: url, context: "cannot fetch '\(branch)' from \(url)") { session in
                    session.install(in: &options.callbacks)
                    try GitRepository.withStringArray(["+\(remoteRef):\(trackingRef)"]) { refspecs in
                        try LibGit2.check(
                            git_remote_fetch(remote, &refspecs, &options, "placer: fetch \(branch)"),
                            "git_remote_fetch")
                    }
                }
                guard let tip = try advertisedTip(of: remote, reference: remoteRef) else {
                    deleteReferenceIfPresent(trackingRef)
                    loggerLocked.debug(
                        "remote has no such branch", metadata: ["url": "\(url)", "branch": "\(branch)"])
                    return nil
                }
                loggerLocked.debug(
                    "fetched", metadata: ["url": "\(url)", "branch": "\(branch)", "revision": "\(tip.hex)"])
                return tip
            }
        }
    }

    /// The id `remote` advertised for `reference` in its last connection, nil if it advertised none.
    private func advertisedTip(of remote: OpaquePointer, reference: String) throws -> ObjectID? {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try LibGit2.check(git_remote_ls(&heads, &count, remote), "git_remote_ls")
        guard let heads else { return nil }
        for index in 0..<count {
            guard let head = heads[index], let name = head.pointee.name else { continue }
            if String(cString: name) == reference {
                return ObjectID(head.pointee.oid)
            }
        }
        return nil
    }
}
