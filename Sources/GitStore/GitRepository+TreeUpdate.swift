import CLibGit2
import Foundation

/// Building trees in memory from a base tree and a set of file changes; callers hold the repository lock.
extension GitRepository {
    /// Writes the blobs and trees for `base` with `changes` applied.
    ///
    /// Deletions of paths absent from `base` are ignored. Only objects are written; no commit or ref.
    ///
    /// - Parameters:
    ///   - base: The tree to start from; nil for the empty tree.
    ///   - changes: Changes by path.
    /// - Returns: The new root tree's id (equal to `base`'s when nothing changed).
    /// - Throws: `GitError` for invalid paths, a file/folder clash, or a libgit2 failure.
    func buildTree(base: OpaquePointer?, changes: [String: FileChange]) throws -> git_oid {
        var paths: [UnsafeMutablePointer<CChar>] = []
        defer { paths.forEach { free($0) } }
        var updates: [git_tree_update] = []
        for (rawPath, change) in changes {
            let path = try GitRepository.validatedPath(rawPath)
            let current = try base.flatMap { try entryMode(in: $0, path: path) }
            var update = git_tree_update()
            switch change {
            case .delete:
                guard current != nil else { continue }
                update.action = GIT_TREE_UPDATE_REMOVE
            case .write(let data, let mode):
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = try writeBlob(data)
                update.filemode = mode.gitMode
            case .update(let data):
                update.action = GIT_TREE_UPDATE_UPSERT
                update.id = try writeBlob(data)
                update.filemode = (current.flatMap { FileMode($0) } ?? .regular).gitMode
            }
            guard let cPath = strdup(path) else {
                throw GitError(code: -1, message: "out of memory", operation: "strdup")
            }
            paths.append(cPath)
            update.path = UnsafePointer(cPath)
            updates.append(update)
        }
        guard !updates.isEmpty else {
            return try base.flatMap { git_tree_id($0)?.pointee } ?? emptyTreeID()
        }
        return try updatedTree(base: base, updates: &updates)
    }

    /// The id of the empty tree, written to the object database.
    func emptyTreeID() throws -> git_oid {
        var builder: OpaquePointer?
        try LibGit2.check(git_treebuilder_new(&builder, handle, nil), "git_treebuilder_new")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try LibGit2.check(git_treebuilder_write(&oid, builder), "git_treebuilder_write")
        return oid
    }

    /// Applies `updates` to `base` (the empty tree when nil) with `git_tree_create_updated`.
    private func updatedTree(base: OpaquePointer?, updates: inout [git_tree_update]) throws -> git_oid {
        if base == nil {
            let empty = try emptyTreeID()
            if updates.isEmpty { return empty }
            return try withTree(id: empty) { try updatedTree(base: $0, updates: &updates) }
        }
        var out = git_oid()
        try LibGit2.check(
            git_tree_create_updated(&out, handle, base, updates.count, &updates), "git_tree_create_updated")
        return out
    }

    /// The mode of whatever is at `path` in `tree` (file, folder or submodule); nil if nothing is there.
    private func entryMode(in tree: OpaquePointer, path: String) throws -> git_filemode_t? {
        var entry: OpaquePointer?
        guard try LibGit2.checkFound(git_tree_entry_bypath(&entry, tree, path), "git_tree_entry_bypath") else {
            return nil
        }
        defer { git_tree_entry_free(entry) }
        return git_tree_entry_filemode(entry)
    }

    /// Writes `data` as a blob.
    private func writeBlob(_ data: Data) throws -> git_oid {
        var oid = git_oid()
        let result = data.withUnsafeBytes { bytes in
            git_blob_create_from_buffer(&oid, handle, bytes.baseAddress, bytes.count)
        }
        try LibGit2.check(result, "git_blob_create_from_buffer")
        return oid
    }

    /// Checks that `path` is a plain relative path and returns it without leading or trailing slashes.
    ///
    /// - Throws: `GitError` if the path is empty or has a `.`, `..` or `.git` part.
    static func validatedPath(_ path: String) throws -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        let forbidden: Set<Substring> = [".", "..", ".git"]
        guard !parts.isEmpty, !parts.contains(where: { forbidden.contains($0) || $0.contains("\0") }) else {
            throw GitError(
                code: GIT_EINVALIDSPEC.rawValue, message: "invalid path '\(path)' in tree update",
                operation: "validate path")
        }
        return parts.joined(separator: "/")
    }
}
