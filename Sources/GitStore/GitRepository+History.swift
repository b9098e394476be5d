import CLibGit2

/// Reading commit metadata and ancestry.
extension GitRepository {
    /// The metadata of one commit.
    ///
    /// - Parameter id: The commit's id.
    /// - Returns: Its message, author, committer and parents.
    /// - Throws: `GitError` with kind `.notFound` if there is no such commit.
    public func commitInfo(_ id: ObjectID) throws -> CommitInfo {
        try withLock {
            try withCommit(id) { commit in
                guard let author = git_commit_author(commit), let committer = git_commit_committer(commit) else {
                    throw GitError(code: -1, message: "commit \(id.hex) has no signature", operation: "git_commit_author")
                }
                var parents: [ObjectID] = []
                for index in 0..<git_commit_parentcount(commit) {
                    if let parent = git_commit_parent_id(commit, index) {
                        parents.append(ObjectID(parent))
                    }
                }
                return CommitInfo(
                    id: id, message: git_commit_message(commit).map { String(cString: $0) } ?? "",
                    author: GitSignature(author), committer: GitSignature(committer), parents: parents)
            }
        }
    }

    /// Whether `ancestor` is reachable from `descendant` by parent links (a commit is its own ancestor).
    ///
    /// - Parameters:
    ///   - ancestor: The possibly older commit.
    ///   - descendant: The possibly newer commit.
    /// - Returns: `true` if `ancestor == descendant` or `descendant` descends from `ancestor`.
    /// - Throws: `GitError` if either commit is missing from this repository.
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) throws -> Bool {
        if ancestor == descendant { return true }
        return try withLock {
            var descendantOID = try descendant.oid()
            var ancestorOID = try ancestor.oid()
            let result = try LibGit2.check(
                git_graph_descendant_of(handle, &descendantOID, &ancestorOID), "git_graph_descendant_of")
            return result == 1
        }
    }
}
