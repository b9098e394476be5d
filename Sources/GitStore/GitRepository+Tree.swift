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

    /// The ids of the blobs (or trees) at `paths` in a commit, each folder's tree read once: what
    /// ``objectID(at:path:)`` gives per path. (libgit2 caches no tree larger than 4 kB, so looking up
    /// `placements/<app>.yaml` path by path parsed the whole `placements/` tree for every app: at 1,000 apps about
    /// 0.3 ms each, most of a one-app push's decide.)
    ///
    /// - Parameters:
    ///   - commit: The commit to look in.
    ///   - paths: `/`-separated paths; `""` (or `"/"`) names the root tree.
    /// - Returns: path → id, for the paths where something is.
    /// - Throws: `GitError` if the commit or a tree cannot be read.
    public func objectIDs(at commit: ObjectID, paths: [String]) throws -> [String: ObjectID] {
        try withLock {
            try withTree(ofCommit: commit) { root -> [String: ObjectID] in
                guard let root else { return [:] }
                var folders: [String: OpaquePointer?] = ["": root]  // folder → its tree (nil: not a folder here)
                defer { for (folder, tree) in folders where !folder.isEmpty { git_tree_free(tree) } }
                func tree(_ folder: String) throws -> OpaquePointer? {
                    if let known = folders[folder] { return known }
                    var opened: OpaquePointer?
                    if let id = try entryID(in: root, path: folder, type: GIT_OBJECT_TREE) {
                        var oid = id
                        try LibGit2.check(git_tree_lookup(&opened, handle, &oid), "git_tree_lookup")
                    }
                    folders[folder] = opened
                    return opened
                }
                var ids: [String: ObjectID] = [:]
                ids.reserveCapacity(paths.count)
                for path in paths {
                    let normalised = GitRepository.normalisedFolder(path)
                    if normalised.isEmpty {
                        if let id = git_tree_id(root) { ids[path] = ObjectID(id) }
                        continue
                    }
                    let slash = normalised.lastIndex(of: "/")
                    let folder = slash.map { String(normalised[..<$0]) } ?? ""
                    let name = slash.map { String(normalised[normalised.index(after: $0)...]) } ?? normalised
                    guard let parent = try tree(folder), let entry = git_tree_entry_byname(parent, name),
                        let id = git_tree_entry_id(entry)
                    else { continue }
                    ids[path] = ObjectID(id)
                }
                return ids
            }
        }
    }

    /// The id of the entry at `path` under `root` when it is of `type`; nil when nothing (or another type) is there.
    private func entryID(in root: OpaquePointer, path: String, type: git_object_t) throws -> git_oid? {
        var entry: OpaquePointer?
        let found = try LibGit2.checkFound(git_tree_entry_bypath(&entry, root, path), "git_tree_entry_bypath")
        defer { git_tree_entry_free(entry) }
        guard found, git_tree_entry_type(entry) == type, let id = git_tree_entry_id(entry) else { return nil }
        return id.pointee
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
