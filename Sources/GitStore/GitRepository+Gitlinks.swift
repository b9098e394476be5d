import CLibGit2

/// Submodules as a tree records them.
extension GitRepository {
    /// Paths of the submodule entries (gitlinks, mode 160000) in a commit's tree.
    ///
    /// ``files(at:under:)`` returns blobs only, so a submodule would otherwise vanish silently; callers use this
    /// to refuse it with a message instead.
    ///
    /// - Parameter commit: The commit to look in.
    /// - Returns: The gitlink paths, sorted.
    /// - Throws: `GitError` if the commit or its tree cannot be read.
    public func submodulePaths(at commit: ObjectID) throws -> [String] {
        final class Collector { var paths: [String] = [] }
        let collector = Collector()
        try withLock {
            try withTree(ofCommit: commit) { root in
                guard let root else { return }
                let status = withExtendedLifetime(collector) {
                    git_tree_walk(
                        root, GIT_TREEWALK_PRE,
                        { base, entry, payload in
                            guard let entry, let payload, git_tree_entry_type(entry) == GIT_OBJECT_COMMIT else {
                                return 0
                            }
                            let collector = Unmanaged<Collector>.fromOpaque(payload).takeUnretainedValue()
                            let folder = base.map { String(cString: $0) } ?? ""
                            collector.paths.append(folder + String(cString: git_tree_entry_name(entry)))
                            return 0
                        }, Unmanaged.passUnretained(collector).toOpaque())
                }
                try LibGit2.check(status, "git_tree_walk")
            }
        }
        return collector.paths.sorted()
    }
}
