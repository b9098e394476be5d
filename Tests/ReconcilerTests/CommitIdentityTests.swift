import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Reconciler
import Testing

/// Placer's commit as a team configures it: author and committer, a message template, SSH signing that stock
/// `git log --show-signature` verifies, and the trailers that always close the message.
@Suite struct CommitIdentityTests {
    @Test func authorCommitterTemplateAndSignatureAreAsConfigured() async throws {
        try await withFactory { factory in
            let key = factory.folder.appendingPathComponent("signing-key").path
            let keygen = try await runProgram(
                "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "placer", "-f", key])
            #expect(keygen.status == 0, "\(keygen.output)")
            let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8)
            let allowed = factory.folder.appendingPathComponent("allowed_signers").path
            try "placer-bot@factory.example \(publicKey)".write(toFile: allowed, atomically: true, encoding: .utf8)

            let placer = try factory.reconciler {
                $0.committerName = "Placer CI"
                $0.committerEmail = "placer-bot@factory.example"
                $0.authorName = "Edge Platform Team"
                $0.authorEmail = "edge-platform@factory.example"
                $0.messageTemplate =
                    "[edge] {{summary}} on {{branch}}\n\nApps: {{apps}}\n\n{{changes}}\n\nReviewed-by-policy: yes"
                $0.signer = CommitSigner(privateKeyPath: key)
            }
            let commit = try #require(try await placer.reconcileOnce().commit)

            let fields = try await git(factory, ["log", "-1", "--format=%an|%ae|%cn|%ce", commit])
            #expect(
                fields.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "Edge Platform Team|edge-platform@factory.example|Placer CI|placer-bot@factory.example")
            let message = try await git(factory, ["log", "-1", "--format=%B", commit])
            #expect(
                message.hasPrefix("[edge] placer: place 9 apps on main\n\nApps: agv-controller-hall-1, "), "\(message)")
            #expect(message.contains("Reviewed-by-policy: yes"))
            // The trailers close the message whatever the template; git itself parses them.
            let decisions = try await git(
                factory, ["log", "-1", "--format=%(trailers:key=Placer-Decision,valueonly)", commit])
            #expect(decisions.split(separator: "\n").count == EndToEndTests.apps.count)
            let inputs = try await git(
                factory, ["log", "-1", "--format=%(trailers:key=Placer-Inputs,valueonly)", commit])
            #expect(inputs.hasPrefix("sha256:"))

            let verified = try await runProgram(
                "/usr/bin/git",
                [
                    "--git-dir", factory.barePath, "-c", "gpg.format=ssh", "-c",
                    "gpg.ssh.allowedSignersFile=\(allowed)",
                    "log", "--show-signature", "-1", commit,
                ])
            #expect(
                verified.output.contains("Good \"git\" signature for placer-bot@factory.example"), "\(verified.output)")
            // Placer's own commit is still recognised as Placer's (the template cannot drop the trailers).
            #expect(try await placer.explain(app: "fleet-manager").authorship?.byPlacer == true)
        }
    }
}
