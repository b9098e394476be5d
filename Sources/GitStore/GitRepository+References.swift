import CLibGit2

extension GitRepository {
    /// Points HEAD at `refs/heads/<branch>` (so clones of a bare repository check that branch out).
    ///
    /// - Parameter branch: The branch name; it need not exist yet (an unborn HEAD).
    /// - Throws: `GitError` if libgit2 refuses the reference name.
    public func setHead(branch: String) throws {
        _ = try withLock {
            try LibGit2.check(git_repository_set_head(handle, "refs/heads/\(branch)"), "git_repository_set_head")
        }
    }

    /// The commit a reference points at (`refs/heads/main`, `HEAD`), following symbolic references.
    ///
    /// - Parameter name: The full reference name.
    /// - Returns: The target, or `nil` when the reference does not exist (or HEAD is unborn).
    /// - Throws: `GitError` for an invalid name or a broken repository.
    public func resolve(reference name: String) throws -> ObjectID? {
        try withLock {
            var oid = git_oid()
            let result = git_reference_name_to_id(&oid, handle, name)
            if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue { return nil }
            try LibGit2.check(result, "git_reference_name_to_id")
            return ObjectID(oid)
        }
    }
}
