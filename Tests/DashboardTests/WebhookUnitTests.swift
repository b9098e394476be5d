import Dashboard
import Foundation
import Testing

/// The pure parts: signature schemes, payload parsing, the filter's rules, secrets and listen addresses.
@Suite struct WebhookUnitTests {
    @Test func githubsPublishedTestVectorVerifies() throws {
        // From GitHub's "Validating webhook deliveries", section "Testing the webhook payload validation".
        let secret = try WebhookSecret("It's a Secret to Everybody")
        let body = Array("Hello, World!".utf8)
        let expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        #expect(WebhookVerifier.signature(provider: .github, secret: secret, body: body) == expected)
        let verifier = WebhookVerifier(provider: .github, secret: secret)
        #expect(verifier.isAuthentic(authentication: expected, body: body))
        let upperHex = "sha256=" + expected.dropFirst(7).uppercased()
        #expect(verifier.isAuthentic(authentication: upperHex, body: body))
        #expect(!verifier.isAuthentic(authentication: expected, body: Array("Hello, World?".utf8)))
        #expect(!verifier.isAuthentic(authentication: nil, body: body))
        #expect(!verifier.isAuthentic(authentication: String(expected.dropLast(2)), body: body))
        let gitea = WebhookVerifier(provider: .gitea, secret: secret)
        #expect(gitea.isAuthentic(authentication: String(expected.dropFirst(7)), body: body))
        #expect(!gitea.isAuthentic(authentication: expected, body: body))
    }

    @Test func gitlabTokenMustMatchExactly() throws {
        let verifier = WebhookVerifier(provider: .gitlab, secret: try WebhookSecret("s3cret"))
        #expect(verifier.isAuthentic(authentication: "s3cret", body: [UInt8]()))
        for wrong in ["s3cre", "s3cret ", "S3CRET", ""] {
            #expect(!verifier.isAuthentic(authentication: wrong, body: [UInt8]()))
        }
    }

    @Test func constantTimeEqualityIsEquality() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equal([], []))
    }

    @Test func parsesEachProvidersTotals() throws {
        let gitlab = try PushEvent.parse(
            provider: .gitlab, body: Data(gitlabPush(after: sha("ab"), commits: [], totalCommitsCount: 3)))
        #expect(gitlab.totalCommits == 3)
        #expect(gitlab.branch == "main")
        let gitea = try PushEvent.parse(
            provider: .gitea, body: Data(giteaPush(after: sha("ab"), commits: [], totalCommits: 9)))
        #expect(gitea.totalCommits == 9)
        let commit = TestCommit(
            id: sha("cd"), message: "m", authorName: "N", authorEmail: "e@x", added: ["a"], modified: ["b"],
            removed: ["c"])
        let github = try PushEvent.parse(
            provider: .github, body: Data(githubPush(after: sha("cd"), commits: [commit], forced: true)))
        #expect(github.totalCommits == nil)
        #expect(github.forced)
        #expect(
            github.commits == [
                PushEvent.Commit(
                    id: sha("cd"), message: "m", authorName: "N", authorEmail: "e@x", added: ["a"], modified: ["b"],
                    removed: ["c"])
            ])
        #expect(throws: PushEventError.malformed("missing commits[0].id")) {
            try PushEvent.parse(
                provider: .github, body: Data(#"{"ref": "r", "before": "a", "after": "b", "commits": [{}]}"#.utf8))
        }
    }

    func push(_ commits: [PushEvent.Commit], after: String? = nil) -> PushEvent {
        PushEvent(
            provider: .github, ref: "refs/heads/main", before: sha("0a"), after: after ?? commits.last?.id ?? sha("ff"),
            commits: commits)
    }

    @Test func trailerCountsOnlyInTheTrailerBlock() {
        let filter = WebhookFilter(branch: "main")
        let subjectOnly = PushEvent.Commit(
            id: sha("1"), message: "Placer-Decision: shop=1@edge", authorName: "Ada", authorEmail: "ada@x",
            modified: ["apps/shop/app.yaml"])
        let trailer = PushEvent.Commit(
            id: sha("2"), message: "revert\n\nPlacer-Decision: shop=1@edge\n", authorName: "Ada",
            authorEmail: "ada@x", modified: ["apps/shop/app.yaml"])
        #expect(!filter.isPlacerCommit(subjectOnly))
        #expect(filter.isPlacerCommit(trailer))
        #expect(filter.decide(push([subjectOnly])) == .trigger("github push 1000000 to main"))
        #expect(filter.decide(push([trailer])) == .ignore("every commit is Placer's own"))
    }

    @Test func redactedEmailFallsBackToTheName() {
        let filter = WebhookFilter(branch: "main", committerName: "Placer", committerEmail: "placer@corp.example")
        let redacted = PushEvent.Commit(
            id: sha("3"), message: "m", authorName: "Placer", authorEmail: "[REDACTED]", modified: ["apps/x.yaml"])
        let impostor = PushEvent.Commit(
            id: sha("4"), message: "m", authorName: "Placer", authorEmail: "someone@corp.example",
            modified: ["apps/x.yaml"])
        let upperCase = PushEvent.Commit(
            id: sha("5"), message: "m", authorName: "P", authorEmail: "PLACER@corp.example", modified: ["apps/x.yaml"])
        #expect(filter.isPlacerCommit(redacted))
        #expect(!filter.isPlacerCommit(impostor))
        #expect(filter.isPlacerCommit(upperCase))
    }

    @Test func aMixOfPlacerAndHumanCommitsTriggers() {
        let filter = WebhookFilter(branch: "main")
        let own = PushEvent.Commit(
            id: sha("6"), message: "placer: place 1 app", authorName: "Placer", authorEmail: "placer@placer.dev",
            modified: ["placements/a.yaml"])
        let human = PushEvent.Commit(
            id: sha("7"), message: "add app b", authorName: "Ada", authorEmail: "ada@x", added: ["apps/b/app.yaml"])
        let pathless = PushEvent.Commit(id: sha("8"), message: "merge", authorName: "Ada", authorEmail: "ada@x")
        #expect(filter.decide(push([own, human])) == .trigger("github push 7000000 to main"))
        #expect(
            filter.decide(push([own, pathless]))
                == .trigger("github push 8000000 to main (commit 8000000 lists no paths)"))
        #expect(
            filter.decide(push([own, human], after: sha("9")))
                == .trigger("github push 9000000 to main (head commit not listed)"))
    }

    @Test func secretsLoadFromFilesAndTheEnvironment() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("placer-secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("s3cret\r\n".utf8).write(to: file)
        let fromFile = try WebhookSecret.load(file: file.path)
        let fileVerifier = WebhookVerifier(provider: .gitlab, secret: fromFile)
        #expect(fileVerifier.isAuthentic(authentication: "s3cret", body: [UInt8]()))
        try Data("s3cret\n".utf8).write(to: file)
        let lineFeedVerifier = WebhookVerifier(provider: .gitlab, secret: try WebhookSecret.load(file: file.path))
        #expect(lineFeedVerifier.isAuthentic(authentication: "s3cret", body: [UInt8]()))
        #expect(!lineFeedVerifier.isAuthentic(authentication: "s3cret\n", body: [UInt8]()))
        try Data("\n".utf8).write(to: file)
        #expect(throws: WebhookSecretError.empty(file.path)) { try WebhookSecret.load(file: file.path) }
        #expect(throws: WebhookSecretError.unreadable("/nonexistent/secret")) {
            try WebhookSecret.load(file: "/nonexistent/secret")
        }
        let fromEnvironment = try WebhookSecret.load(environment: "HOOK", from: ["HOOK": "tok"])
        let environmentVerifier = WebhookVerifier(provider: .gitlab, secret: fromEnvironment)
        #expect(environmentVerifier.isAuthentic(authentication: "tok", body: [UInt8]()))
        #expect(throws: WebhookSecretError.unset("HOOK")) { try WebhookSecret.load(environment: "HOOK", from: [:]) }
        #expect("\(fromEnvironment)" == "<redacted>")
        #expect(String(reflecting: fromEnvironment) == "<redacted>")
        var dumped = ""
        dump(WebhookVerifier(provider: .gitlab, secret: fromEnvironment), to: &dumped)
        dump(fromEnvironment, to: &dumped)
        #expect(!dumped.contains("116"), "the key's bytes show in a dump: \(dumped)")  // 116 = "t"
    }

    @Test func listenAddressesParse() throws {
        #expect(try ListenAddress.parse("127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try ListenAddress.parse(":9000") == ListenAddress(host: "0.0.0.0", port: 9000))
        #expect(try ListenAddress.parse("[::1]:8443") == ListenAddress(host: "::1", port: 8443))
        #expect(try ListenAddress.parse("localhost:0").port == 0)
        for bad in ["127.0.0.1", "host:http", "host:70000", "::1:80", "[]:80", "[::1:80"] {
            #expect(throws: ListenAddressError.invalid(bad)) { try ListenAddress.parse(bad) }
        }
    }

    @Test func theDeliveryMemoryIsBoundedAndForgetsTheOldest() {
        let memory = DeliveryMemory(capacity: 3)
        let body = { (index: Int) in Array("body-\(index)".utf8) }
        for index in 0..<10 {
            #expect(memory.admit(provider: .github, id: "id-\(index)", body: body(index)) == .fresh)
        }
        #expect(memory.rememberedIDs == 3)
        #expect(memory.rememberedBodies == 3)
        #expect(memory.admit(provider: .github, id: "id-9", body: body(99)) == .replayedID("id-9"))
        #expect(memory.admit(provider: .github, id: "id-new", body: body(8)) == .replayedBody)
        #expect(memory.admit(provider: .github, id: nil, body: body(7)) == .replayedBody)
        // The oldest were forgotten; another provider's same id and body are its own.
        #expect(memory.admit(provider: .github, id: "id-0", body: body(0)) == .fresh)
        #expect(memory.admit(provider: .gitea, id: "id-9", body: body(9)) == .fresh)
        #expect(memory.rememberedIDs == 3)
    }
}
