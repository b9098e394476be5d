import EdgeSim
import Foundation
import GitStore
import Testing

/// Fetch and push over https:// against nginx + fcgiwrap + git http-backend on 127.0.0.1, with basic auth
/// (token as password) and a private CA.
///
/// Serialised: libgit2 1.5 keeps the trusted CA process-wide (GitStore serialises HTTPS operations itself; this
/// only keeps the suite's timings readable).
@Suite(.serialized) struct HTTPSTransportTests {
    struct Fixture {
        let folder: TemporaryFolder
        let server: HTTPSGitServer
        let remotePath: String
        let tokenFile: String
        let credentials: GitCredentials

        init(token: String = "s3cr3t-token") throws {
            folder = try TemporaryFolder()
            remotePath = folder.path("served/config.git")
            try git(["init", "--quiet", "--bare", "--initial-branch=main", remotePath])
            server = try HTTPSGitServer(projectRoot: folder.path("served"), token: token)
            tokenFile = folder.path("token")
            try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
            credentials = GitCredentials(
                https: .init(username: "git", token: .file(tokenFile), caBundlePath: server.caBundlePath))
        }

        func cache(_ credentials: GitCredentials? = nil) throws -> GitRepository {
            try GitRepository.openCache(
                at: folder.path("cache-\(UUID().uuidString)"), remoteURL: server.url(for: "config.git"),
                credentials: credentials ?? self.credentials)
        }

        func stop() {
            server.stop()
            folder.remove()
        }
    }

    @Test func pushAndFetchRoundTripWithTokenAndPrivateCA() throws {
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
    }

    @Test func rotatedTokenFileIsReadAtEachConnection() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let cache = try fixture.cache()
        try "stale-token\n".write(toFile: fixture.tokenFile, atomically: true, encoding: .utf8)
        let error = try #require(throws: GitError.self) { try cache.fetch(branch: "main") }
        #expect(error.kind == .authenticationFailed)
        try "s3cr3t-token\n".write(toFile: fixture.tokenFile, atomically: true, encoding: .utf8)
        #expect(try cache.fetch(branch: "main") == nil)
    }

    @Test func tokenFromEnvironmentVariable() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let name = "PLACER_TEST_TOKEN_\(UUID().uuidString.prefix(8))"
        setenv(name, "s3cr3t-token", 1)
        defer { unsetenv(name) }
        var credentials = fixture.credentials
        credentials.https?.token = .environment(name)
        #expect(try fixture.cache(credentials).fetch(branch: "main") == nil)
    }

    @Test func wrongTokenFailsFastNamingTheURL() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        try "wrong\n".write(toFile: fixture.tokenFile, atomically: true, encoding: .utf8)
        let error = try #require(throws: GitError.self) { try fixture.cache().fetch(branch: "main") }
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("authentication failed for \(fixture.server.url(for: "config.git"))"))
        #expect(error.message.contains("secret file \(fixture.tokenFile)"))
        // One try: nginx refused exactly one request that carried the user (the anonymous probe carries none).
        // nginx is one process serving requests in order, so once the good fetch below is answered, the log
        // line of the refused request is written.
        try "s3cr3t-token\n".write(toFile: fixture.tokenFile, atomically: true, encoding: .utf8)
        #expect(try fixture.cache().fetch(branch: "main") == nil)
        let access = try String(contentsOfFile: fixture.server.directory + "/nginx-access.log", encoding: .utf8)
        let refusedWithUser = access.split(separator: "\n").filter { $0.contains(" - git [") && $0.contains("\" 401 ") }
        #expect(refusedWithUser.count == 1)
    }

    @Test func missingTokenIsAClearError() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        var credentials = fixture.credentials
        credentials.https?.token = nil
        let error = try #require(throws: GitError.self) { try fixture.cache(credentials).fetch(branch: "main") }
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("none is configured"))
    }

    @Test func certificateFromAnotherCAIsRefused() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let otherCA = try HTTPSGitServer.makeCertificateAuthority(in: fixture.folder.url.path, name: "other")
        var credentials = fixture.credentials
        credentials.https?.caBundlePath = otherCA
        let error = try #require(throws: GitError.self) { try fixture.cache(credentials).fetch(branch: "main") }
        #expect(error.kind == .untrustedServer)
        #expect(error.message.contains("TLS certificate of 127.0.0.1 is not trusted"))
        #expect(error.message.contains(otherCA))

        // The system CAs do not know the private CA either; the right bundle still works afterwards.
        credentials.https?.caBundlePath = nil
        let systemError = try #require(throws: GitError.self) { try fixture.cache(credentials).fetch(branch: "main") }
        #expect(systemError.kind == .untrustedServer)
        #expect(try fixture.cache().fetch(branch: "main") == nil)
    }

    @Test func urlWithPasswordIsRefusedWithoutRepeatingIt() throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let url = "https://git:hunter2-canary@127.0.0.1:\(fixture.server.port)/config.git"
        let error = try #require(throws: GitError.self) {
            try GitRepository.openCache(at: fixture.folder.path("cache"), remoteURL: url)
        }
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("embeds a password"))
        #expect(!error.description.contains("hunter2"))
    }

    @Test func tokenInTheUserPartIsRefusedBeforeAnythingIsSentOrStored() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for url in ["https://ghp_canary0123@127.0.0.1:1/config.git", "http://ghp_canary0123@127.0.0.1:1/config.git"] {
            let error = try #require(throws: GitError.self) {
                try GitRepository.openCache(at: folder.path("cache"), remoteURL: url)
            }
            #expect(error.kind == .authenticationFailed)
            #expect(error.message.contains("carries user information"))
            #expect(!error.description.contains("ghp_canary0123"))
        }
        // Nothing was written that could hold it.
        #expect(!FileManager.default.fileExists(atPath: folder.path("cache")))
        // A user name stays fine where it is not a secret: ssh.
        _ = try GitRepository.openCache(at: folder.path("ssh-cache"), remoteURL: "ssh://git@127.0.0.1:1/config.git")
    }

    @Test func tokenIsNotSentOverPlainHTTP() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try git(["init", "--quiet", "--bare", "--initial-branch=main", folder.path("served/config.git")])
        let server = try HTTPSGitServer(projectRoot: folder.path("served"), token: "plain-token", tls: false)
        defer { server.stop() }
        let tokenFile = folder.path("token")
        try "plain-token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let cache = try GitRepository.openCache(
            at: folder.path("cache"), remoteURL: server.url(for: "config.git"),
            credentials: GitCredentials(https: .init(token: .file(tokenFile))))
        let error = try #require(throws: GitError.self) { try cache.fetch(branch: "main") }
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("over unencrypted http://"))
        let access = try String(contentsOfFile: server.directory + "/nginx-access.log", encoding: .utf8)
        #expect(!access.contains(" - git ["))
    }

    @Test func repositoriesWithDifferentCAsFetchConcurrently() throws {
        let first = try Fixture(token: "first-token")
        defer { first.stop() }
        let second = try Fixture(token: "second-token")
        defer { second.stop() }
        let caches = [try first.cache(), try second.cache(), try first.cache(), try second.cache()]
        let failures = LockedList()
        DispatchQueue.concurrentPerform(iterations: 12) { iteration in
            do {
                _ = try caches[iteration % caches.count].fetch(branch: "main")
            } catch {
                failures.append("\(error)")
            }
        }
        #expect(failures.items.isEmpty)
    }
}

/// A thread-safe list of strings, for collecting results from concurrent work.
final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var items: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }

    func append(_ item: String) {
        lock.lock()
        storage.append(item)
        lock.unlock()
    }
}
