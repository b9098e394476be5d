import Crypto
import Foundation
import Testing

@testable import GitStore

/// known_hosts parsing and matching, HMAC-SHA1 for hashed entries, and URL parsing for host names.
@Suite struct KnownHostsTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func hmacSHA1MatchesRFC2202Vectors() {
        #expect(hex(Array(Insecure.SHA1.hash(data: Array("abc".utf8)))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            hex(KnownHosts.hmacSHA1(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(
            hex(KnownHosts.hmacSHA1(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        // A key longer than the 64-byte block is hashed first (RFC 2202 case 6).
        #expect(
            hex(
                KnownHosts.hmacSHA1(
                    key: [UInt8](repeating: 0xaa, count: 80),
                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }

    private let key = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    private let otherKey = "AAAAC3NzaC1lZDI1NTE5AAAAIBZjX6hD0i4nKGuZr8bbRHn0mJmPHq0ExHjQC2U8Uk0h"
    private func blob(_ base64: String) -> [UInt8] { [UInt8](Data(base64Encoded: base64) ?? Data()) }

    @Test func plainPortListWildcardAndNegation() {
        let hosts = KnownHosts(
            text: """
                # comment
                github.com,192.0.2.1 ssh-ed25519 \(key)
                [git.example.com]:2222 ssh-ed25519 \(key) deploy
                *.corp.example,!bad.corp.example ssh-ed25519 \(key)
                @cert-authority *.example.org ssh-ed25519 \(key)

                """)
        #expect(hosts.verify(hostName: "github.com", key: blob(key)) == .trusted)
        #expect(hosts.verify(hostName: "GitHub.com", key: blob(key)) == .trusted)
        #expect(hosts.verify(hostName: "192.0.2.1", key: blob(key)) == .trusted)
        #expect(hosts.verify(hostName: "[git.example.com]:2222", key: blob(key)) == .trusted)
        #expect(hosts.verify(hostName: "git.example.com", key: blob(key)) == .unknownHost)
        #expect(hosts.verify(hostName: "git.corp.example", key: blob(key)) == .trusted)
        #expect(hosts.verify(hostName: "bad.corp.example", key: blob(key)) == .unknownHost)
        #expect(hosts.verify(hostName: "x.example.org", key: blob(key)) == .unknownHost)
        #expect(hosts.verify(hostName: "github.com", key: blob(otherKey)) == .mismatch(knownTypes: ["ssh-ed25519"]))
    }

    @Test func revokedKeyWinsOverTrust() {
        let hosts = KnownHosts(text: "h ssh-ed25519 \(key)\n@revoked * ssh-ed25519 \(key)\n")
        #expect(hosts.verify(hostName: "h", key: blob(key)) == .revoked)
    }

    @Test func hashedEntriesWrittenBySSHKeygenMatch() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.path("known_hosts")
        try "[127.0.0.1]:2222 ssh-ed25519 \(key)\ngit.example.com ssh-ed25519 \(otherKey)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        try runTool("/usr/bin/ssh-keygen", ["-q", "-H", "-f", path])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("127.0.0.1") && !text.contains("example"))
        let hosts = try KnownHosts(contentsOf: path)
        #expect(hosts.verify(hostName: "[127.0.0.1]:2222", key: blob(key)) == .trusted)
        #expect(hosts.verify(hostName: "git.example.com", key: blob(otherKey)) == .trusted)
        #expect(hosts.verify(hostName: "git.example.com", key: blob(key)) == .mismatch(knownTypes: ["ssh-ed25519"]))
        #expect(hosts.verify(hostName: "127.0.0.1", key: blob(key)) == .unknownHost)
    }

    @Test func remoteURLForms() throws {
        let ssh = try RemoteURL("ssh://git@example.com:2222/org/repo.git")
        #expect(ssh.transport == .ssh && ssh.user == "git" && ssh.host == "example.com" && ssh.port == 2222)
        #expect(ssh.knownHostsName == "[example.com]:2222")
        let scp = try RemoteURL("git@GitHub.com:org/repo.git")
        #expect(scp.transport == .ssh && scp.host == "github.com" && scp.knownHostsName == "github.com")
        #expect(try RemoteURL("ssh://[::1]:22/x").knownHostsName == "::1")
        #expect(try RemoteURL("/srv/git/x.git").transport == .local)
        #expect(try RemoteURL("https://example.com/x.git").transport == .https)
        #expect(throws: GitError.self) { try RemoteURL("https://user:pw@example.com/x.git") }
        #expect(RemoteURL.redacting("https://user:pw@example.com/x.git") == "https://user:***@example.com/x.git")
        #expect(RemoteURL.redacting("ssh://git@example.com/x.git") == "ssh://git@example.com/x.git")
    }
}
