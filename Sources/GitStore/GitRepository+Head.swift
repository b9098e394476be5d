import CLibGit2

extension GitRepository {
    /// Points HEAD at `refs/heads/<branch>` (so clones of a bare repository check that branch out).
    ///
    /// - Parameter branch: The branch name; it need not exist yet (an unborn HEAD).
    /// - Throws: `GitError` if libgit2 refuses the reference name.
    public func setHead(branch: String) throws {
        try withLock {
            try LibGit2.check(git_repository_set_head(handle, "refs/heads/\(branch)"), "git_repository_set_head")
        }
    }
}
