import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Testing

/// Secrets never reach errors or logs: a canary token and passphrase go through good and bad fetches and pushes
/// over real HTTPS and SSH servers, and every error text and log record is searched for them.
@Suite(.serialized) struct CredentialLeakTests {
    static let canary = "canary-7f3e9a1c-\(UUID().uuidString.prefix(8))"

    /// Runs `body`, returning every rendering of the error it throws (or nothing when it succeeds).
    private func errorTexts(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch {
            return [String(describing: error), "\(error)", error.localizedDescription, String(reflecting: error)]
        }
    }

    @Test func canaryNeverAppearsInErrorsOrLogs() throws {
        let canary = Self.canary
        let capture = LogCapture()
        var texts: [String] = []
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let served = folder.path("served")
        try git(["init", "--quiet", "--bare", "--initial-branch=main", served + "/config.git"])

        // HTTPS: the canary is the right token, then a wrong one, then the right one with the wrong CA.
        let https = try HTTPSGitServer(projectRoot: served, token: canary)
        defer { https.stop() }
        let tokenFile = folder.path("token")
        try canary.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let good = GitCredentials(https: .init(token: .file(tokenFile), caBundlePath: https.caBundlePath))
        let cache = try GitRepository.openCache(
            at: folder.path("https-cache"), remoteURL: https.url(for: "config.git"), credentials: good)
        cache.logger = capture.logger()
        let commit = try #require(
            try cache.commit(
                parent: nil, changes: ["a": bytes("a\n")], author: signature(), committer: signature(), message: "m"))
        try cache.push(commit, toBranch: "main")
        #expect(try cache.fetch(branch: "main") == commit)

        let wrongTokenFile = folder.path("wrong-token")
        try (canary + "-wrong").write(toFile: wrongTokenFile, atomically: true, encoding: .utf8)
        cache.credentials = GitCredentials(https: .init(token: .file(wrongTokenFile), caBundlePath: https.caBundlePath))
        texts += errorTexts { _ = try cache.fetch(branch: "main") }
        texts += errorTexts { try cache.push(commit, toBranch: "main") }
        let otherCA = try HTTPSGitServer.makeCertificateAuthority(in: folder.url.path, name: "other")
        cache.credentials = GitCredentials(https: .init(token: .file(tokenFile), caBundlePath: otherCA))
        texts += errorTexts { _ = try cache.fetch(branch: "main") }
        setenv("PLACER_LEAK_TEST_TOKEN", canary + "-env", 1)
        defer { unsetenv("PLACER_LEAK_TEST_TOKEN") }
        cache.credentials = GitCredentials(https: .init(token: .environment("PLACER_LEAK_TEST_TOKEN")))
        texts += errorTexts { _ = try cache.fetch(branch: "main") }
        texts += errorTexts {
            _ = try GitRepository.openCache(
                at: folder.path("url-cache"), remoteURL: "https://git:\(canary)@127.0.0.1:\(https.port)/config.git")
        }

        // SSH: the canary is the key's passphrase; good, wrong host key, refused key.
        let ssh = try SSHGitServer()
        defer { ssh.stop() }
        let key = folder.path("id_locked")
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", canary, "-f", key])
        try ssh.authorize(publicKeyPath: key + ".pub")
        let passphraseFile = folder.path("passphrase")
        try canary.write(toFile: passphraseFile, atomically: true, encoding: .utf8)
        var sshCredentials = GitCredentials(
            ssh: .init(privateKeyPath: key, passphrase: .file(passphraseFile), knownHostsPath: ssh.knownHostsPath))
        let sshCache = try GitRepository.openCache(
            at: folder.path("ssh-cache"), remoteURL: ssh.url(for: served + "/config.git"), credentials: sshCredentials)
        sshCache.logger = capture.logger()
        #expect(try sshCache.fetch(branch: "main") == commit)
        let otherKnownHosts = folder.path("other_known_hosts")
        try "[127.0.0.1]:\(ssh.port) ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
            .write(toFile: otherKnownHosts, atomically: true, encoding: .utf8)
        sshCredentials.ssh?.knownHostsPath = otherKnownHosts
        sshCache.credentials = sshCredentials
        texts += errorTexts { _ = try sshCache.fetch(branch: "main") }
        texts += errorTexts { try sshCache.push(commit, toBranch: "main") }
        let wrongPassphrase = folder.path("wrong-passphrase")
        try (canary + "-wrong").write(toFile: wrongPassphrase, atomically: true, encoding: .utf8)
        sshCredentials.ssh?.knownHostsPath = ssh.knownHostsPath
        sshCredentials.ssh?.passphrase = .file(wrongPassphrase)
        sshCache.credentials = sshCredentials
        texts += errorTexts { _ = try sshCache.fetch(branch: "main") }

        #expect(texts.count >= 8 * 4)
        let logs = capture.text
        #expect(logs.contains("remote refused"))
        for text in texts + [logs] {
            #expect(!text.contains(canary), "secret leaked into: \(text)")
        }
        // Nor into what was committed and pushed.
        let log = try git(["-C", served + "/config.git", "log", "--format=%B%n%an%n%cn", "main"])
        #expect(!log.contains(canary))
    }
}
