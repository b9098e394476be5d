import CLibGit2
import Foundation

/// Reading trees: the files of a commit and the ids of its folders.
extension GitRepository {
    /// Every file (blob) under a commit's tree, read recursively.
    ///
    /// Submodule entries are skipped. Symlinks are reported with mode `.symlink` and the link target as data.
    ///
    /// - Parameters:
    ///   - commit: The commit whose tree is read.
    ///   - prefixes: Folders to limit the result to (`"apps"` or `"apps/"` both mean everything under `apps/`;
    ///     a prefix naming a file yields that file; `""` means the whole tree). nil reads the whole tree.
    /// - Returns: The files keyed by their full path from the root (`"apps/x/app.yaml"`).
    /// - Throws: `GitError` if the commit or an object under it cannot be read.
    public func files(at commit: ObjectID, under prefixes: [String]? = nil) throws -> [String: TreeFile] {
        try withLock {
            try withTree(ofCommit: commit) { root in
                guard let root else { return [:] }
                var result: [String: TreeFile] = [:]
                for prefix in Set((prefixes ?? [""]).map(GitRepository.normalisedFolder)) {
                    if prefix.isEmpty {
                        try collectFiles(in: root, base: "", into: &result)
                    } else {
                        try collectFiles(at: prefix, in: root, into: &result)
                    }
                }
                return result
            }
        }
    }

    /// The id of the tree or blob at `path` in a commit.
    ///
    /// - Parameters:
    ///   - commit: The commit to look in.
    ///   - path: A `/`-separated path; `""` (or `"/"`) names the root tree.
    /// - Returns: The object's id, nil if nothing is at `path`.
    /// - Throws: `GitError` if the commit cannot be read.
    public func objectID(at commit: ObjectID, path: String) throws -> ObjectID? {
        try withLock {
            try withTree(ofCommit: commit) { root -> ObjectID? in
                guard let root else { return nil }
                let normalised = GitRepository.normalisedFolder(path)
                if normalised.isEmpty {
                    guard let id = git_tree_id(root) else { return nil }
                    return ObjectID(id)
                }
                var entry: OpaquePointer?
                let found = try LibGit2.checkFound(
                    git_tree_entry_bypath(&entry, root, normalised), "git_tree_entry_bypath")
                defer { git_tree_entry_free(entry) }
                guard found, let id = git_tree_entry_id(entry) else { return nil }
                return ObjectID(id)
            }
        }
    }

    /// The ids of the blobs (or trees) at `paths` in a commit, the tree opened once: what
    /// ``objectID(at:path:)`` gives per path.
    ///
    /// - Parameters:
    ///   - commit: The commit to look in.
    ///   - paths: `/`-separated paths; `""` (or `"/"`) names the root tree.
    /// - Returns: path → id, for the paths where something is.
    /// - Throws: `GitError` if the commit cannot be read.
    public func objectIDs(at commit: ObjectID, paths: [String]) throws -> [String: ObjectID] {
        try withLock {
            try withTree(ofCommit: commit) { root -> [String: ObjectID] in
                guard let root else { return [:] }
                var ids: [String: ObjectID] = [:]
                ids.reserveCapacity(paths.count)
                for path in paths {
                    let normalised = GitRepository.normalisedFolder(path)
                    if normalised.isEmpty {
                        if let id = git_tree_id(root) { ids[path] = ObjectID(id) }
                        continue
                    }
                    var entry: OpaquePointer?
                    let found = try LibGit2.checkFound(
                        git_tree_entry_bypath(&entry, root, normalised), "git_tree_entry_bypath")
                    defer { git_tree_entry_free(entry) }
                    if found, let id = git_tree_entry_id(entry) { ids[path] = ObjectID(id) }
                }
                return ids
            }
        }
    }

    /// `path` without leading or trailing slashes.
    static func normalisedFolder(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    /// Adds the file or the files under the folder at `path` in `root` to `result`.
    private func collectFiles(at path: String, in root: OpaquePointer, into result: inout [String: TreeFile]) throws {
        var pointer: OpaquePointer?
        guard try LibGit2.checkFound(git_tree_entry_bypath(&pointer, root, path), "git_tree_entry_bypath"),
            let entry = pointer
        else { return }
        defer { git_tree_entry_free(entry) }
        try collect(entry: entry, path: path, into: &result)
    }

    /// Adds every file under `tree` to `result`, with `base` (empty or ending in `/`) before each name.
    private func collectFiles(in tree: OpaquePointer, base: String, into result: inout [String: TreeFile]) throws {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index), let name = git_tree_entry_name(entry) else {
                continue
            }
            try collect(entry: entry, path: base + String(cString: name), into: &result)
        }
    }

    /// Adds one tree entry (a file, or a folder read recursively) at `path` to `result`.
    private func collect(entry: OpaquePointer, path: String, into result: inout [String: TreeFile]) throws {
        guard let id = git_tree_entry_id(entry) else { return }
        if git_tree_entry_type(entry) == GIT_OBJECT_TREE {
            try withTree(id: id.pointee) { subtree in
                try collectFiles(in: subtree, base: path + "/", into: &result)
            }
        } else if let mode = FileMode(git_tree_entry_filemode(entry)) {
            result[path] = TreeFile(path: path, data: try blobData(id.pointee), mode: mode)
        }
    }

    /// The bytes of blob `oid`.
    func blobData(_ oid: git_oid) throws -> Data {
        var oid = oid
        var pointer: OpaquePointer?
        try LibGit2.check(git_blob_lookup(&pointer, handle, &oid), "git_blob_lookup")
        defer { git_blob_free(pointer) }
        let size = Int(git_blob_rawsize(pointer))
        guard size > 0, let bytes = git_blob_rawcontent(pointer) else { return Data() }
        return Data(bytes: bytes, count: size)
    }
}
