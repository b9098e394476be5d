import CLibGit2
import Foundation

/// Writing commits from in-memory tree updates.
extension GitRepository {
    /// Commits `parent`'s tree with `changes` applied, if that changes anything.
    ///
    /// Written contents keep the mode the file has in `parent` (regular for new files); use
    /// `commit(parent:fileChanges:...)` to set modes. Missing folders are created and folders left empty are
    /// removed. The tree is built in memory (`git_tree_create_updated`); no work tree or index is touched.
    ///
    /// - Parameters:
    ///   - parent: The commit to build on; nil makes a root commit (on an empty tree).
    ///   - changes: New contents by path (`"apps/x/app.yaml"`); nil deletes whatever is at that path.
    ///   - author: The author line.
    ///   - committer: The committer line.
    ///   - message: The full message (trailers included); a final newline is added if missing.
    ///   - updateRef: A reference (e.g. `"refs/heads/main"`) to move to the new commit, unconditionally.
    ///   - signer: Signs the commit with an SSH key (`gpgsig` header) when given.
    /// - Returns: The new commit's id, or nil (nothing written, no ref moved) if the tree would not change.
    /// - Throws: `GitError` for invalid paths (`..`, `.git`, empty parts), a file/folder clash, a signing failure,
    ///   or a libgit2 failure.
    public func commit(
        parent: ObjectID?, changes: [String: Data?], author: GitSignature, committer: GitSignature,
        message: String, updateRef: String? = nil, signer: CommitSigner? = nil
    ) throws -> ObjectID? {
        try commit(
            parent: parent, fileChanges: GitRepository.fileChanges(changes), author: author, committer: committer,
            message: message, updateRef: updateRef, signer: signer)
    }

    /// Commits `parent`'s tree with `fileChanges` applied, if that changes anything.
    ///
    /// - Parameters:
    ///   - parent: The commit to build on; nil makes a root commit (on an empty tree).
    ///   - fileChanges: Changes by path, each with an explicit mode or an instruction to keep the current one.
    ///   - author: The author line.
    ///   - committer: The committer line.
    ///   - message: The full message (trailers included); a final newline is added if missing.
    ///   - updateRef: A reference (e.g. `"refs/heads/main"`) to move to the new commit, unconditionally.
    ///   - signer: Signs the commit with an SSH key (`gpgsig` header) when given.
    /// - Returns: The new commit's id, or nil (nothing written, no ref moved) if the tree would not change.
    /// - Throws: `GitError` for invalid paths, a file/folder clash, a signing failure, or a libgit2 failure.
    public func commit(
        parent: ObjectID?, fileChanges: [String: FileChange], author: GitSignature, committer: GitSignature,
        message: String, updateRef: String? = nil, signer: CommitSigner? = nil
    ) throws -> ObjectID? {
        try withLock {
            try withTree(ofCommit: parent) { base -> ObjectID? in
                let baseTree = try base.flatMap { git_tree_id($0)?.pointee } ?? emptyTreeID()
                let newTree = try buildTree(base: base, changes: fileChanges)
                guard git_oid_equal([newTree], [baseTree]) == 0 else { return nil }
                let id = try createCommit(
                    tree: newTree, parent: parent, author: author, committer: committer, message: message,
                    signer: signer)
                if let updateRef {
                    try moveReference(updateRef, to: id, logMessage: "placer: commit")
                }
                return ObjectID(id)
            }
        }
    }

    /// Maps the `Data?` form of changes to `FileChange`s.
    static func fileChanges(_ changes: [String: Data?]) -> [String: FileChange] {
        changes.mapValues { data in data.map { FileChange.update($0) } ?? .delete }
    }

    /// Points reference `name` at `oid`, creating or overwriting it.
    func moveReference(_ name: String, to oid: git_oid, logMessage: String) throws {
        var oid = oid
        var reference: OpaquePointer?
        try LibGit2.check(git_reference_create(&reference, handle, name, &oid, 1, logMessage), "git_reference_create")
        git_reference_free(reference)
    }

    /// Writes a commit object (no reference is touched), signed when `signer` is given.
    ///
    /// Signed commits are built with `git_commit_create_buffer`, signed, and written with
    /// `git_commit_create_with_signature` (header `gpgsig`), as libgit2's documentation describes.
    func createCommit(
        tree treeID: git_oid, parent: ObjectID?, author: GitSignature, committer: GitSignature, message: String,
        signer: CommitSigner? = nil
    ) throws -> git_oid {
        let text = message.hasSuffix("\n") ? message : message + "\n"
        return try withTree(id: treeID) { tree in
            try author.withSignature { authorSignature in
                try committer.withSignature { committerSignature in
                    var out = git_oid()
                    func create(_ parents: inout [OpaquePointer?]) throws {
                        guard let signer else {
                            try LibGit2.check(
                                git_commit_create(
                                    &out, handle, nil, authorSignature, committerSignature, nil, text, tree,
                                    parents.count, &parents),
                                "git_commit_create")
                            return
                        }
                        var buffer = git_buf()
                        defer { git_buf_dispose(&buffer) }
                        try LibGit2.check(
                            git_commit_create_buffer(
                                &buffer, handle, authorSignature, committerSignature, nil, text, tree, parents.count,
                                &parents),
                            "git_commit_create_buffer")
                        guard let bytes = buffer.ptr else {
                            throw GitError(
                                code: -1, message: "empty commit buffer", operation: "git_commit_create_buffer")
                        }
                        let content = String(cString: bytes)
                        let signature = try signer.sign(Data(content.utf8))
                        try LibGit2.check(
                            git_commit_create_with_signature(&out, handle, content, signature, "gpgsig"),
                            "git_commit_create_with_signature")
                    }
                    if let parent {
                        try withCommit(parent) { parentCommit in
                            var parents: [OpaquePointer?] = [parentCommit]
                            try create(&parents)
                        }
                    } else {
                        var parents: [OpaquePointer?] = []
                        try create(&parents)
                    }
                    return out
                }
            }
        }
    }
}
