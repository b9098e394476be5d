import Foundation
import GitStore
import PlacerCore

/// A ``GitSource`` that times fetch, commit and push and counts their failures (``PlacerMetrics/gitOperation(_:duration:failed:)``),
/// passing every call to `base` unchanged. The ``Reconciler`` wraps its port in one, so every fetch, placement
/// commit, proposal and rollback is measured where it happens. Fetches and pushes also tell `health` whether the
/// remote answered (a push the remote refused, such as a non-fast-forward, counts as an answer).
struct MeteredGitSource: GitSource {
    let base: any GitSource
    let metrics: PlacerMetrics
    var health: DependencyHealth?
    /// Removes credentials from an error's text before it reaches the health log.
    var redact: @Sendable (String) -> String = { $0 }

    func fetch(branch: String) async throws -> ObjectID? {
        try await reportingToHealth {
            try await PlacerMetrics.timed {
                try await base.fetch(branch: branch)
            } record: {
                metrics.gitOperation("fetch", duration: $0, failed: $1)
            }
        }
    }

    /// Runs a call to the remote and reports whether it answered.
    private func reportingToHealth<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let value = try await body()
            health?.succeeded(.git)
            return value
        } catch let error as GitError {
            switch error.kind {
            case .nonFastForward, .pushRejected: health?.succeeded(.git)
            default: health?.failed(.git, reason: redact(error.message))
            }
            throw error
        }
    }

    func files(at commit: ObjectID, under prefixes: [String]?) async throws -> [String: TreeFile] {
        try await base.files(at: commit, under: prefixes)
    }

    func submodulePaths(at commit: ObjectID) async throws -> [String] {
        try await base.submodulePaths(at: commit)
    }

    func objectID(at commit: ObjectID, path: String) async throws -> ObjectID? {
        try await base.objectID(at: commit, path: path)
    }

    func objectIDs(at commit: ObjectID, paths: [String]) async throws -> [String: ObjectID] {
        try await base.objectIDs(at: commit, paths: paths)
    }

    func changedPaths(from old: ObjectID?, to new: ObjectID) async throws -> [String] {
        try await base.changedPaths(from: old, to: new)
    }

    func commitInfo(_ id: ObjectID) async throws -> CommitInfo {
        try await base.commitInfo(id)
    }

    func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID) async throws -> Bool {
        try await base.isAncestor(ancestor, of: descendant)
    }

    func patch(base commit: ObjectID?, changes: [String: Data?], under prefixes: [String]) async throws -> String {
        try await base.patch(base: commit, changes: changes, under: prefixes)
    }

    func commit(
        parent: ObjectID?, changes: [String: Data?], author: GitSignature, committer: GitSignature,
        message: String, signer: CommitSigner?
    ) async throws -> ObjectID? {
        try await PlacerMetrics.timed {
            try await base.commit(
                parent: parent, changes: changes, author: author, committer: committer, message: message,
                signer: signer)
        } record: {
            metrics.gitOperation("commit", duration: $0, failed: $1)
        }
    }

    func push(_ commit: ObjectID, toBranch branch: String, force: Bool) async throws {
        try await reportingToHealth {
            try await PlacerMetrics.timed {
                try await base.push(commit, toBranch: branch, force: force)
            } record: {
                metrics.gitOperation("push", duration: $0, failed: $1)
            }
        }
    }

    func deleteRemoteBranch(_ branch: String) async throws {
        try await PlacerMetrics.timed {
            try await base.deleteRemoteBranch(branch)
        } record: {
            metrics.gitOperation("push", duration: $0, failed: $1)
        }
    }
}
