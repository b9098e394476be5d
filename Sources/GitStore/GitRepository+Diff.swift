import CLibGit2
import Foundation

/// Comparing trees: changed paths and unified diffs.
extension GitRepository {
    /// The paths whose content or mode differs between two commits' trees (added, modified or deleted).
    ///
    /// - Parameters:
    ///   - old: The earlier commit; nil compares against the empty tree (every file is added).
    ///   - new: The later commit.
    /// - Returns: The differing file paths, sorted, without duplicates.
    /// - Throws: `GitError` if a commit cannot be read.
    public func changedPaths(from old: ObjectID?, to new: ObjectID) throws -> [String] {
        try withLock {
            try withTree(ofCommit: old) { oldTree in
                try withTree(ofCommit: new) { newTree in
                    try withDiff(from: oldTree, to: newTree, prefixes: []) { diff in
                        var paths = Set<String>()
                        for index in 0..<git_diff_num_deltas(diff) {
                            guard let delta = git_diff_get_delta(diff, index) else { continue }
                            if let path = delta.pointee.old_file.path { paths.insert(String(cString: path)) }
                            if let path = delta.pointee.new_file.path { paths.insert(String(cString: path)) }
                        }
                        return paths.sorted()
                    }
                }
            }
        }
    }

    /// A unified diff (`git diff` format) from `base`'s tree to that tree with `changes` applied.
    ///
    /// Only objects (blobs, trees) are written; no commit or reference.
    ///
    /// - Parameters:
    ///   - base: The commit to compare against; nil for the empty tree.
    ///   - changes: New contents by path; nil deletes. Modes are kept as in `commit(parent:changes:...)`.
    ///   - prefixes: Folders to limit the diff to (`"placements"` covers `placements/...`); empty means all.
    /// - Returns: The patch text, `""` when nothing under `prefixes` changes.
    /// - Throws: `GitError` for invalid paths or a libgit2 failure.
    public func patch(base: ObjectID?, changes: [String: Data?], under prefixes: [String]) throws -> String {
        try patch(base: base, fileChanges: GitRepository.fileChanges(changes), under: prefixes)
    }

    /// A unified diff from `base`'s tree to that tree with `fileChanges` applied.
    ///
    /// - Parameters:
    ///   - base: The commit to compare against; nil for the empty tree.
    ///   - fileChanges: Changes by path.
    ///   - prefixes: Folders to limit the diff to; empty means all.
    /// - Returns: The patch text, `""` when nothing under `prefixes` changes.
    /// - Throws: `GitError` for invalid paths or a libgit2 failure.
    public func patch(base: ObjectID?, fileChanges: [String: FileChange], under prefixes: [String]) throws -> String {
        try withLock {
            try withTree(ofCommit: base) { baseTree in
                let newID = try buildTree(base: baseTree, changes: fileChanges)
                return try withTree(id: newID) { newTree in
                    try withDiff(from: baseTree, to: newTree, prefixes: prefixes) { diff in
                        var buffer = git_buf()
                        defer { git_buf_dispose(&buffer) }
                        try LibGit2.check(git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH), "git_diff_to_buf")
                        guard let bytes = buffer.ptr, buffer.size > 0 else { return "" }
                        return String(decoding: UnsafeRawBufferPointer(start: bytes, count: buffer.size), as: UTF8.self)
                    }
                }
            }
        }
    }

    /// Runs `body` with the diff between two trees, limited to `prefixes` (literal folder paths; empty = all).
    private func withDiff<T>(
        from oldTree: OpaquePointer?, to newTree: OpaquePointer?, prefixes: [String],
        _ body: (OpaquePointer) throws -> T
    ) throws -> T {
        var options = git_diff_options()
        try LibGit2.check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
        let folders = prefixes.map(GitRepository.normalisedFolder)
        let pathspec = folders.contains("") ? [] : folders
        return try GitRepository.withStringArray(pathspec) { array in
            options.pathspec = array
            var pointer: OpaquePointer?
            try LibGit2.check(
                git_diff_tree_to_tree(&pointer, handle, oldTree, newTree, &options), "git_diff_tree_to_tree")
            defer { git_diff_free(pointer) }
            guard let diff = pointer else {
                throw GitError(code: -1, message: "libgit2 returned no diff", operation: "git_diff_tree_to_tree")
            }
            return try body(diff)
        }
    }
}
