import Foundation
import PlacerTestSupport
import Testing

/// Messages a person can act on, through the real `placer` binary: one clear line instead of a libgit2 code,
/// a note when the plan ignores uncommitted edits, each input error once.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct CommandLineMessagesTests {
    /// A non-bare clone of the factory repo with `main` checked out, made by the git CLI.
    static func clone(_ factory: FactoryFixture) async throws -> String {
        let path = factory.folder.appendingPathComponent("clone").path
        let result = try await runProgram("/usr/bin/git", ["clone", "-q", factory.barePath, path])
        guard result.status == 0 else { throw FixtureError("git clone failed: \(result.output)") }
        return path
    }

    static func gitIn(_ folder: String, _ arguments: [String]) async throws {
        let result = try await runProgram(
            "/usr/bin/git",
            ["-C", folder, "-c", "user.name=Engineer", "-c", "user.email=e@factory.example"] + arguments)
        guard result.status == 0 else { throw FixtureError("git \(arguments) failed: \(result.output)") }
    }

    @Test func reconcileIntoACheckedOutBranchIsOneClearLine() async throws {
        try await withFactory { factory in
            let clone = try await Self.clone(factory)
            let result = try await runProgram(
                placerBinary,
                [
                    "reconcile", "--once", "--repo", clone, "--hub-kubeconfig", factory.kubeconfigPath,
                    "--cache-dir", factory.folder.appendingPathComponent("cache-cli").path,
                ])
            #expect(result.status == 1)
            let lines = result.output.split(separator: "\n")
            #expect(lines.count == 1, "\(result.output)")
            #expect(result.output.contains("is a non-bare repository with main checked out"), "\(result.output)")
            #expect(!result.output.contains("git_remote_push"))
            #expect(await factory.works().isEmpty, "nothing applied")
        }
    }

    @Test func planOfACloneWithUncommittedEditsSaysItPlansTheCommittedTip() async throws {
        try await withFactory { factory in
            let clone = try await Self.clone(factory)
            let app = URL(fileURLWithPath: clone).appendingPathComponent("apps/digital-twin/app.yaml")
            let text = try String(contentsOf: app, encoding: .utf8)
            try text.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"").write(
                to: app, atomically: true, encoding: .utf8)
            let result = try await runProgram(
                placerBinary,
                [
                    "plan", "--repo", clone, "--cache-dir", factory.folder.appendingPathComponent("cache-plan").path,
                ])
            #expect(result.status == 0, "\(result.output)")
            #expect(
                result.output.contains(
                    "note: \(clone) has 1 uncommitted change (apps/digital-twin/app.yaml); planning the committed tip of main"
                ), "\(result.output)")
        }
    }

    @Test func anInvalidAppsErrorIsPrintedOncePerCommand() async throws {
        try await withFactory { factory in
            try factory.humanEdit("apps/mqtt-broker/app.yaml", message: "oops") {
                $0.replacingOccurrences(of: "  qosClass: Silver", with: "  qosClass: [Silver")
            }
            let cache = factory.folder.appendingPathComponent("cache-cli").path
            for arguments in [
                ["plan", "--repo", factory.repoURL, "--cache-dir", cache],
                [
                    "reconcile", "--once", "--repo", factory.repoURL, "--hub-kubeconfig", factory.kubeconfigPath,
                    "--cache-dir", cache,
                ],
            ] {
                let result = try await runProgram(placerBinary, arguments)
                let mentions = result.output.components(separatedBy: "apps/mqtt-broker/app.yaml:").count - 1
                #expect(mentions == 1, "\(arguments[0]): \(result.output)")
                #expect(result.output.contains("opened at line"), "\(result.output)")
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: labBinary)))
    func twoDemosRefuseToShareAWorkdirAndAKilledOneLeavesNoLock() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "placer-demo-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try ChildProcess(
            labBinary, ["demo", "--workdir", folder.path, "--interval", "60s", "--log-level", "warning"],
            environment: ProcessInfo.processInfo.environment)
        defer { first.kill9() }
        #expect(
            await first.waitForOutput(timeout: .seconds(60)) { $0.contains("Ctrl-C stops the demo") }, "\(first.text)")
        let kubeconfig = try Data(contentsOf: folder.appendingPathComponent("hub.kubeconfig"))

        let second = try await runProgram(
            labBinary, ["demo", "--once", "--workdir", folder.path, "--log-level", "warning"])
        #expect(second.status == 1)
        #expect(second.output.contains("is in use by another placer-lab demo (pid \(first.pid))"), "\(second.output)")
        #expect(
            try Data(contentsOf: folder.appendingPathComponent("hub.kubeconfig")) == kubeconfig,
            "the first demo's kubeconfig is untouched")

        first.kill9()
        _ = await first.waitForExit(timeout: .seconds(10))
        let third = try await runProgram(
            labBinary, ["demo", "--once", "--workdir", folder.path, "--log-level", "warning"])
        #expect(third.status == 0, "\(third.output)")
    }
}

/// The harness binary that `scripts/test.sh` builds before the tests.
let labBinary = packageRoot.appendingPathComponent(".build/debug/placer-lab").path
