import AsyncHTTPClient
import Dashboard
import Foundation
import GitStore
import NIOCore
import PlacerCLI

/// The GitHub push deliveries the push-to-apply benches send to Placer's webhook server on 127.0.0.1.
///
/// Shared by `placer-lab bench scale` (webhook push runs) and `bench git` (push-to-apply on the demo repo), so both
/// time the same delivery: the body and signature a GitHub push webhook carries (GitHub docs, "Webhook events and
/// payloads: push"; `X-Hub-Signature-256` is HMAC-SHA-256 of the body).
enum BenchWebhook {
    /// Waits for the server on `port` to answer `GET /healthz` with 200.
    ///
    /// - Parameters:
    ///   - http: the client to probe with.
    ///   - port: the webhook server's TCP port on 127.0.0.1.
    ///   - attempts: probes at the most, 50 ms apart, each with a 1 s timeout; after the last it returns anyway (the
    ///     first delivery then fails with the server's answer).
    /// - Throws: `CancellationError` when the task is cancelled while waiting.
    static func waitUntilHealthy(http: HTTPClient, port: Int, attempts: Int) async throws {
        for _ in 0..<attempts {
            var probe = HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz")
            probe.method = .GET
            if (try? await http.execute(probe, timeout: .seconds(1)).status.code) == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Posts a signed GitHub push delivery for one commit on `main` to `/hooks/github`.
    ///
    /// - Parameters:
    ///   - http: the client to post with.
    ///   - port: the webhook server's TCP port on 127.0.0.1.
    ///   - secret: the shared webhook secret the body is signed with.
    ///   - before: `main` before the push.
    ///   - after: `main` after the push (the one commit pushed).
    ///   - modified: the one repo path the commit modified.
    ///   - message: the commit message the delivery names.
    ///   - author: the name and e-mail the delivery names (its date is not sent).
    /// - Throws: ``CommandFailure`` when the server answers other than 202 Accepted; the client's error when the
    ///   request fails or takes over 5 s.
    static func postPush(
        http: HTTPClient, port: Int, secret: WebhookSecret, before: ObjectID, after: ObjectID, modified: String,
        message: String, author: GitSignature
    ) async throws {
        let body = """
            {"ref":"refs/heads/main","before":"\(before.hex)","after":"\(after.hex)","commits":[{"id":"\(after.hex)",\
            "message":"\(message)","author":{"name":"\(author.name)","email":"\(author.email)"},\
            "added":[],"removed":[],"modified":["\(modified)"]}],"head_commit":{"id":"\(after.hex)"}}
            """
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/github")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-GitHub-Event", value: "push")
        request.headers.add(
            name: "X-Hub-Signature-256",
            value: WebhookVerifier.signature(provider: .github, secret: secret, body: Data(body.utf8)))
        request.body = .bytes(ByteBuffer(string: body))
        let status = try await http.execute(request, timeout: .seconds(5)).status.code
        guard status == 202 else { throw CommandFailure("webhook answered \(status)") }
    }
}
