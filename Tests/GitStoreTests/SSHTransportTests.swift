import EdgeSim
import Foundation
import GitStore
import Testing

/// Fetch and push over ssh:// against Debian's sshd on 127.0.0.1, with known_hosts checking and key files.
@Suite struct SSHTransportTests {
    /// A started server, a served bare repository and the credentials that work for it.
    struct Fixture {
        let folder: TemporaryFolder
        let server: SSHGitServer
        let remotePath: String
        let credentials: GitCredentials

        init() throws {
            folder = try TemporaryFolder()
            remotePath = folder.path("served/config.git")
            try git(["init", "--quiet", "--bare", "--initial-branch=main", remotePath])
            server = try SSHGitServer()
            credentials = GitCredentials(
                ssh: .init(privateKeyPath: server.clientKeyPath, knownHostsPath: server.knownHostsPath))
        }

        func cache(_ credentials: GitCredentials? = nil) throws -> GitRepository {
            try GitRepository.openCache(
                at: folder.path("cache-\(UUID().uuidString)"), remoteURL: server.url(for: remotePath),
                credentials: credentials ?? self.credentials)
        }

        func stop() {
            server.stop()
            folder.remove()
        }
    }

    @Test func pushAndFetchRoundTripWithAKeyAndKnownHosts() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let cache = try fixture.cache()
        #expect(try cache.fetch(branch: "main") == nil)
        let first = try #require(
            try cache.commit(
                parent: nil, changes: ["a.yaml": bytes("a: 1\n")], author: signature(), committer: signature(),
                message: "first"))
        try cache.push(first, toBranch: "main")
        #expect(try git(["-C", fixture.remotePath, "rev-parse", "refs/heads/main"]) == first.hex)

        let other = try fixture.cache()
        #expect(try other.fetch(branch: "main") == first)
        #expect(try other.files(at: first)["a.yaml"]?.data == bytes("a: 1\n"))
    }

    @Test func hashedKnownHostsEntryIsAccepted() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let hashed = fixture.folder.path("known_hosts_hashed")
        try FileManager.default.copyItem(atPath: fixture.server.knownHostsPath, toPath: hashed)
        try runTool("/usr/bin/ssh-keygen", ["-q", "-H", "-f", hashed])
        #expect(try String(contentsOfFile: hashed, encoding: .utf8).hasPrefix("|1|"))
        var credentials = fixture.credentials
        credentials.ssh?.knownHostsPath = hashed
        #expect(try fixture.cache(credentials).fetch(branch: "main") == nil)
    }

    @Test func unknownHostIsRefusedNamingHostAndFile() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let empty = fixture.folder.path("known_hosts_other")
        try "[127.0.0.1]:1 \(fixture.server.hostKeyLine)\n".write(toFile: empty, atomically: true, encoding: .utf8)
        var credentials = fixture.credentials
        credentials.ssh?.knownHostsPath = empty
        let error = try #require(throws: GitError.self) { try fixture.cache(credentials).fetch(branch: "main") }
        #expect(error.kind == .untrustedServer)
        #expect(error.message.contains("[127.0.0.1]:\(fixture.server.port)"))
        #expect(error.message.contains("is not in known_hosts file \(empty)"))
        #expect(error.message.contains("ssh-ed25519 SHA256:"))
    }

    @Test func changedHostKeyIsRefused() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let impostor = fixture.folder.path("impostor")
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", impostor])
        let impostorKey = try String(contentsOfFile: impostor + ".pub", encoding: .utf8)
            .split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = fixture.folder.path("known_hosts_changed")
        try "[127.0.0.1]:\(fixture.server.port) \(impostorKey)\n".write(
            toFile: knownHosts, atomically: true, encoding: .utf8)
        var credentials = fixture.credentials
        credentials.ssh?.knownHostsPath = knownHosts
        let cache = try fixture.cache(credentials)
        let error = try #require(throws: GitError.self) { try cache.fetch(branch: "main") }
        #expect(error.kind == .untrustedServer)
        #expect(error.message.contains("does not match known_hosts file \(knownHosts)"))
        #expect(error.message.contains("[127.0.0.1]:\(fixture.server.port)"))
        // A push is checked the same way, before anything is sent.
        let commit = try #require(
            try cache.commit(
                parent: nil, changes: ["a": bytes("a")], author: signature(), committer: signature(), message: "m"))
        let pushError = try #require(throws: GitError.self) { try cache.push(commit, toBranch: "main") }
        #expect(pushError.kind == .untrustedServer)
        #expect(try git(["-C", fixture.remotePath, "for-each-ref"]) == "")
    }

    @Test func refusedKeyFailsAfterOneTryWithClearMessage() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let stranger = fixture.folder.path("stranger")
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", stranger])
        var credentials = fixture.credentials
        credentials.ssh?.privateKeyPath = stranger
        let error = try #require(throws: GitError.self) { try fixture.cache(credentials).fetch(branch: "main") }
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("authentication failed for \(fixture.server.url(for: fixture.remotePath))"))
        #expect(error.message.contains("refused key \(stranger)"))
    }

    @Test func encryptedKeyWithPassphraseFromFileAndEnvironment() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let key = fixture.folder.path("locked")
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "open sesame", "-f", key])
        try fixture.server.authorize(publicKeyPath: key + ".pub")
        let passphraseFile = fixture.folder.path("passphrase")
        try "open sesame\n".write(toFile: passphraseFile, atomically: true, encoding: .utf8)
        var credentials = fixture.credentials
        credentials.ssh?.privateKeyPath = key
        credentials.ssh?.passphrase = .file(passphraseFile)
        #expect(try fixture.cache(credentials).fetch(branch: "main") == nil)

        credentials.ssh?.passphrase = .environment("PLACER_TEST_MISSING_\(UUID().uuidString.prefix(8))")
        let error = try #require(throws: GitError.self) { try fixture.cache(credentials).fetch(branch: "main") }
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("is not set"))
    }
}
