import CLibGit2

/// Reverting a commit in the bare repository, without a work tree.
extension GitRepository {
    /// Makes a commit on top of `head` that undoes `commit`'s changes (like `git revert --no-edit`, but no ref
    /// moves and no work tree or on-disk index is touched).
    ///
    /// The inverse of `commit` against its first parent is merged into `head` in memory (`git_revert_commit`,
    /// mainline 1 for merge commits), the resulting index is written as a tree (`git_index_write_tree_to`), and a
    /// commit with parent `head` is created. Push it, or move a ref, to publish it.
    ///
    /// - Parameters:
    ///   - commit: The commit to undo; it must be reachable in this repository.
    ///   - head: The commit to build on (usually the branch tip).
    ///   - author: The author line.
    ///   - committer: The committer line.
    ///   - message: The full message; a final newline is added if missing.
    ///   - signer: Signs the revert commit when given.
    /// - Returns: The new commit's id.
    /// - Throws: `GitError` with kind `.conflict(paths)` when later changes on `head` touch the same lines (the
    ///   message names the paths), `.other` when the revert would change nothing on `head`, `.notFound` for
    ///   missing commits.
    public func revert(
        _ commit: ObjectID, onto head: ObjectID, author: GitSignature, committer: GitSignature, message: String,
        signer: CommitSigner? = nil
    ) throws -> ObjectID {
        try withLock {
            let tree = try withCommit(commit) { revertCommit in
                try withCommit(head) { ourCommit -> git_oid in
                    var mergeOptions = git_merge_options()
                    try LibGit2.check(
                        git_merge_options_init(&mergeOptions, UInt32(GIT_MERGE_OPTIONS_VERSION)),
                        "git_merge_options_init")
                    let mainline: UInt32 = git_commit_parentcount(revertCommit) > 1 ? 1 : 0
                    var index: OpaquePointer?
                    try LibGit2.check(
                        git_revert_commit(&index, handle, revertCommit, ourCommit, mainline, &mergeOptions),
                        "git_revert_commit")
                    defer { git_index_free(index) }
                    if git_index_has_conflicts(index) != 0 {
                        let paths = try GitRepository.conflictPaths(index)
                        throw GitError(
                            code: GIT_EMERGECONFLICT.rawValue,
                            message: "cannot revert \(commit.hex) onto \(head.hex): conflicts in "
                                + paths.joined(separator: ", "),
                            operation: "git_revert_commit", kind: .conflict(paths))
                    }
                    var tree = git_oid()
                    try LibGit2.check(git_index_write_tree_to(&tree, index, handle), "git_index_write_tree_to")
                    if let headTree = git_commit_tree_id(ourCommit), git_oid_equal(headTree, &tree) != 0 {
                        throw GitError(
                            code: -1, message: "reverting \(commit.hex) onto \(head.hex) changes nothing",
                            operation: "git_revert_commit", kind: .other)
                    }
                    return tree
                }
            }
            let id = try createCommit(
                tree: tree, parent: head, author: author, committer: committer, message: message, signer: signer)
            return ObjectID(id)
        }
    }

    /// The paths of the conflicting entries in `index`, sorted.
    private static func conflictPaths(_ index: OpaquePointer?) throws -> [String] {
        var iterator: OpaquePointer?
        try LibGit2.check(git_index_conflict_iterator_new(&iterator, index), "git_index_conflict_iterator_new")
        defer { git_index_conflict_iterator_free(iterator) }
        var paths = Set<String>()
        var ancestor: UnsafePointer<git_index_entry>?
        var ours: UnsafePointer<git_index_entry>?
        var theirs: UnsafePointer<git_index_entry>?
        while git_index_conflict_next(&ancestor, &ours, &theirs, iterator) == 0 {
            for entry in [ancestor, ours, theirs] {
                if let path = entry?.pointee.path { paths.insert(String(cString: path)) }
            }
        }
        return paths.sorted()
    }
}
