import AppModel
import Foundation
import GitStore

/// Who made an app's current placement: Placer, or a human (a `git revert`, an edit, `placer rollback`).
public struct PlacementAuthorship: Sendable, Equatable {
    /// The commit that gave `placements/<app>.yaml` its current content.
    public var commit: ObjectID
    /// Whether that commit is Placer's own (its message carries a `Placer-Inputs:` trailer).
    public var byPlacer: Bool
    /// The commit's first line.
    public var subject: String
    /// The commit's author, `Name <email>`.
    public var author: String
    /// The author date.
    public var date: Date
    /// For a human's placement: whether Placer honours it now (the app's folder is unchanged since that commit
    /// and the record does not say `pinned: false`).
    public var honoured: Bool = false

    /// One line for reasons and `placer explain`: `human decision a1b2c3d4e5f6 "Revert …" by Ada <ada@…>`.
    public var summary: String {
        "\(byPlacer ? "Placer's decision" : "human decision") \(commit.hex.prefix(12)) \"\(subject)\" by \(author)"
    }
}

/// Finds, for placement files, the commit that introduced their current content, following history the way
/// `git log` simplifies it: through a merge, the walk follows a parent that already had the same blob, so a
/// merged proposal is attributed to Placer's commit, not to the merge.
///
/// Results are cached per path and kept while no new commit touches the path: before each use the index walks
/// only the commits added since the tip it last saw (a force-push clears it), so a file unchanged since the
/// last reconcile costs one tree lookup, yet a revert that restores an earlier blob is still seen as new.
/// Used from the reconciler actor only.
actor AuthorshipIndex {
    /// Commits walked per path at most; beyond it the placement is treated as Placer's (the safe default: Placer
    /// keeps deciding).
    static let walkLimit = 5000
    private var cache: [String: (blob: ObjectID, commit: ObjectID)] = [:]
    private var commits: [ObjectID: CommitInfo] = [:]
    private var lastTip: ObjectID?

    /// Forgets cached results for every path touched by a commit between the last tip seen and `tip`.
    /// - Throws: `GitError` when history cannot be read.
    func advance(to tip: ObjectID, in repository: any GitSource) async throws {
        defer { lastTip = tip }
        guard let last = lastTip, last != tip else { return }
        guard try await repository.isAncestor(last, of: tip) else {
            cache.removeAll()  // rewritten history (force-push): nothing cached can be trusted
            return
        }
        var touched: Set<String> = []
        var seen: Set<ObjectID> = []
        var queue = [tip]
        while let commit = queue.popLast() {
            guard commit != last, seen.insert(commit).inserted else { continue }
            guard seen.count <= Self.walkLimit else {
                cache.removeAll()
                return
            }
            let parents = try await commitInfo(commit, in: repository).parents
            if parents.isEmpty { touched.formUnion(try await repository.changedPaths(from: nil, to: commit)) }
            for parent in parents {
                touched.formUnion(try await repository.changedPaths(from: parent, to: commit))
                if parent != last, try await !repository.isAncestor(parent, of: last) { queue.append(parent) }
            }
        }
        for path in touched { cache[path] = nil }
    }

    /// The commit that introduced `path`'s content at `tip`; nil when the file does not exist or the walk
    /// exceeds ``walkLimit``.
    /// - Throws: `GitError` when a commit or tree cannot be read.
    func introducingCommit(of path: String, at tip: ObjectID, in repository: any GitSource) async throws -> ObjectID? {
        guard let blob = try await repository.objectID(at: tip, path: path) else { return nil }
        return try await introducingCommit(of: path, blob: blob, at: tip, in: repository)
    }

    /// ``introducingCommit(of:at:in:)`` for many paths: their blobs read in one call, and a history walk only for
    /// those whose cached result no longer stands, the walks in step (the paths that reached one commit look up
    /// their blobs in each of its parents with one call). A call per path and per walked commit was a queue hop
    /// and a parse of the whole `placements/` tree each: 0.3 s of every one-app push's decide at 1,000 apps, and
    /// over a second for the first push after Placer's commit of every placement.
    /// - Returns: path → introducing commit, for the paths that exist and whose walk stayed within ``walkLimit``
    ///   (the same answers as ``introducingCommit(of:at:in:)`` path by path).
    /// - Throws: `GitError` when a commit or tree cannot be read.
    func introducingCommits(
        of paths: [String], at tip: ObjectID, in repository: any GitSource
    ) async throws -> [String: ObjectID] {
        let blobs = try await repository.objectIDs(at: tip, paths: paths)
        var commits: [String: ObjectID] = [:]
        commits.reserveCapacity(blobs.count)
        var walking: [ObjectID: [String]] = [:]  // commit → the paths whose walk has reached it
        for path in paths {
            guard let blob = blobs[path] else { continue }
            if let cached = cache[path], cached.blob == blob {
                commits[path] = cached.commit
            } else {
                walking[tip, default: []].append(path)
            }
        }
        var inspected: [String: Int] = [:]  // commits walked per path, at most walkLimit (then: no answer)
        while let (commit, arrived) = walking.popFirst() {
            var here = arrived.filter { inspected[$0, default: 0] < Self.walkLimit }
            for path in here { inspected[path, default: 0] += 1 }
            guard !here.isEmpty else { continue }
            let info = try await commitInfo(commit, in: repository)
            // The first parent (in order) holding the same blob continues the walk, as path by path.
            for parent in info.parents where !here.isEmpty {
                let there = try await repository.objectIDs(at: parent, paths: here)
                var stay: [String] = []
                for path in here {
                    if there[path] == blobs[path] {
                        walking[parent, default: []].append(path)
                    } else {
                        stay.append(path)
                    }
                }
                here = stay
            }
            for path in here {
                guard let blob = blobs[path] else { continue }
                cache[path] = (blob, commit)
                commits[path] = commit
            }
        }
        return commits
    }

    /// The commit that introduced `blob` at `path`, walking back from `tip` (cached while the blob stands).
    private func introducingCommit(
        of path: String, blob: ObjectID, at tip: ObjectID, in repository: any GitSource
    ) async throws -> ObjectID? {
        if let cached = cache[path], cached.blob == blob { return cached.commit }
        var current = tip
        for _ in 0..<Self.walkLimit {
            let info = try await commitInfo(current, in: repository)
            var next: ObjectID?
            for parent in info.parents where try await repository.objectID(at: parent, path: path) == blob {
                next = parent
                break
            }
            guard let parent = next else {
                cache[path] = (blob, current)
                return current
            }
            current = parent
        }
        return nil
    }

    func commitInfo(_ id: ObjectID, in repository: any GitSource) async throws -> CommitInfo {
        if let info = commits[id] { return info }
        let info = try await repository.commitInfo(id)
        commits[id] = info
        return info
    }

    /// Whether a commit message is one of Placer's placement commits.
    static func isPlacerCommit(_ message: String) -> Bool {
        // A line that starts with the trailer, found without splitting: a fleet's commit lists every app.
        message.hasPrefix("Placer-Inputs: ") || message.contains("\nPlacer-Inputs: ")
    }
}

extension Reconciler {
    /// Authorship of every app's placement file at `tip`; humans' placements are marked honoured unless the
    /// app's folder changed after them or the record says `pinned: false`.
    /// - Throws: `GitError` when history cannot be read.
    func placementAuthorship(
        at tip: ObjectID, placements: [String: PlacementRecord]
    ) async throws -> [String: PlacementAuthorship] {
        try await authorship.advance(to: tip, in: repository)
        var result: [String: PlacementAuthorship] = [:]
        var changedSince: [ObjectID: [String]] = [:]
        // Per introducing commit, read once: most apps share one (Placer's last fleet commit), whose message lists
        // every app; reading it per app was 63 % of a push's reconcile at 1,000 apps (bench scale, perf).
        var entries: [ObjectID: PlacementAuthorship] = [:]
        let paths = Dictionary(uniqueKeysWithValues: placements.keys.map { ($0, RepoLayout.placementPath(app: $0)) })
        let introducing = try await authorship.introducingCommits(
            of: Array(paths.values), at: tip, in: repository)
        for (app, record) in placements {
            guard let path = paths[app], let commit = introducing[path] else { continue }
            if entries[commit] == nil {
                let info = try await authorship.commitInfo(commit, in: repository)
                entries[commit] = PlacementAuthorship(
                    commit: commit, byPlacer: AuthorshipIndex.isPlacerCommit(info.message),
                    subject: String(info.message.prefix { $0 != "\n" }),
                    author: "\(info.author.name) <\(info.author.email)>", date: info.author.date)
            }
            guard var entry = entries[commit] else { continue }
            if !entry.byPlacer, !record.unpinned, record.cluster != nil {
                if changedSince[commit] == nil {
                    changedSince[commit] = try await repository.changedPaths(from: commit, to: tip)
                }
                let folder = "\(RepoLayout.appsDirectory)/\(app)/"
                entry.honoured = !(changedSince[commit] ?? []).contains { $0.hasPrefix(folder) }
            }
            result[app] = entry
        }
        return result
    }
}
