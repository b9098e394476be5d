import Foundation
import GitStore
import Testing

/// SSH-signed commits verified by stock Git (`gpg.format=ssh`).
@Suite struct SigningTests {
    /// A bare repository, a signing key and an allowed-signers file naming it for `principal`.
    private func setUp(_ folder: TemporaryFolder) throws -> (GitRepository, CommitSigner, String) {
        let repository = try GitRepository.initBare(at: folder.path("repo.git"))
        let key = folder.path("signing_key")
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "placer", "-f", key])
        let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        let allowed = folder.path("allowed_signers")
        try "placer@example.com \(publicKey)".write(toFile: allowed, atomically: true, encoding: .utf8)
        return (repository, CommitSigner(privateKeyPath: key), allowed)
    }

    private func showSignature(_ repoPath: String, allowed: String, _ revision: String) throws -> String {
        try git([
            "-C", repoPath, "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(allowed)", "log",
            "--show-signature", "-1", revision,
        ])
    }

    @Test func signedCommitVerifiesWithStockGit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (repository, signer, allowed) = try setUp(folder)
        let root = try #require(
            try repository.commit(
                parent: nil, changes: ["a.yaml": bytes("a: 1\n")], author: signature(), committer: signature(),
                message: "root", updateRef: "refs/heads/main", signer: signer))
        let second = try #require(
            try repository.commit(
                parent: root, changes: ["b.yaml": bytes("b: 1\n")], author: signature(), committer: signature(),
                message: "second\n\nPlacer-Decision: x", updateRef: "refs/heads/main", signer: signer))
        let output = try showSignature(repository.path, allowed: allowed, "main")
        #expect(output.contains("Good \"git\" signature for placer@example.com"))
        #expect(try repository.commitInfo(second).message == "second\n\nPlacer-Decision: x\n")
        #expect(
            try git(["-C", repository.path, "cat-file", "-p", second.hex]).contains(
                "gpgsig -----BEGIN SSH SIGNATURE-----"))
        #expect(try git(["-C", repository.path, "rev-parse", "main^"]) == root.hex)
    }

    @Test func wrongAllowedSignersFailsVerification() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (repository, signer, _) = try setUp(folder)
        _ = try repository.commit(
            parent: nil, changes: ["a": bytes("a")], author: signature(), committer: signature(), message: "m",
            updateRef: "refs/heads/main", signer: signer)
        let other = folder.path("other_key")
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])
        let wrong = folder.path("wrong_allowed_signers")
        try "placer@example.com \(try String(contentsOfFile: other + ".pub", encoding: .utf8))"
            .write(toFile: wrong, atomically: true, encoding: .utf8)
        let output = try showSignature(repository.path, allowed: wrong, "main")
        #expect(!output.contains("Good \"git\" signature for"))
        #expect(output.contains("No principal matched"))
        #expect(throws: (any Error).self) {
            try git([
                "-C", repository.path, "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(wrong)",
                "verify-commit", "main",
            ])
        }
    }

    @Test func unsignedCommitHasNoSignatureAndEncryptedKeyFailsClearly() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let (repository, _, allowed) = try setUp(folder)
        _ = try repository.commit(
            parent: nil, changes: ["a": bytes("a")], author: signature(), committer: signature(), message: "m",
            updateRef: "refs/heads/main")
        #expect(!(try showSignature(repository.path, allowed: allowed, "main")).contains("signature"))
        let locked = folder.path("locked_key")
        try runTool("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "pw", "-f", locked])
        let error = try #require(throws: GitError.self) {
            try repository.commit(
                parent: nil, changes: ["b": bytes("b")], author: signature(), committer: signature(), message: "m",
                signer: CommitSigner(privateKeyPath: locked))
        }
        #expect(error.message.contains("cannot sign with key \(locked)"))
    }
}
