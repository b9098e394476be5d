import Foundation

/// The libgit2 adapter of ``GitSource``: a ``GitRepository`` (usually a bare cache opened with
/// ``GitRepository/openCache(at:remoteURL:credentials:)``) whose calls run on a private serial ``BlockingQueue``.
///
/// `GitRepository` keeps its synchronous API (tools, tests and the CLI call it directly); this wrapper is what the
/// reconcile loop holds, so fetch, push and tree reads suspend the caller instead of blocking a cooperative-pool
/// thread. Every method forwards to the `GitRepository` method of the same name; errors are ``GitError``.
public struct LibGit2Source: GitSource {
    /// The wrapped repository.
    public let repository: GitRepository
    private let queue: BlockingQueue

    /// - Parameter repository: the repository every call goes to.
    public init(repository: GitRepository) {
        self.repository = repository
        queue = BlockingQueue(label: "placer.git.\(repository.path)")
    }

    /// ``GitSource``'s `fetch`, on the libgit2 queue.
    public func fetch(branch: String) async throws -> ObjectID? {
        try await queue.run { [repository] in try repository.fetch(branch: branch) }
    }

    /// ``GitSource``'s `files`, on the libgit2 queue.
    public func files(at commit: ObjectID, under prefixes: [String]?) async throws -> [String: TreeFile] {
        try await queue.run { [repository] in try repository.files(at: commit, under: prefixes) }
    }

    /// ``GitSource``'s `submodulePaths`, on the libgit2 queue.
    public func submodulePaths(at commit: ObjectID) async throws -> [String] {
        try await queue.run { [repository] in try repository.submodulePaths(at: commit) }
    }

    /// ``GitSource``'s `objectID`, on the libgit2 queue.
    public func objectID(at commit: ObjectID, path: String) async throws -> ObjectID? {
        try await queue.run { [repository] in try repository.objectID(at: commit, path: path) }
    }

    /// ``GitSource``'s `objectIDs`, on the libgit2 queue in one call.
    public func objectIDs(at commit: ObjectID, paths: [String]) async throws -> [String: ObjectID] {
        try await queue.run { [repository] in try repository.objectIDs(at: commit, paths: paths) }
    }

    /// ``GitSource``'s `changedPaths`, on the libgit2 queue.
    public func changedPaths(from old: ObjectID?, to new: ObjectID) async throws -> [String] {
        try await queue.run { [repository] in try repository.changedPaths(from: old, to: new) }
    }

    /// ``GitSource``'s `commitInfo`, on the libgit2 queue.
    public func commitInfo(_ id: ObjectID) async throws -> CommitInfo {
        try await queue.run { [repository] in try repository.commitInfo(id) }
    }

    /// ``GitSource``'s `isAncestor`, on the libgit2 queue.
    public func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) async throws -> Bool {
        try await queue.run { [repository] in try repository.isAncestor(ancestor, of: descendant) }
    }

    /// ``GitSource``'s `patch`, on the libgit2 queue.
    public func patch(base: ObjectID?, changes: [String: Data?], under prefixes: [String]) async throws -> String {
        try await queue.run { [repository] in try repository.patch(base: base, changes: changes, under: prefixes) }
    }

    /// ``GitSource``'s `commit`, on the libgit2 queue.
    public func commit(
        parent: ObjectID?, changes: [String: Data?], author: GitSignature, committer: GitSignature,
        message: String, signer: CommitSigner?
    ) async throws -> ObjectID? {
        try await queue.run { [repository] in
            try repository.commit(
                parent: parent, changes: changes, author: author, committer: committer, message: message,
                signer: signer)
        }
    }

    /// ``GitSource``'s `push`, on the libgit2 queue.
    public func push(_ commit: ObjectID, toBranch branch: String, force: Bool) async throws {
        try await queue.run { [repository] in try repository.push(commit, toBranch: branch, force: force) }
    }

    /// ``GitSource``'s `deleteRemoteBranch`, on the libgit2 queue.
    public func deleteRemoteBranch(_ branch: String) async throws {
        try await queue.run { [repository] in try repository.deleteRemoteBranch(branch) }
    }
}
