import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Reconciler
import Testing

/// Rollback by revert: a human's `git revert` of a placement commit, `placer rollback`, and `pinned: false`,
/// against a real `git daemon`, the git CLI and the HTTPS hub.
@Suite struct HumanDecisionTests {
    /// Raises regional-cloud's latency to factory-dc above digital-twin's 100 ms budget, so Placer moves it.
    static func slowRegionalLink(_ factory: FactoryFixture) throws {
        try factory.humanEdit("clusters/regional-cloud.yaml", message: "leased line degraded") {
            $0.replacingOccurrences(of: "factory-dc: 15", with: "factory-dc: 150")
        }
    }

    static func cluster(of app: String, in factory: FactoryFixture) throws -> String? {
        let bytes = try #require(try factory.files()["placements/\(app).yaml"])
        return try PlacementRecord.parse(try #require(try YAMLLoader.load(bytes, file: app).first)).cluster
    }

    @Test func aGitRevertOfAPlacementCommitIsAppliedAndKeptUntilTheAppChanges() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "regional-cloud")
            try Self.slowRegionalLink(factory)
            let move = try #require(try await placer.reconcileOnce().commit)
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "factory-dc")
            #expect(await factory.works()["factory-dc/digital-twin"] != nil)

            // A human reverts Placer's move with stock git, in a clone, and pushes.
            let clone = factory.folder.appendingPathComponent("clone").path
            _ = try await runProgram("/usr/bin/git", ["clone", "-q", factory.barePath, clone])
            let identity = ["-c", "user.name=Shift Lead", "-c", "user.email=lead@factory.example"]
            let revert = try await runProgram(
                "/usr/bin/git", ["-C", clone] + identity + ["revert", "--no-edit", move])
            #expect(revert.status == 0, "\(revert.output)")
            let push = try await runProgram("/usr/bin/git", ["-C", clone, "push", "-q", "origin", "main"])
            #expect(push.status == 0, "\(push.output)")
            let revertCommit = try factory.tip()

            // Placer applies the reverted placement and does not move the app back, on this or later reconciles.
            for round in 1...2 {
                let report = try await placer.reconcileOnce()
                #expect(try Self.cluster(of: "digital-twin", in: factory) == "regional-cloud", "round \(round)")
                let status = try #require(report.apps.first { $0.app == "digital-twin" })
                #expect(status.cluster == "regional-cloud", "round \(round): \(status)")
                let works = await factory.works()
                #expect(
                    works["regional-cloud/digital-twin"] != nil && works["factory-dc/digital-twin"] == nil,
                    "\(works.keys.sorted())")
            }
            // The placement file is still the human's: no Placer commit rewrote it.
            let lastTouch = try await git(
                factory, ["log", "-1", "--format=%H", "main", "--", "placements/digital-twin.yaml"])
            #expect(lastTouch.trimmingCharacters(in: .whitespacesAndNewlines) == revertCommit.hex)
            // A restarted daemon (new cache) honours it too.
            _ = try await factory.reconciler(cache: "cache-restarted").reconcileOnce()
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "regional-cloud")

            let explanation = try await placer.explain(app: "digital-twin")
            let author = try #require(explanation.authorship)
            #expect(!author.byPlacer && author.honoured && author.commit == revertCommit)
            #expect(author.author.contains("Shift Lead"))

            // The app's definition changes: the human decision lapses and Placer decides again.
            try factory.humanEdit("apps/digital-twin/app.yaml", message: "new twin engine") {
                $0.replacingOccurrences(of: "engine:0.9.4", with: "engine:0.9.5")
            }
            let redecided = try await placer.reconcileOnce()
            #expect(redecided.commit != nil)
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "factory-dc")
        }
    }

    @Test func placerRollbackRestoresOneAppAndUnpinningReleasesIt() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            try Self.slowRegionalLink(factory)
            let move = try #require(try await placer.reconcileOnce().commit)
            let before = try factory.files()

            let result = try await placer.rollback(app: "digital-twin", author: FactoryFixture.humanSignature)
            #expect(result.fromCluster == "factory-dc" && result.toCluster == "regional-cloud")
            #expect(try factory.tip().hex == result.commit)
            // Only digital-twin's files changed; the rollback commit is the human's, not Placer's.
            let changed = try await git(
                factory, ["diff", "--no-renames", "--name-only", "\(result.commit)^", result.commit])
            #expect(changed.split(separator: "\n").allSatisfy { $0.hasSuffix("/digital-twin.yaml") }, "\(changed)")
            let message = try await git(factory, ["log", "-1", "--format=%an|%B", result.commit])
            #expect(message.hasPrefix("Factory Engineer|Roll back digital-twin to regional-cloud"), "\(message)")
            #expect(message.contains("Placer-Rollback: digital-twin@") && !message.contains("Placer-Inputs"))
            let after = try factory.files()
            for (path, data) in before where !path.hasSuffix("/digital-twin.yaml") {
                #expect(after[path] == data, "\(path)")
            }

            _ = try await placer.reconcileOnce()
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "regional-cloud")
            #expect(await factory.works()["regional-cloud/digital-twin"] != nil)
            #expect(try await placer.explain(app: "digital-twin").authorship?.honoured == true)

            // Rolling back to a named revision: the move commit's placement (factory-dc).
            let forward = try await placer.rollback(
                app: "digital-twin", to: String(move.prefix(10)), author: FactoryFixture.humanSignature)
            #expect(forward.toCluster == "factory-dc")
            await #expect(throws: RollbackError.self) {
                _ = try await placer.rollback(app: "digital-twin", to: "0000000", author: FactoryFixture.humanSignature)
            }

            // A human writes pinned: false: Placer decides again (and drops the field in its own record).
            _ = try await placer.rollback(app: "digital-twin", author: FactoryFixture.humanSignature)
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "regional-cloud")
            try factory.humanEdit("placements/digital-twin.yaml", message: "let Placer decide the twin again") {
                $0.replacingOccurrences(of: "spec:\n", with: "spec:\n  pinned: false\n")
            }
            let released = try await placer.reconcileOnce()
            #expect(released.commit != nil)
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "factory-dc")
            #expect(try await placer.explain(app: "digital-twin").authorship?.byPlacer == true)
        }
    }

    @Test func aPinnedAppsReRenderIsNamedAsSuchInTheCommitSubject() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let cluster = try #require(try Self.cluster(of: "mqtt-broker", in: factory))
            try factory.humanEdit("placements/mqtt-broker.yaml", message: "keep the broker where it is") {
                $0.replacingOccurrences(of: "spec:\n", with: "spec:\n  pinned: true\n")
            }
            _ = try await placer.reconcileOnce()
            try factory.humanEdit("apps/mqtt-broker/app.yaml", message: "broker 2.0.19") {
                $0.replacingOccurrences(of: "eclipse-mosquitto:2.0.18", with: "eclipse-mosquitto:2.0.19")
            }
            let report = try await placer.reconcileOnce()
            let commit = try #require(report.commit)
            let subject = try await git(factory, ["log", "-1", "--format=%s", commit]).trimmingCharacters(
                in: .whitespacesAndNewlines)
            #expect(subject == "placer: re-render mqtt-broker on \(cluster) (pinned there by a human)")
        }
    }

    @Test func deletingAPlacementFileHandsTheAppBackToPlacer() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            try Self.slowRegionalLink(factory)
            _ = try await placer.reconcileOnce()
            _ = try await placer.rollback(app: "digital-twin", author: FactoryFixture.humanSignature)
            _ = try await placer.reconcileOnce()
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "regional-cloud")
            try factory.humanPush(["placements/digital-twin.yaml": Data?.none], message: "forget the twin's placement")
            let report = try await placer.reconcileOnce()
            #expect(report.commit != nil)
            #expect(try Self.cluster(of: "digital-twin", in: factory) == "factory-dc")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
    func placerExplainAndRollbackFromTheCommandLine() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            try Self.slowRegionalLink(factory)
            _ = try await placer.reconcileOnce()
            let common = [
                "--repo", factory.repoURL, "--presets-dir", packageRoot.appendingPathComponent("policies").path,
                "--log-level", "warning",
            ]
            let rollback = try await runProgram(
                placerBinary,
                [
                    "rollback", "digital-twin", "--author", "Shift Lead <lead@factory.example>",
                    "--cache-dir", factory.folder.appendingPathComponent("cli-rollback").path,
                ] + common)
            #expect(rollback.status == 0, "\(rollback.output)")
            #expect(rollback.output.contains("digital-twin: factory-dc → regional-cloud"), "\(rollback.output)")
            let tip = try factory.tip()

            let explain = try await runProgram(
                placerBinary,
                [
                    "explain", "digital-twin",
                    "--cache-dir", factory.folder.appendingPathComponent("cli-explain").path,
                ] + common)
            #expect(explain.status == 0, "\(explain.output)")
            #expect(explain.output.contains("placement: regional-cloud"), "\(explain.output)")
            #expect(
                explain.output.contains(
                    "made by: human decision \(tip.hex.prefix(12)) \"Roll back digital-twin to regional-cloud\" by Shift Lead"
                ), "\(explain.output)")
            // Every cluster appears with a verdict: the link-degraded cloud is refused, the rest scored.
            #expect(explain.output.contains("regional-cloud: refused: LatencyBudget"), "\(explain.output)")
            #expect(explain.output.contains("factory-dc: feasible, total"), "\(explain.output)")

            let unknown = try await runProgram(
                placerBinary,
                [
                    "explain", "no-such-app",
                    "--cache-dir", factory.folder.appendingPathComponent("cli-explain").path,
                ] + common)
            #expect(unknown.status != 0 && unknown.output.contains("no app no-such-app"), "\(unknown.output)")
        }
    }
}
