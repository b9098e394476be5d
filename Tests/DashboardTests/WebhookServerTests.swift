import Dashboard
import Foundation
import PlacerTestSupport
import Reconciler
import Testing

/// The webhook endpoints end to end: a real DashboardServer on 127.0.0.1, real HTTP from AsyncHTTPClient, payloads
/// shaped like each provider's documented push payload, signed as each provider signs.
@Suite(.serialized) struct WebhookServerTests {
    static let secretText = "canary-7f3e91-webhook-secret"
    let secret = try! WebhookSecret(WebhookServerTests.secretText)
    let logs = LogCapture()

    func appCommit(_ prefix: String) -> TestCommit {
        TestCommit(id: sha(prefix), message: "scale shop to 3 replicas", modified: ["apps/shop/app.yaml"])
    }

    func github(
        _ server: RunningServer, _ body: [UInt8], event: String = "push", signature: String? = nil
    )
        async throws -> Reply
    {
        let signed = signature ?? WebhookVerifier.signature(provider: .github, secret: secret, body: body)
        return try await post(
            server.baseURL + "/hooks/github",
            headers: [
                ("X-GitHub-Event", event), ("X-GitHub-Delivery", UUID().uuidString),
                ("X-Hub-Signature-256", signed),
            ],
            body: body)
    }

    func gitlab(
        _ server: RunningServer, _ body: [UInt8], event: String = "Push Hook", token: String? = nil
    )
        async throws -> Reply
    {
        try await post(
            server.baseURL + "/hooks/gitlab",
            headers: [("X-Gitlab-Event", event), ("X-Gitlab-Token", token ?? Self.secretText)], body: body)
    }

    func gitea(_ server: RunningServer, _ body: [UInt8], signature: String? = nil) async throws -> Reply {
        let signed = signature ?? WebhookVerifier.signature(provider: .gitea, secret: secret, body: body)
        return try await post(
            server.baseURL + "/hooks/gitea",
            headers: [
                ("X-Gitea-Event", "push"), ("X-Gitea-Delivery", UUID().uuidString),
                ("X-Gitea-Signature", signed),
            ],
            body: body)
    }

    @Test func eachProviderPushToTheTrackedBranchRequestsAReconcile() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let fromGitHub = try await github(server, githubPush(after: sha("1a2b3c4d"), commits: [appCommit("1a2b3c4d")]))
        let fromGitLab = try await gitlab(server, gitlabPush(after: sha("2b"), commits: [appCommit("2b")]))
        let fromGitea = try await gitea(server, giteaPush(after: sha("3c"), commits: [appCommit("3c")]))
        await server.stop()
        #expect(fromGitHub.status == 202)
        #expect(fromGitHub.body.contains("github push 1a2b3c4 to main"))
        #expect(fromGitLab.status == 202)
        #expect(fromGitea.status == 202)
        #expect(
            await server.trigger.pendingReasons == [
                "github push 1a2b3c4 to main", "gitlab push 2b00000 to main", "gitea push 3c00000 to main",
            ])
    }

    @Test func badSignaturesAndTokensAre401AndTriggerNothing() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let body = githubPush(after: sha("4d"), commits: [appCommit("4d")])
        let wrongSecret = try WebhookSecret("not-the-secret")
        let tampered = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "shop", with: "shap").utf8)
        let goodSignature = WebhookVerifier.signature(provider: .github, secret: secret, body: body)
        var statuses: [Int] = []
        statuses.append(try await github(server, body, signature: "").status)
        statuses.append(
            try await github(
                server, body, signature: WebhookVerifier.signature(provider: .github, secret: wrongSecret, body: body)
            )
            .status)
        statuses.append(try await github(server, tampered, signature: goodSignature).status)
        statuses.append(try await github(server, body, signature: String(goodSignature.dropFirst(7))).status)
        statuses.append(try await github(server, body, signature: "sha256=zz" + goodSignature.dropFirst(9)).status)
        statuses.append(
            try await post(
                server.baseURL + "/hooks/github", headers: [("X-GitHub-Event", "push")], body: body
            ).status)
        statuses.append(
            try await gitlab(
                server, gitlabPush(after: sha("5e"), commits: [appCommit("5e")]),
                token: Self.secretText + "x"
            ).status)
        statuses.append(
            try await post(
                server.baseURL + "/hooks/gitlab", headers: [("X-Gitlab-Event", "Push Hook")],
                body: gitlabPush(after: sha("5e"), commits: [appCommit("5e")])
            ).status)
        let giteaBody = giteaPush(after: sha("6f"), commits: [appCommit("6f")])
        statuses.append(
            try await gitea(
                server, giteaBody,
                signature: WebhookVerifier.signature(provider: .gitea, secret: wrongSecret, body: giteaBody)
            ).status)
        // Gitea sends bare hex; GitHub's prefixed form is not accepted on the Gitea route.
        statuses.append(
            try await gitea(
                server, giteaBody,
                signature: WebhookVerifier.signature(provider: .github, secret: secret, body: giteaBody)
            ).status)
        await server.stop()
        #expect(statuses == Array(repeating: 401, count: 10))
        #expect(await server.trigger.pendingReasons.isEmpty)
        #expect(!logs.all.contains { $0.contains("requests a reconcile") })
    }

    @Test func githubPingIsAnsweredWithoutATrigger() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let ping = Array(#"{"zen": "Design for failure.", "hook_id": 12345678, "hook": {"type": "Repository"}}"#.utf8)
        let reply = try await github(server, ping, event: "ping")
        let unsignedPing = try await github(server, ping, event: "ping", signature: "sha256=00")
        await server.stop()
        #expect(reply.status == 200)
        #expect(reply.body.contains("pong"))
        #expect(unsignedPing.status == 401)
        #expect(await server.trigger.pendingReasons.isEmpty)
    }

    @Test func twentyRapidPushesCoalesceIntoOneBatch() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let trigger = server.trigger
        let waiter = Task { try await trigger.waitForRequest(debounce: .seconds(1), maxDelay: .seconds(60)) }
        var statuses: [Int] = []
        for index in 0..<20 {
            let prefix = String(format: "a%02d", index)
            let reply = try await github(server, githubPush(after: sha(prefix), commits: [appCommit(prefix)]))
            statuses.append(reply.status)
        }
        let batch = try await waiter.value
        await server.stop()
        #expect(statuses == Array(repeating: 202, count: 20))
        #expect(batch.count == 20)
        #expect(batch.first == "github push a000000 to main")
        #expect(batch.last == "github push a190000 to main")
        #expect(await trigger.pendingReasons.isEmpty, "a second batch is pending")
    }

    @Test func pushesPlacerNeedNotSeeAreIgnored() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let placerMessage = """
            placer: place 1 app

            shop → edge-1: lowest latency

            Placer-Decision: shop=9f2c@edge-1
            Placer-Inputs: sha256:0123
            Placer-Source: 1a2b3c4
            """
        let otherBranch = try await github(
            server, githubPush(ref: "refs/heads/feature", after: sha("71"), commits: [appCommit("71")]))
        let tag = try await gitlab(
            server, gitlabPush(ref: "refs/tags/v1.0.0", after: sha("72"), commits: [appCommit("72")]))
        let placerPathsOnly = try await gitea(
            server,
            giteaPush(
                after: sha("73"),
                commits: [
                    TestCommit(
                        id: sha("73"), message: "hand-tune shop placement",
                        modified: ["placements/shop.yaml"], removed: ["rendered/edge-2/shop.yaml"])
                ]))
        let ownTrailer = try await github(
            server,
            githubPush(
                after: sha("74"),
                commits: [
                    TestCommit(
                        id: sha("74"), message: placerMessage, authorName: "Release Bot",
                        authorEmail: "bot@example.com",
                        added: ["rendered/edge-1/shop.yaml"], modified: ["apps/shop/app.yaml"])
                ]))
        let ownAuthor = try await gitlab(
            server,
            gitlabPush(
                after: sha("75"),
                commits: [
                    TestCommit(
                        id: sha("75"), message: "placer: prune 1 app", authorName: "Placer",
                        authorEmail: "placer@placer.dev", removed: ["apps/old/app.yaml"])
                ]))
        let otherEvent = try await gitlab(server, gitlabPush(after: sha("76"), commits: []), event: "Tag Push Hook")
        await server.stop()
        for reply in [otherBranch, tag, placerPathsOnly, ownTrailer, ownAuthor, otherEvent] {
            #expect(reply.status == 200)
            #expect(reply.body.contains(#""status":"ignored""#))
        }
        #expect(otherBranch.body.contains("refs/heads/feature is not the tracked branch main"))
        #expect(placerPathsOnly.body.contains("only placements/ and rendered/ changed"))
        #expect(ownTrailer.body.contains("Placer's own"))
        #expect(ownAuthor.body.contains("Placer's own"))
        #expect(await server.trigger.pendingReasons.isEmpty)
    }

    @Test func pushesWhosePayloadCannotTellTrigger() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let placerOnly = { (prefix: String) in
            TestCommit(id: sha(prefix), message: "move shop", modified: ["placements/shop.yaml"])
        }
        let gitlabCommits = (0..<20).map { placerOnly(String(format: "c%02d", $0)) }
        let truncatedGitLab = try await gitlab(
            server, gitlabPush(after: sha("c00"), commits: gitlabCommits, totalCommitsCount: 25))
        let githubCommits = (0..<20).map { placerOnly(String(format: "d%02d", $0)) }
        let fullGitHubList = try await github(server, githubPush(after: sha("d19"), commits: githubCommits))
        let forcedEmpty = try await github(server, githubPush(after: sha("e1"), commits: [], forced: true))
        let forcedPlacerOnly = try await github(
            server, githubPush(after: sha("e2"), commits: [placerOnly("e2")], forced: true))
        let giteaCapped = try await gitea(
            server, giteaPush(after: sha("f4"), commits: (0..<5).map { placerOnly("f\($0)") }, totalCommits: 8))
        let deleted = try await github(server, githubPush(after: zeroSHA, commits: []))
        await server.stop()
        for reply in [truncatedGitLab, fullGitHubList, forcedEmpty, forcedPlacerOnly, giteaCapped, deleted] {
            #expect(reply.status == 202, "\(reply.body)")
        }
        #expect(truncatedGitLab.body.contains("20 of 25 commits listed"))
        #expect(forcedEmpty.body.contains("forced push"))
        #expect(await server.trigger.pendingReasons.count == 6)
    }

    @Test func malformedAndOversizedBodiesAreRefused() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let notJSON = try await github(server, Array("ref=refs/heads/main".utf8))
        let noRef = try await gitea(server, Array(#"{"before": "a", "after": "b", "commits": []}"#.utf8))
        let wrongType = try await gitlab(server, Array(#"{"ref": 7, "before": "a", "after": "b"}"#.utf8))
        let noEvent = try await post(
            server.baseURL + "/hooks/gitlab", headers: [("X-Gitlab-Token", Self.secretText)],
            body: gitlabPush(after: sha("81"), commits: []))
        let form = Array("payload=%7B%22ref%22%3A%22refs%2Fheads%2Fmain%22%7D".utf8)
        let formSignature = WebhookVerifier.signature(provider: .github, secret: secret, body: form)
        let formEncoded = try await post(
            server.baseURL + "/hooks/github",
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), ("X-GitHub-Event", "push"),
                ("X-Hub-Signature-256", formSignature),
            ],
            body: form)
        let large = [UInt8](repeating: UInt8(ascii: " "), count: 2 << 20)
        let oversized = try await github(server, large)
        let largeSignature = WebhookVerifier.signature(provider: .github, secret: secret, body: large)
        let oversizedChunked = try await postChunked(
            server.baseURL + "/hooks/github",
            headers: [("X-GitHub-Event", "push"), ("X-Hub-Signature-256", largeSignature)], body: large)
        await server.stop()
        #expect(notJSON.status == 400)
        #expect(noRef.status == 400)
        #expect(noRef.body.contains("missing ref"))
        #expect(wrongType.status == 400)
        #expect(noEvent.status == 400)
        #expect(formEncoded.status == 400)
        #expect(formEncoded.body.contains("application/json"))
        #expect(oversized.status == 413)
        #expect(oversizedChunked.status == 413)
        #expect(await server.trigger.pendingReasons.isEmpty)
    }

    @Test func replayedDeliveriesAre409AndTriggerOnce() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let body = githubPush(after: sha("a1"), commits: [appCommit("a1")])
        let signature = WebhookVerifier.signature(provider: .github, secret: secret, body: body)
        func deliver(_ payload: [UInt8], id: String, signature: String) async throws -> Reply {
            try await post(
                server.baseURL + "/hooks/github",
                headers: [("X-GitHub-Event", "push"), ("X-GitHub-Delivery", id), ("X-Hub-Signature-256", signature)],
                body: payload)
        }
        // A forged delivery under the id first: refused, and it does not make the real one look replayed.
        let forged = try await deliver(body, id: "d-1", signature: "sha256=" + String(repeating: "00", count: 32))
        let first = try await deliver(body, id: "d-1", signature: signature)
        let sameID = try await deliver(body, id: "d-1", signature: signature)
        let freshIDSameBody = try await deliver(body, id: "d-2", signature: signature)
        let other = githubPush(after: sha("a2"), commits: [appCommit("a2")])
        let sameIDOtherBody = try await deliver(
            other, id: "d-1", signature: WebhookVerifier.signature(provider: .github, secret: secret, body: other))
        let gitlabBody = gitlabPush(after: sha("a3"), commits: [appCommit("a3")])
        let gitlabFirst = try await gitlab(server, gitlabBody)
        let gitlabAgain = try await gitlab(server, gitlabBody)
        await server.stop()
        #expect(forged.status == 401)
        #expect(first.status == 202)
        #expect([sameID, freshIDSameBody, sameIDOtherBody, gitlabAgain].map(\.status) == [409, 409, 409, 409])
        #expect(sameID.body.contains("X-GitHub-Delivery"))
        #expect(gitlabFirst.status == 202)
        #expect(
            await server.trigger.pendingReasons == ["github push a100000 to main", "gitlab push a300000 to main"])
    }

    @Test func healthAndReadiness() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let health = try await get(server.baseURL + "/healthz")
        let before = try await get(server.baseURL + "/readyz")
        server.readiness.markReconciled()
        let after = try await get(server.baseURL + "/readyz")
        await server.stop()
        #expect(health.status == 200)
        #expect(health.body == "ok")
        #expect(before.status == 500)  // Kubernetes components answer 500 for a failed check
        #expect(after.status == 200)
    }

    @Test func theSecretAndSignaturesNeverReachResponsesOrLogs() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        var replies: [Reply] = []
        var sentSignatures: [String] = []
        let body = githubPush(after: sha("91"), commits: [appCommit("91")])
        let good = WebhookVerifier.signature(provider: .github, secret: secret, body: body)
        sentSignatures.append(good)
        replies.append(try await github(server, body))
        let forged = "sha256=" + String(repeating: "ab", count: 32)
        sentSignatures.append(forged)
        replies.append(try await github(server, body, signature: forged))
        replies.append(try await gitlab(server, gitlabPush(after: sha("92"), commits: [appCommit("92")])))
        replies.append(
            try await gitlab(
                server, gitlabPush(after: sha("93"), commits: [appCommit("93")]), token: Self.secretText + "-guess"))
        // Gitea before 1.14 also put the secret in the body.
        let legacy = giteaPush(after: sha("94"), commits: [appCommit("94")], legacySecret: Self.secretText)
        sentSignatures.append(WebhookVerifier.signature(provider: .gitea, secret: secret, body: legacy))
        replies.append(try await gitea(server, legacy))
        replies.append(try await gitea(server, Array("{not json".utf8)))
        await server.stop()
        #expect(replies.map(\.status) == [202, 401, 202, 401, 202, 400])
        let captured = logs.all
        #expect(!captured.isEmpty, "the capturing log handler saw nothing; the check below would prove nothing")
        #expect(captured.contains { $0.contains("webhook rejected") })
        for text in replies.map(\.body) + captured {
            #expect(!text.contains("canary"), "secret leaked: \(text)")
            for signature in sentSignatures {
                #expect(!text.contains(signature.replacingOccurrences(of: "sha256=", with: "")))
            }
        }
        #expect(String(describing: secret) == "<redacted>")
    }
}
