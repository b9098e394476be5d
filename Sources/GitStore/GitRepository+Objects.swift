import CLibGit2

/// Scoped access to commits and trees; callers hold the repository lock.
extension GitRepository {
    /// Runs `body` with the commit `id`, freed afterwards.
    ///
    /// - Parameters:
    ///   - id: The commit's id.
    ///   - body: Receives the `git_commit` pointer.
    /// - Returns: `body`'s result.
    /// - Throws: `GitError` (`.notFound` when there is no such commit), or `body`'s error.
    func withCommit<T>(_ id: ObjectID, _ body: (OpaquePointer) throws -> T) throws -> T {
        var oid = try id.oid()
        var pointer: OpaquePointer?
        do {
            try LibGit2.check(git_commit_lookup(&pointer, handle, &oid), "git_commit_lookup")
        } catch let error as GitError {
            throw error.adding(context: "commit \(id.hex)")
        }
        defer { git_commit_free(pointer) }
        guard let commit = pointer else {
            throw GitError(code: -1, message: "no commit \(id.hex)", operation: "git_commit_lookup")
        }
        return try body(commit)
    }

    /// Runs `body` with the root tree of commit `id` (nil `id`: no tree), freed afterwards.
    ///
    /// - Parameters:
    ///   - id: The commit's id, or nil for "no commit yet".
    ///   - body: Receives the `git_tree` pointer, nil when `id` is nil.
    /// - Returns: `body`'s result.
    /// - Throws: `GitError` if the commit or its tree cannot be read, or `body`'s error.
    func withTree<T>(ofCommit id: ObjectID?, _ body: (OpaquePointer?) throws -> T) throws -> T {
        guard let id else {
            return try body(nil)
        }
        return try withCommit(id) { commit in
            var pointer: OpaquePointer?
            try LibGit2.check(git_commit_tree(&pointer, commit), "git_commit_tree")
            defer { git_tree_free(pointer) }
            return try body(pointer)
        }
    }

    /// Runs `body` with the tree `id`, freed afterwards.
    ///
    /// - Parameters:
    ///   - oid: The tree's id.
    ///   - body: Receives the `git_tree` pointer.
    /// - Returns: `body`'s result.
    /// - Throws: `GitError` if the tree cannot be read, or `body`'s error.
    func withTree<T>(id oid: git_oid, _ body: (OpaquePointer) throws -> T) throws -> T {
        var oid = oid
        var pointer: OpaquePointer?
        try LibGit2.check(git_tree_lookup(&pointer, handle, &oid), "git_tree_lookup")
        defer { git_tree_free(pointer) }
        guard let tree = pointer else {
            throw GitError(code: -1, message: "no tree \(ObjectID(oid).hex)", operation: "git_tree_lookup")
        }
        return try body(tree)
    }
}
