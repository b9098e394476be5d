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
                    throw GitError(
                        code: -1, message: "commit \(id.hex) has no signature", operation: "git_commit_author")
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

    /// The newest commit, following first parents from `head`, whose entry at `path` differs from its first
    /// parent's (content or mode; added and deleted count as differing).
    ///
    /// Like `git log --first-parent -1 -- <path>` without rename detection. Cost: one tree lookup per path
    /// component for each commit and its parent, for every commit walked, so O(depth × path length); it stops at
    /// the first hit, and walks the whole first-parent history when `path` never changed.
    ///
    /// - Parameters:
    ///   - path: A `/`-separated file or folder path (`"apps/x/app.yaml"`, `"placements"`).
    ///   - head: Where to start.
    /// - Returns: The commit, or nil if no commit on the first-parent chain changed `path` (it never existed).
    /// - Throws: `GitError` if a commit or tree cannot be read.
    public func lastCommit(touching path: String, from head: ObjectID) throws -> ObjectID? {
        let normalised = GitRepository.normalisedFolder(path)
        return try withLock {
            var current: ObjectID? = head
            while let id = current {
                let (entry, parent) = try withCommit(id) { commit -> (TreeEntryKey?, ObjectID?) in
                    let parent = git_commit_parent_id(commit, 0).map { ObjectID($0) }
                    return (try entryKey(in: commit, path: normalised), parent)
                }
                let parentEntry =
                    try parent.map { try withCommit($0) { try entryKey(in: $0, path: normalised) } } ?? nil
                if entry != parentEntry { return id }
                current = parent
            }
            return nil
        }
    }

    /// The commits reachable from `head`, newest first (topological, then by time), at most `limit`.
    ///
    /// - Parameters:
    ///   - head: Where to start.
    ///   - limit: The most commits to return.
    /// - Returns: The commits' metadata.
    /// - Throws: `GitError` if `head` or an ancestor cannot be read.
    public func log(from head: ObjectID, limit: Int) throws -> [CommitInfo] {
        let ids: [ObjectID] = try withLock {
            var walker: OpaquePointer?
            try LibGit2.check(git_revwalk_new(&walker, handle), "git_revwalk_new")
            defer { git_revwalk_free(walker) }
            try LibGit2.check(
                git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue),
                "git_revwalk_sorting")
            var start = try head.oid()
            try LibGit2.check(git_revwalk_push(walker, &start), "git_revwalk_push")
            var ids: [ObjectID] = []
            var next = git_oid()
            while ids.count < limit, git_revwalk_next(&next, walker) == 0 {
                ids.append(ObjectID(next))
            }
            return ids
        }
        return try ids.map(commitInfo)
    }

    /// What identifies a tree entry's content: its object id and mode.
    private struct TreeEntryKey: Equatable {
        let id: ObjectID
        let mode: UInt32
    }

    /// The entry at `path` in `commit`'s tree (the root tree itself for `""`), nil if absent.
    private func entryKey(in commit: OpaquePointer, path: String) throws -> TreeEntryKey? {
        var tree: OpaquePointer?
        try LibGit2.check(git_commit_tree(&tree, commit), "git_commit_tree")
        defer { git_tree_free(tree) }
        if path.isEmpty {
            return git_tree_id(tree).map { TreeEntryKey(id: ObjectID($0), mode: GIT_FILEMODE_TREE.rawValue) }
        }
        var entry: OpaquePointer?
        guard try LibGit2.checkFound(git_tree_entry_bypath(&entry, tree, path), "git_tree_entry_bypath") else {
            return nil
        }
        defer { git_tree_entry_free(entry) }
        guard let id = git_tree_entry_id(entry) else { return nil }
        return TreeEntryKey(id: ObjectID(id), mode: git_tree_entry_filemode(entry).rawValue)
    }
}
