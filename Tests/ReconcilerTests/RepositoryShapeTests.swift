import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Reconciler
import Testing

/// Repository shapes real teams produce, made with stock git in a clone and pushed to the `git daemon` repo:
/// symlinks, Git LFS pointers, submodules, renames and force-pushes.
@Suite struct RepositoryShapeTests {
    /// A working clone of the fixture's repo with a committer identity.
    struct Clone {
        let path: String

        init(_ factory: FactoryFixture, name: String = "work") async throws {
            path = factory.folder.appendingPathComponent(name).path
            try await Self.run(["clone", "-q", factory.barePath, path], in: nil)
        }

        func git(_ arguments: [String]) async throws -> String {
            try await Self.run(
                ["-C", path, "-c", "user.name=Line Engineer", "-c", "user.email=line@factory.example"] + arguments,
                in: nil)
        }

        func write(_ relative: String, _ text: String) throws {
            let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }

        func symlink(_ relative: String, to target: String) throws {
            let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
            try? FileManager.default.removeItem(at: url)
            try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
        }

        func commitAndPush(_ message: String, force: Bool = false, addAll: Bool = true) async throws {
            if addAll { _ = try await git(["add", "-A"]) }
            _ = try await git(["commit", "-q", "-m", message])
            _ = try await git(["push", "-q"] + (force ? ["--force"] : []) + ["origin", "HEAD:main"])
        }

        static func run(_ arguments: [String], in directory: String?) async throws -> String {
            let result = try await runProgram("/usr/bin/git", arguments)
            guard result.status == 0 else {
                throw FixtureError("git \(arguments.joined(separator: " ")): \(result.output)")
            }
            return result.output
        }
    }

    static func status(_ app: String, in report: ReconcileReport) throws -> AppStatus {
        try #require(report.apps.first { $0.app == app })
    }

    @Test func symlinksInsideAreFollowedAndOnesLeavingTheRepoAreRefused() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let works = await factory.works()
            let clone = try await Clone(factory)
            // The broker's definition moves to a shared folder; the app folder links to it.
            _ = try await clone.git(["mv", "apps/mqtt-broker/app.yaml", "shared-broker.yaml"])
            try clone.symlink("apps/mqtt-broker/app.yaml", to: "../../shared-broker.yaml")
            // The twin's definition is replaced by a link out of the repository.
            try clone.symlink("apps/digital-twin/app.yaml", to: "../../../../etc/hostname")
            try await clone.commitAndPush("share the broker; link the twin")

            let report = try await placer.reconcileOnce()
            #expect(try Self.status("mqtt-broker", in: report).phase != .invalid)
            let twin = try Self.status("digital-twin", in: report)
            #expect(twin.phase == .invalid)
            #expect(
                twin.reason.contains(
                    "apps/digital-twin/app.yaml is a symlink to ../../../../etc/hostname, which leaves the repository"),
                "\(twin.reason)")
            // The twin keeps its last good placement and ManifestWork; the broker's work is untouched.
            #expect(twin.cluster != nil)
            let after = await factory.works()
            #expect(after.keys.sorted() == works.keys.sorted())
            for (key, version) in works where key.hasSuffix("/mqtt-broker") { #expect(after[key] == version) }
        }
    }

    @Test func lfsPointersAndSubmodulesMakeTheirAppInvalidNeverEmpty() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let works = await factory.works()
            let clone = try await Clone(factory)
            try clone.write(
                "apps/batch-analytics/app.yaml",
                """
                version https://git-lfs.github.com/spec/v1
                oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
                size 12345

                """)
            _ = try await clone.git(["add", "apps/batch-analytics/app.yaml"])
            // A gitlink (what `git submodule add` records) inside the vision app's folder.
            let head = try await clone.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await clone.git([
                "update-index", "--add", "--cacheinfo", "160000,\(head),apps/vision-inference/models",
            ])
            try await clone.commitAndPush("analytics to LFS; models as a submodule", addAll: false)

            let report = try await placer.reconcileOnce()
            let batch = try Self.status("batch-analytics", in: report)
            #expect(batch.phase == .invalid && batch.reason.contains("Git LFS pointer"), "\(batch.reason)")
            let vision = try Self.status("vision-inference", in: report)
            #expect(
                vision.phase == .invalid && vision.reason.contains("apps/vision-inference/models is a Git submodule"),
                "\(vision.reason)")
            // Nothing pruned, nothing moved: both keep their placement and ManifestWork.
            #expect(await factory.works() == works)
            #expect(report.apps.filter { $0.phase == .invalid }.count == 2)
        }
    }

    @Test func renamingAnAppFileKeepsItsManifestWork() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let uid = { (key: String) async -> String? in
                await factory.hub.objects("manifestworks").first {
                    "\($0[path: "metadata.namespace"]?.stringValue ?? "")/\($0[path: "metadata.name"]?.stringValue ?? "")"
                        == key
                }?[path: "metadata.uid"]?.stringValue
            }
            let key = try #require(await factory.works().keys.first { $0.hasSuffix("/fleet-manager") })
            let before = try #require(await uid(key))
            let clone = try await Clone(factory)
            _ = try await clone.git(["mv", "apps/fleet-manager/app.yaml", "apps/fleet-manager/codecoapp.yaml"])
            try await clone.commitAndPush("rename the fleet manager's file")

            let report = try await placer.reconcileOnce()
            #expect(report.deleted.isEmpty, "\(report.deleted)")
            #expect(try Self.status("fleet-manager", in: report).moved == false)
            #expect(await uid(key) == before, "the ManifestWork was deleted and recreated")
        }
    }

    @Test func aForcePushedBranchReconcilesFromTheNewTip() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            let seed = try factory.tip()
            let first = try #require(try await placer.reconcileOnce().commit)
            // Someone rewrites main: Placer's commit disappears, replaced by a different human commit.
            let clone = try await Clone(factory)
            _ = try await clone.git(["reset", "-q", "--hard", seed.hex])
            try clone.write("apps/digital-twin/NOTES.md", "twin owner: planning team\n")
            try await clone.commitAndPush("notes for the twin", force: true)
            let rewritten = try factory.tip()
            let isAncestor = try await runProgram(
                "/usr/bin/git", ["--git-dir", factory.barePath, "merge-base", "--is-ancestor", first, "main"])
            #expect(isAncestor.status != 0, "Placer's first commit should be gone from main")

            let report = try await placer.reconcileOnce()
            let commit = try #require(report.commit)
            #expect(
                try await git(factory, ["rev-parse", "\(commit)^"]).trimmingCharacters(in: .whitespacesAndNewlines)
                    == rewritten.hex)
            #expect(report.apps.allSatisfy { $0.phase == .ready }, "\(report.apps)")
            #expect(try factory.files().keys.filter { $0.hasPrefix("placements/") }.count == EndToEndTests.apps.count)
        }
    }
}
