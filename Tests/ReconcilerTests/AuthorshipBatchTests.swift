import Foundation
import GitStore
import PlacerCore
import PlacerTestSupport
import Testing

@testable import Reconciler

/// The batched reads a decide makes of placement history (``GitSource/objectIDs(at:paths:)`` and
/// ``AuthorshipIndex/introducingCommits(of:at:in:)``) against their path-by-path forms, on real Git: random
/// histories of edits, deletions, re-additions and reverts to an earlier blob.
@Suite struct AuthorshipBatchTests {
    static func signature(_ seconds: Int) -> GitSignature {
        GitSignature(name: "Engineer", email: "e@example.com", date: Date(timeIntervalSince1970: Double(seconds)))
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func batchedLookupsAndWalksEqualPathByPath(seed: UInt64) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let repository = try GitRepository.initBare(at: folder.appendingPathComponent("bare.git").path)
        let source = LibGit2Source(repository: repository)
        var random = SplitMix64(seed: seed)
        let apps = (0..<12).map { "app-\($0)" }
        // The paths asked for: placement files, a folder, the root, a missing file, a file under a file.
        let paths =
            apps.map { "placements/\($0).yaml" } + ["placements", "", "placements/none.yaml", "README/x", "README"]
        var tip: ObjectID?
        var tips: [ObjectID] = []
        for step in 0..<25 {
            var changes: [String: Data?] = step == 0 ? ["README": Data("readme\n".utf8)] : [:]
            for app in apps where step == 0 || random.next() % 4 == 0 {
                // Few distinct contents, so a later commit often restores an earlier blob (a revert).
                let roll = random.next() % 5
                changes["placements/\(app).yaml"] =
                    roll == 0 && step > 0 ? .some(nil) : Data("cluster: c\(roll)\n".utf8)
            }
            guard
                let commit = try repository.commit(
                    parent: tip, changes: changes, author: Self.signature(step), committer: Self.signature(step),
                    message: "step \(step)\n", updateRef: "refs/heads/main")
            else { continue }
            tip = commit
            tips.append(commit)
        }
        for commit in tips {
            let batched = try await source.objectIDs(at: commit, paths: paths)
            var single: [String: ObjectID] = [:]
            for path in paths { single[path] = try repository.objectID(at: commit, path: path) }
            #expect(batched == single, "seed \(seed)")
        }
        // A fresh index per tip (nothing cached) and one carried along (cache and advance), both against a fresh
        // path-by-path walk.
        let carried = AuthorshipIndex()
        for commit in tips {
            try await carried.advance(to: commit, in: source)
            let fresh = AuthorshipIndex()
            let batched = try await fresh.introducingCommits(of: paths, at: commit, in: source)
            let incremental = try await carried.introducingCommits(of: paths, at: commit, in: source)
            var single: [String: ObjectID] = [:]
            let reference = AuthorshipIndex()
            for path in paths { single[path] = try await reference.introducingCommit(of: path, at: commit, in: source) }
            #expect(batched == single, "seed \(seed)")
            #expect(incremental == single, "seed \(seed)")
            #expect(!single.isEmpty)
        }
    }
}
