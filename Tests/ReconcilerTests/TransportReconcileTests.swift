import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Testing

/// `placer reconcile --once` against an app repo behind sshd and behind nginx + git-http-backend over HTTPS,
/// with credentials given the way users give them (files), and a canary token that must not appear anywhere.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct TransportReconcileTests {
    /// A bare repo at `path` seeded with example-repo, accepting pushes.
    static func seed(_ path: String) throws {
        let bare = try GitRepository.initBare(at: path)
        let files = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        _ = try bare.commit(
            parent: nil, changes: files.mapValues { Optional($0) }, author: FactoryFixture.humanSignature,
            committer: FactoryFixture.humanSignature, message: "Factory apps\n", updateRef: "refs/heads/main")
        try bare.setHead(branch: "main")
        let config = try String(contentsOfFile: path + "/config", encoding: .utf8)
        try (config + "[http]\n\treceivepack = true\n").write(
            toFile: path + "/config", atomically: true, encoding: .utf8)
    }

    static func reconcile(
        _ factory: FactoryFixture, url: String, flags: [String]
    ) async throws -> (status: Int32, output: String) {
        try await runProgram(
            placerBinary,
            [
                "reconcile", "--once", "--repo", url, "--hub-kubeconfig", factory.kubeconfigPath,
                "--cache-dir", factory.folder.appendingPathComponent("cache-\(UUID().uuidString)").path,
                "--presets-dir", packageRoot.appendingPathComponent("policies").path, "--log-level", "debug",
            ] + flags)
    }

    @Test func overSSHWithADeployKeyAndKnownHosts() async throws {
        try await withFactory { factory in
            let server = try SSHGitServer()
            defer { server.stop() }
            let path = factory.folder.appendingPathComponent("ssh-served/apps.git").path
            try Self.seed(path)
            let url = server.url(for: path)
            let placed = try await Self.reconcile(
                factory, url: url,
                flags: [
                    "--git-ssh-key-file", server.clientKeyPath, "--git-known-hosts-file", server.knownHostsPath,
                ])
            #expect(placed.status == 0, "\(placed.output)")
            let log = try await runProgram("/usr/bin/git", ["--git-dir", path, "log", "-1", "--format=%an %s", "main"])
            #expect(log.output.hasPrefix("Placer placer: place 9 apps"), "\(log.output)")
            #expect(await factory.works().count == EndToEndTests.apps.count)

            // A known_hosts file without this server's key: refused, saying which host and file.
            let empty = factory.folder.appendingPathComponent("empty_known_hosts").path
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            let refused = try await Self.reconcile(
                factory, url: url,
                flags: [
                    "--git-ssh-key-file", server.clientKeyPath, "--git-known-hosts-file", empty,
                ])
            #expect(refused.status != 0)
            #expect(refused.output.contains("127.0.0.1") && refused.output.contains(empty), "\(refused.output)")
        }
    }

    @Test func overHTTPSWithATokenFileAndAPrivateCAAndNoLeaks() async throws {
        try await withFactory { factory in
            let canary = "canary-token-9c1e7f3a"
            let served = factory.folder.appendingPathComponent("https-served").path
            try Self.seed(served + "/apps.git")
            let server = try HTTPSGitServer(projectRoot: served, token: canary)
            defer { server.stop() }
            let url = server.url(for: "apps.git")
            let tokenFile = factory.folder.appendingPathComponent("token").path
            try (canary + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let placed = try await Self.reconcile(
                factory, url: url,
                flags: [
                    "--git-token-file", tokenFile, "--git-ca-file", server.caBundlePath,
                ])
            #expect(placed.status == 0, "\(placed.output)")
            #expect(await factory.works().count == EndToEndTests.apps.count)

            let wrongToken = factory.folder.appendingPathComponent("wrong-token").path
            try "not-\(canary)\n".write(toFile: wrongToken, atomically: true, encoding: .utf8)
            let denied = try await Self.reconcile(
                factory, url: url, flags: ["--git-token-file", wrongToken, "--git-ca-file", server.caBundlePath])
            #expect(denied.status != 0 && denied.output.contains("authentication failed"), "\(denied.output)")
            let untrusted = try await Self.reconcile(factory, url: url, flags: ["--git-token-file", tokenFile])
            #expect(untrusted.status != 0, "\(untrusted.output)")

            // The token is in no output (debug logs included) and in no commit.
            for output in [placed.output, denied.output, untrusted.output] { #expect(!output.contains(canary)) }
            let history = try await runProgram(
                "/usr/bin/git", ["--git-dir", served + "/apps.git", "log", "-p", "main"])
            #expect(!history.output.contains(canary))
        }
    }
}
