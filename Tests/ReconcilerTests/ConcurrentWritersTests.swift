import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Testing

/// Issue 17, item 3: twenty humans push to `main` over a real `git daemon` while `placer run` commits to it, and a
/// second replica campaigns for the same Lease and takes over when the leader is killed mid-storm. No human commit
/// is lost, every update of `main` on the remote is a fast-forward (the remote's reflog says so), and Placer's
/// commits come from one replica at a time: all of the first leader's before any of the second's, and none of
/// the second's before it led.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct ConcurrentWritersTests {
    static let humans = 20
    static let pushesEach = 5

    static func replica(_ factory: FactoryFixture, name: String) throws -> ChildProcess {
        try ChildProcess(
            placerBinary,
            [
                "run", "--repo", factory.repoURL, "--hub-kubeconfig", factory.kubeconfigPath,
                "--cache-dir", factory.folder.appendingPathComponent("cache-\(name)").path,
                "--presets-dir", packageRoot.appendingPathComponent("policies").path,
                "--interval", "200ms", "--lease-duration", "3s", "--committer-email", "\(name)@placer.dev",
                "--log-level", "debug",
            ], environment: ProcessInfo.processInfo.environment,
            outputURL: factory.folder.appendingPathComponent("\(name).log"))
    }

    /// One human: a clone of its own, `pushesEach` commits (a note of its own, and for every fourth human a move
    /// of an app by editing its placement), each fetched, redone and pushed again until it lands.
    static func human(_ index: Int, factory: FactoryFixture) throws -> [ObjectID] {
        let clone = try GitRepository.openCache(
            at: factory.folder.appendingPathComponent("human-\(index)").path, remoteURL: factory.repoURL)
        let clusters = ["factory-dc", "hall-1-edge", "hall-2-edge", "hall-3-edge", "regional-cloud"]
        var pushed: [ObjectID] = []
        for push in 0..<pushesEach {
            var landed = false
            for _ in 0..<400 where !landed {
                guard let tip = try clone.fetch(branch: "main") else { throw FixtureError("main is gone") }
                let files = try clone.files(at: tip).mapValues(\.data)
                var changes: [String: Data?] = [:]
                let notes = "notes/human-\(index).md"
                changes[notes] = (files[notes] ?? Data()) + Data("- push \(push)\n".utf8)
                if index % 4 == 0, let record = files["placements/mqtt-broker.yaml"] {
                    let target = clusters[(index + push) % clusters.count]
                    let text = String(decoding: record, as: UTF8.self).split(
                        separator: "\n", omittingEmptySubsequences: false
                    ).map { $0.hasPrefix("  cluster: ") ? "  cluster: \(target)" : String($0) }.joined(separator: "\n")
                    changes["placements/mqtt-broker.yaml"] = Data(text.utf8)
                }
                let signature = GitSignature(name: "Human \(index)", email: "h\(index)@factory.example", date: Date())
                guard
                    let commit = try clone.commit(
                        parent: tip, changes: changes, author: signature, committer: signature,
                        message: "human \(index) push \(push)\n")
                else { throw FixtureError("human \(index): empty edit") }
                do {
                    try clone.push(commit, toBranch: "main")
                    pushed.append(commit)
                    landed = true
                } catch let error as GitError where error.isNonFastForward {
                    Thread.sleep(forTimeInterval: Double.random(in: 0.005...0.05))
                }
            }
            if !landed { throw FixtureError("human \(index): push \(push) never landed") }
        }
        return pushed
    }

    /// Runs the humans on threads of their own (libgit2 blocks), returning every commit they pushed.
    static func storm(_ factory: FactoryFixture) async throws -> [ObjectID] {
        try await withCheckedThrowingContinuation { continuation in
            final class Outcome: @unchecked Sendable {  // guarded by `lock`
                let lock = NSLock()
                var commits: [ObjectID] = []
                var failure: (any Error)?
            }
            let outcome = Outcome()
            let group = DispatchGroup()
            for index in 0..<humans {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    do {
                        let pushed = try human(index, factory: factory)
                        outcome.lock.withLock { outcome.commits += pushed }
                    } catch {
                        outcome.lock.withLock { outcome.failure = error }
                    }
                }
            }
            group.notify(queue: .global()) {
                if let failure = outcome.failure {
                    continuation.resume(throwing: failure)
                } else {
                    continuation.resume(returning: outcome.commits)
                }
            }
        }
    }

    static func git(_ factory: FactoryFixture, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await runProgram("/usr/bin/git", ["-C", factory.barePath] + arguments)
    }

    @Test func twentyHumansAndTwoReplicasLoseNothingAndNeverForceTheBranch() async throws {
        try await withFactory { factory in
            // Every update of main on the remote goes to its reflog: old → new, for the fast-forward check.
            #expect(try await Self.git(factory, ["config", "core.logAllRefUpdates", "always"]).status == 0)
            let first = try Self.replica(factory, name: "a")
            defer { first.kill9() }
            #expect(
                await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
                    await LeaderFailoverTests.holderPID(factory) == first.pid
                }, "the first replica leads")
            let second = try Self.replica(factory, name: "b")
            defer { second.kill9() }

            // The storm; the leader is killed in the middle of it.
            let storm = Task { try await Self.storm(factory) }
            try await Task.sleep(for: .seconds(3))
            first.kill9()
            let killed = Date()
            let humanCommits = try await storm.value
            #expect(humanCommits.count == Self.humans * Self.pushesEach)
            #expect(
                await eventually(timeout: .seconds(20), interval: .milliseconds(100)) {
                    await LeaderFailoverTests.holderPID(factory) == second.pid
                }, "the second replica takes over")
            // Converged: the new leader finished a pass at the tip, and the tip then stays put.
            #expect(
                try await eventually(timeout: .seconds(60), interval: .milliseconds(200)) {
                    let tip = try factory.tip().hex
                    guard second.text.contains("revision=\(tip)") || second.text.contains("commit=\(tip)") else {
                        return false
                    }
                    try await Task.sleep(for: .milliseconds(800))
                    return try factory.tip().hex == tip
                }, "\(second.text.suffix(3000))")

            // 0 lost human commits.
            let reachable = Set(
                try await Self.git(factory, ["rev-list", "main"]).output.split(separator: "\n").map(String.init))
            let lost = humanCommits.filter { !reachable.contains($0.hex) }
            #expect(lost.isEmpty, "lost \(lost.count) human commits")

            // 0 non-fast-forward updates of main, by Placer or anyone.
            let reflog = try String(contentsOfFile: factory.barePath + "/logs/refs/heads/main", encoding: .utf8)
            var updates = 0
            var forced: [String] = []
            for line in reflog.split(separator: "\n") {
                let ids = line.split(separator: " ").prefix(2).map(String.init)
                guard ids.count == 2, ids[0] != String(repeating: "0", count: 40) else { continue }
                updates += 1
                let check = try await Self.git(factory, ["merge-base", "--is-ancestor", ids[0], ids[1]])
                if check.status != 0 { forced.append("\(ids[0]) → \(ids[1])") }
            }
            #expect(updates >= humanCommits.count, "the reflog saw \(updates) updates")
            #expect(forced.isEmpty, "non-fast-forward updates: \(forced)")

            // One writer at a time: the history holds the first replica's commits, then only the second's.
            let log = try await Self.git(factory, ["log", "--reverse", "--format=%ce %ct", "main"]).output
            let writers = log.split(separator: "\n").compactMap { line -> (String, Double)? in
                let parts = line.split(separator: " ")
                guard parts.count == 2, parts[0].hasSuffix("@placer.dev") else { return nil }
                return (String(parts[0]), Double(parts[1]) ?? 0)
            }
            let sequence = writers.map(\.0)
            #expect(sequence.contains("b@placer.dev"), "the second replica committed after the take-over")
            if let firstB = sequence.firstIndex(of: "b@placer.dev") {
                #expect(!sequence[firstB...].contains("a@placer.dev"), "interleaved writers: \(sequence)")
                // Commit times have one-second resolution.
                #expect(writers[firstB].1 >= killed.timeIntervalSince1970.rounded(.down) - 1)
            }
            let lines = second.text.split(separator: "\n")
            let led = try #require(lines.firstIndex { $0.contains("started leading") }, "\(second.text.prefix(2000))")
            for marker in ["pushed placement commit", "applied ManifestWork", "deleted ManifestWork"] {
                if let wrote = lines.firstIndex(where: { $0.contains(marker) }) {
                    #expect(wrote > led, "\(marker) before leading")
                }
            }

            // And the hub holds exactly what the tip says.
            let record = try #require(try factory.files()["placements/mqtt-broker.yaml"])
            let cluster = try PlacementRecord.parse(try #require(try YAMLLoader.load(record, file: "p").first)).cluster
            let works = await factory.works().keys.filter { $0.hasSuffix("/mqtt-broker") }
            #expect(works == ["\(cluster ?? "-")/mqtt-broker"])
        }
    }
}
