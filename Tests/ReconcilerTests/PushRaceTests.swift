import AppModel
import EdgeSim
import Foundation
import GitStore
import Reconciler
import Testing

/// Placer and 50 human commits racing for one branch over `git daemon`.
@Suite struct PushRaceTests {
    /// Pushes one human commit, re-making it on the new tip when the branch moved (what `git pull --rebase`
    /// and push does).
    static func pushWithRetry(
        _ human: GitRepository, _ change: ([String: Data]) -> [String: Data?], message: String
    ) throws -> ObjectID {
        for _ in 0..<50 {
            guard let tip = try human.fetch(branch: "main") else { throw FixtureError("no main") }
            let files = try human.files(at: tip).mapValues(\.data)
            let signature = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())
            guard
                let commit = try human.commit(
                    parent: tip, changes: change(files), author: signature, committer: signature, message: message)
            else { throw FixtureError("empty human commit") }
            do {
                try human.push(commit, toBranch: "main")
                return commit
            } catch let error as GitError where error.isNonFastForward {
                continue
            }
        }
        throw FixtureError("human push kept losing the race")
    }

    @Test func fiftyConcurrentHumanCommitsAreAllKeptAndPlacerNeverCommitsEmptyOrTwice() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler { $0.maxPushAttempts = 8 }
            _ = try await placer.reconcileOnce()
            let human = try GitRepository.openCache(
                at: factory.folder.appendingPathComponent("racer").path, remoteURL: factory.repoURL)

            let finished = Flag()
            let humanTask = Task.detached { () throws -> [ObjectID] in
                defer { finished.set() }
                var commits: [ObjectID] = []
                for index in 1...50 {
                    let commit = try Self.pushWithRetry(
                        human,
                        { files in
                            var changes: [String: Data?] = [
                                "apps/fleet-manager/NOTES.md": Data("shift note \(index)\n".utf8)
                            ]
                            // Every 10th commit flips the twin's latency budget, so Placer has real moves to commit.
                            if index % 10 == 0, let twin = files["apps/digital-twin/app.yaml"] {
                                let text = String(decoding: twin, as: UTF8.self)
                                let flipped =
                                    text.contains("nwlatency: \"100\"")
                                    ? text.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
                                    : text.replacingOccurrences(of: "nwlatency: \"10\"", with: "nwlatency: \"100\"")
                                changes["apps/digital-twin/app.yaml"] = Data(flipped.utf8)
                            }
                            // Commit 25 is a human pinning the broker by editing its placement file.
                            if index == 25, let record = files["placements/mqtt-broker.yaml"] {
                                let text = String(decoding: record, as: UTF8.self)
                                changes["placements/mqtt-broker.yaml"] = Data(
                                    text.replacingOccurrences(of: "spec:\n", with: "spec:\n  pinned: true\n").utf8)
                            }
                            return changes
                        }, message: "human change \(index)\n")
                    commits.append(commit)
                }
                return commits
            }
            var placerErrors: [String] = []
            while !finished.value {
                do {
                    _ = try await placer.reconcileOnce()
                } catch {
                    placerErrors.append("\(error)")  // a daemon retries on its next interval
                }
            }
            let humanCommits = try await humanTask.value
            _ = try await placer.reconcileOnce()  // settle on the final inputs

            // Every human commit is in main's history.
            let history = Set(
                try await git(factory, ["log", "--format=%H", "main"]).split(separator: "\n").map(String.init))
            for commit in humanCommits { #expect(history.contains(commit.hex), "human commit \(commit.hex) was lost") }
            // No empty Placer commit, and no two with the same inputs.
            let placerCommits = try await git(factory, ["log", "--format=%H", "--author=Placer", "main"]).split(
                separator: "\n"
            ).map(String.init)
            #expect(placerCommits.count >= 2)
            var inputs: [String] = []
            for commit in placerCommits {
                let changed = try await git(factory, ["diff", "--no-renames", "--name-only", "\(commit)^", commit])
                #expect(!changed.isEmpty, "empty Placer commit \(commit)")
                #expect(
                    changed.split(separator: "\n").allSatisfy {
                        $0.hasPrefix("placements/") || $0.hasPrefix("rendered/")
                    })
                inputs.append(
                    try await git(factory, ["log", "-1", "--format=%(trailers:key=Placer-Inputs,valueonly)", commit]))
            }
            #expect(Set(inputs).count == inputs.count, "duplicate Placer commits: \(inputs)")
            // Placer's files match the final inputs: a fresh instance has nothing to change.
            let (diff, _, _) = try await factory.reconciler(cache: "fresh", hub: false).plan()
            #expect(diff.isEmpty, "\(diff)")
            // The human's pin won: the broker's placement file is still the human's.
            let lastTouch = try await git(
                factory, ["log", "-1", "--format=%s", "main", "--", "placements/mqtt-broker.yaml"])
            #expect(lastTouch.hasPrefix("human change 25"), "\(lastTouch)")
            #expect(!placerErrors.contains { !$0.contains("push failed") }, "\(placerErrors)")
        }
    }

}

/// A flag set once from another thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    var value: Bool { lock.withLock { raised } }
    func set() { lock.withLock { raised = true } }
}
