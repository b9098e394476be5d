import Foundation

/// The app repo as the reconcile loop sees it: a cache of one remote that can be fetched, read at a commit,
/// compared, committed to and pushed.
///
/// ``LibGit2Source`` is the adapter over libgit2 (``GitRepository``), running every call on its own serial queue so
/// no blocking network or disk call occupies Swift's cooperative pool; tests use an in-memory fake
/// (`PlacerFakes.FakeGitSource`). Implementations are safe to call from any task. Errors are ``GitError``; a push
/// that lost a race throws one whose ``GitError/isNonFastForward`` is true, so the caller fetches and retries.
public protocol GitSource: Sendable {
    /// Fetches `refs/heads/<branch>` from the remote.
    /// - Returns: the branch's commit, or nil when the remote has no such branch.
    /// - Throws: ``GitError`` when the remote is unreachable, refuses the credentials or cannot be verified.
    func fetch(branch: String) async throws -> ObjectID?

    /// The files of `commit`'s tree (blobs and symlinks, with their modes; gitlinks left out).
    /// - Parameter prefixes: folders to read (`"placements"` covers `placements/...`); nil reads everything.
    /// - Returns: path → file, paths `/`-separated from the root.
    /// - Throws: ``GitError`` when the commit cannot be read.
    func files(at commit: ObjectID, under prefixes: [String]?) async throws -> [String: TreeFile]

    /// The paths of the gitlinks (submodules) in `commit`'s tree, sorted.
    /// - Throws: ``GitError`` when the commit cannot be read.
    func submodulePaths(at commit: ObjectID) async throws -> [String]

    /// The id of the blob (or tree) at `path` in `commit`, nil when nothing is there.
    /// - Throws: ``GitError`` when the commit cannot be read.
    func objectID(at commit: ObjectID, path: String) async throws -> ObjectID?

    /// The ids of the blobs (or trees) at `paths` in `commit`, in one call: path → id, paths with nothing there
    /// left out. What ``objectID(at:path:)`` gives per path, without a call (a queue hop) per path.
    /// - Throws: ``GitError`` when the commit cannot be read.
    func objectIDs(at commit: ObjectID, paths: [String]) async throws -> [String: ObjectID]

    /// The paths whose content or mode differs between two commits (nil = the empty tree), sorted.
    /// - Throws: ``GitError`` when a commit cannot be read.
    func changedPaths(from old: ObjectID?, to new: ObjectID) async throws -> [String]

    /// A commit's message, author, committer and parents.
    /// - Throws: ``GitError`` (kind `.notFound`) for an unknown commit.
    func commitInfo(_ id: ObjectID) async throws -> CommitInfo

    /// Whether `ancestor` is `descendant` or reachable from it through parents.
    /// - Throws: ``GitError`` when history cannot be read.
    func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) async throws -> Bool

    /// A unified diff (`git diff` format) from `base`'s tree to that tree with `changes` applied (nil deletes),
    /// limited to `prefixes` (empty = all); `""` when nothing there changes. Writes no commit or ref.
    /// - Throws: ``GitError`` for invalid paths.
    func patch(base: ObjectID?, changes: [String: Data?], under prefixes: [String]) async throws -> String

    /// Commits `parent`'s tree with `changes` applied (nil deletes); moves no ref.
    /// - Returns: the new commit, or nil when the tree would not change.
    /// - Throws: ``GitError`` for invalid paths or a signing failure.
    func commit(
        parent: ObjectID?, changes: [String: Data?], author: GitSignature, committer: GitSignature,
        message: String, signer: CommitSigner?
    ) async throws -> ObjectID?

    /// Pushes `commit` to `refs/heads/<branch>`; without `force` only as a fast-forward.
    /// - Throws: ``GitError`` with ``GitError/isNonFastForward`` when the branch moved, another kind when the
    ///   remote is unreachable or refuses.
    func push(_ commit: ObjectID, toBranch branch: String, force: Bool) async throws

    /// Deletes `refs/heads/<branch>` on the remote; nothing happens when it is absent.
    /// - Throws: ``GitError`` when the remote is unreachable or refuses.
    func deleteRemoteBranch(_ branch: String) async throws
}

extension GitSource {
    /// ``objectIDs(at:paths:)`` as one ``objectID(at:path:)`` per path (for sources where a call is cheap).
    /// - Throws: ``GitError`` when the commit cannot be read.
    public func objectIDs(at commit: ObjectID, paths: [String]) async throws -> [String: ObjectID] {
        var ids: [String: ObjectID] = [:]
        for path in paths { ids[path] = try await objectID(at: commit, path: path) }
        return ids
    }

    /// Every file of `commit`'s tree. - Throws: ``GitError``.
    public func files(at commit: ObjectID) async throws -> [String: TreeFile] {
        try await files(at: commit, under: nil)
    }

    /// A fast-forward push. - Throws: ``GitError`` (``GitError/isNonFastForward`` when the branch moved).
    public func push(_ commit: ObjectID, toBranch branch: String) async throws {
        try await push(commit, toBranch: branch, force: false)
    }
}
