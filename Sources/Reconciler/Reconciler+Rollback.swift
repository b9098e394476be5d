import AppModel
import Foundation
import GitStore

/// What `placer rollback` did.
public struct RollbackResult: Sendable {
    /// The revert commit pushed to the tracked branch.
    public var commit: String
    /// The app's cluster before and after the rollback (`nil`: unplaced).
    public var fromCluster: String?
    public var toCluster: String?
    /// The revision whose placement was restored.
    public var restoredFrom: String
}

/// Why a rollback could not be made; each description is one line.
public enum RollbackError: Error, CustomStringConvertible, Sendable {
    case noPlacement(app: String)
    case unknownRevision(String)
    case nothingAt(app: String, revision: String)
    case alreadyThere(app: String, cluster: String?)

    public var description: String {
        switch self {
        case let .noPlacement(app): return "\(app) has no placement (placements/\(app).yaml) on the tracked branch"
        case let .unknownRevision(revision): return "no commit \(revision) in the tracked branch's history"
        case let .nothingAt(app, revision):
            return "\(app) had no placement at \(revision.prefix(12)): nothing to roll back to"
        case let .alreadyThere(app, cluster):
            return "\(app) is already placed as at that revision (on \(cluster ?? "no cluster"))"
        }
    }
}

extension Reconciler {
    /// Puts one app's placement back as it was, in a commit of its own that counts as a human decision: it
    /// carries a `Placer-Rollback:` trailer and no `Placer-Inputs:`, so later reconciles keep it (like a pin)
    /// until `apps/<app>/` changes or the placement says `pinned: false`.
    ///
    /// Only `placements/<app>.yaml` and `rendered/*/<app>.yaml` change, so other apps decided in the same
    /// placement commit stay where they are (a whole-commit `git revert` would move them too).
    ///
    /// - Parameters:
    ///   - app: the app folder name.
    ///   - revision: a commit id (full or a unique prefix of at least 7 hex digits) on the tracked branch
    ///     whose placement to restore; `nil` restores the placement before the commit that made the current one.
    ///   - author: who asks for the rollback (author and committer of the commit).
    /// - Returns: the pushed commit and the move it makes.
    /// - Throws: ``RollbackError`` for a missing app, revision or placement; ``ReconcileError`` when the repo
    ///   cannot be fetched or the push keeps failing.
    public func rollback(app: String, to revision: String? = nil, author: GitSignature) async throws -> RollbackResult {
        var attempt = 0
        while true {
            attempt += 1
            let tip = try await fetchTip()
            try await authorship.advance(to: tip, in: repository)
            let placementPath = RepoLayout.placementPath(app: app)
            guard try await repository.objectID(at: tip, path: placementPath) != nil else {
                throw RollbackError.noPlacement(app: app)
            }
            let target: ObjectID
            if let revision {
                target = try await findRevision(revision, from: tip)
            } else {
                guard
                    let introducing = try await authorship.introducingCommit(
                        of: placementPath, at: tip, in: repository),
                    let parent = try await authorship.commitInfo(introducing, in: repository).parents.first
                else { throw RollbackError.nothingAt(app: app, revision: "the first commit") }
                target = parent
            }
            let now = try await appFiles(app, at: tip)
            let then = try await appFiles(app, at: target)
            guard let record = then[placementPath] else {
                throw RollbackError.nothingAt(app: app, revision: target.hex)
            }
            var changes: [String: Data?] = [:]
            for (path, data) in then where now[path] != data { changes[path] = data }
            for path in now.keys where then[path] == nil { changes[path] = .some(nil) }
            let fromCluster = try Self.cluster(in: now[placementPath], app: app)
            let toCluster = try Self.cluster(in: record, app: app)
            guard !changes.isEmpty else { throw RollbackError.alreadyThere(app: app, cluster: toCluster) }
            let subject =
                try await authorship.commitInfo(target, in: repository).message.split(separator: "\n").first.map(
                    String.init) ?? ""
            let message = """
                Roll back \(app) to \(toCluster ?? "no cluster")

                Restores the placement of \(app) as of \(target.hex) ("\(subject)"): \
                \(fromCluster ?? "unplaced") → \(toCluster ?? "unplaced"). Placer keeps it until apps/\(app)/ \
                changes or placements/\(app).yaml says pinned: false.

                Placer-Rollback: \(app)@\(target.hex)

                """
            guard
                let commit = try await repository.commit(
                    parent: tip, changes: changes, author: author, committer: author, message: message, signer: nil)
            else { throw RollbackError.alreadyThere(app: app, cluster: toCluster) }
            do {
                try await repository.push(commit, toBranch: configuration.branch)
            } catch let error as GitError where error.isNonFastForward && attempt < configuration.maxPushAttempts {
                try await Task.sleep(for: Self.pushBackoff(attempt: attempt))
                continue
            }
            logger.info(
                "rolled back placement",
                metadata: ["app": "\(app)", "revision": "\(commit.hex)", "to": "\(toCluster ?? "-")"])
            return RollbackResult(
                commit: commit.hex, fromCluster: fromCluster, toCluster: toCluster, restoredFrom: target.hex)
        }
    }

    /// `placements/<app>.yaml` and every `rendered/<cluster>/<app>.yaml` at `commit`.
    func appFiles(_ app: String, at commit: ObjectID) async throws -> [String: Data] {
        try await repository.files(at: commit, under: RepoLayout.outputDirectories)
            .filter { path, _ in
                path == RepoLayout.placementPath(app: app)
                    || (path.hasPrefix(RepoLayout.renderedDirectory + "/") && path.hasSuffix("/\(app).yaml"))
            }
            .mapValues(\.data)
    }

    /// A commit of the tracked branch's history named by a full id or a unique prefix (first-parent walk).
    func findRevision(_ revision: String, from tip: ObjectID) async throws -> ObjectID {
        let wanted = revision.lowercased()
        guard wanted.count >= 7, wanted.allSatisfy(\.isHexDigit) else { throw RollbackError.unknownRevision(revision) }
        var seen: Set<ObjectID> = []
        var queue = [tip]
        var matches: [ObjectID] = []
        while let next = queue.popLast(), seen.count < AuthorshipIndex.walkLimit {
            guard seen.insert(next).inserted else { continue }
            if next.hex.hasPrefix(wanted) { matches.append(next) }
            queue.append(contentsOf: try await authorship.commitInfo(next, in: repository).parents)
        }
        guard matches.count == 1, let match = matches.first else { throw RollbackError.unknownRevision(revision) }
        return match
    }

    static func cluster(in record: Data?, app: String) throws -> String? {
        guard let record, let document = try YAMLLoader.load(record, file: RepoLayout.placementPath(app: app)).first
        else { return nil }
        return try PlacementRecord.parse(document).cluster
    }
}
