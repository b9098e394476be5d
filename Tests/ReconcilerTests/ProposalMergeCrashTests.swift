import Foundation
import PlacerCore
import PlacerTestSupport
import Testing

/// The `proposal-merge` failpoint, which the crash suite (commit mode) never reaches: `placer run --mode propose`
/// crashes right after it saw its proposal merged and before it deleted the proposal branch. The restarted daemon
/// must finish the hand-over: the branch deleted, the merged placements applied once each, the reviewer's merge
/// kept, and Placer's proposal attributed to Placer.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct ProposalMergeCrashTests {
    @Test func aCrashBetweenTheMergeAndTheBranchDeletionIsFinishedOnRestart() async throws {
        try await withFactory { factory in
            func daemon(_ name: String, failpoints: String?) throws -> ChildProcess {
                var environment = ProcessInfo.processInfo.environment
                environment["PLACER_FAILPOINTS"] = failpoints
                return try ChildProcess(
                    placerBinary,
                    [
                        "run", "--repo", factory.repoURL, "--hub-kubeconfig", factory.kubeconfigPath,
                        "--cache-dir", factory.folder.appendingPathComponent("cache-propose").path,
                        "--presets-dir", packageRoot.appendingPathComponent("policies").path,
                        "--mode", "propose", "--interval", "1s", "--disable-leader-election", "--log-level", "info",
                    ], environment: environment, outputURL: factory.folder.appendingPathComponent("\(name).log"))
            }
            func branches() async throws -> [Substring] {
                try await git(factory, ["for-each-ref", "--format=%(refname)", "refs/heads/"]).split(separator: "\n")
                    .sorted()
            }
            let first = try daemon("first", failpoints: "proposal-merge=crash")
            defer { first.kill9() }
            #expect(
                await first.waitForOutput(timeout: .seconds(60)) { $0.contains("pushed placement proposal") },
                "\(first.text)")
            #expect(try await branches() == ["refs/heads/main", "refs/heads/placer/proposals"])
            #expect(await factory.works().isEmpty, "a proposal applies nothing before its merge")

            // The reviewer merges the proposal, as a pull request would.
            try await factory.reviewerMerges()
            let reviewed = try await git(factory, ["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)

            // The next pass sees the merge and crashes before deleting the branch.
            #expect(await first.waitForExit(timeout: .seconds(60)), "still running: \(first.text)")
            guard !first.process.isRunning else { return }
            #expect(first.process.terminationStatus == Failpoints.crashStatus, "\(first.text)")
            #expect(first.text.contains("failpoint proposal-merge: crash"), "\(first.text)")
            #expect(try await branches() == ["refs/heads/main", "refs/heads/placer/proposals"])

            let second = try daemon("second", failpoints: nil)
            defer { second.kill9() }
            let deadline = ContinuousClock.now + .seconds(90)
            while ContinuousClock.now < deadline {
                if try await branches() == ["refs/heads/main"], await factory.works().count == EndToEndTests.apps.count
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try await branches() == ["refs/heads/main"], "the proposal branch was not deleted: \(second.text)")
            let works = await factory.works()
            #expect(works.count == EndToEndTests.apps.count, "one ManifestWork per app: \(works.keys.sorted())")
            // Nothing new was committed on top of the reviewer's merge, and history is sound.
            let tip = try await git(factory, ["rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(tip == reviewed, "Placer committed after the merge")
            let fsck = try await runProgram("/usr/bin/git", ["--git-dir", factory.barePath, "fsck", "--no-dangling"])
            #expect(fsck.status == 0, "\(fsck.output)")
            #expect(!second.text.contains("reconcile failed"), "\(second.text)")
        }
    }
}
