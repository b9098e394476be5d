import AppModel
import AsyncHTTPClient
import Crypto
import EdgeSim
import Foundation
import NIOCore
import PlacerTestSupport
import Testing

/// `placer run` with `--webhook-listen`: a signed GitHub push event reconciles at once (the poll interval is an
/// hour); a badly signed one gets 401 and does nothing. Real process, real HTTP, real `git daemon` and hub.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct WebhookRunTests {
    static let secret = "canary-webhook-secret-5f1d"

    static func githubPush(after: String, files: [String]) -> String {
        let list = files.map { "\"\($0)\"" }.joined(separator: ",")
        return """
            {"ref":"refs/heads/main","before":"0000000000000000000000000000000000000000","after":"\(after)",\
            "commits":[{"id":"\(after)","message":"twin near the halls","author":{"name":"Factory Engineer","email":"engineer@factory.example"},\
            "added":[],"removed":[],"modified":[\(list)]}],"head_commit":{"id":"\(after)"},\
            "repository":{"full_name":"factory/apps"},"pusher":{"name":"engineer"}}
            """
    }

    static func signature(_ body: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func post(_ client: HTTPClient, port: Int, body: String, signature: String) async throws -> Int {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hooks/github")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-GitHub-Event", value: "push")
        request.headers.add(name: "X-GitHub-Delivery", value: UUID().uuidString)
        request.headers.add(name: "X-Hub-Signature-256", value: signature)
        request.body = .bytes(ByteBuffer(string: body))
        return Int(try await client.execute(request, timeout: .seconds(10)).status.code)
    }

    @Test func aSignedPushReconcilesAtOnceAndABadSignatureIsRefused() async throws {
        try await withFactory { factory in
            let port = try FreePort.find()
            let secretFile = factory.folder.appendingPathComponent("webhook-secret").path
            try Self.secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
            try await factory.withDaemon(["--webhook-listen", "127.0.0.1:\(port)", "--webhook-secret-file", secretFile])
            { client, log in
                try await Self.exercise(factory, client: client, port: port, log: log)
            }
        }
    }

    static func exercise(_ factory: FactoryFixture, client: HTTPClient, port: Int, log: URL) async throws {
        // Ready once the first reconcile placed the apps.
        let ready = await eventually(timeout: .seconds(60), interval: .milliseconds(100)) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            request.method = .GET
            return (try? await client.execute(request, timeout: .seconds(2)).status.code) == 200
        }
        #expect(ready, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        #expect(await factory.works()["regional-cloud/digital-twin"] != nil)

        let push = try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
            $0.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
        }
        let body = Self.githubPush(after: push.hex, files: ["apps/digital-twin/app.yaml"])
        // A forged signature: 401, and nothing happens.
        let forged = try await Self.post(
            client, port: port, body: body, signature: Self.signature(body, secret: "wrong"))
        #expect(forged == 401)
        try await Task.sleep(for: .seconds(2))
        #expect(try factory.tip() == push, "a forged webhook made Placer reconcile")

        // The real one: the move is committed and applied well before the hour-long poll.
        let accepted = try await Self.post(
            client, port: port, body: body, signature: Self.signature(body, secret: Self.secret))
        #expect(accepted == 202)
        let moved = await eventually(timeout: .seconds(30), interval: .milliseconds(100)) {
            let works = await factory.works()
            return works["factory-dc/digital-twin"] != nil && works["regional-cloud/digital-twin"] == nil
        }
        #expect(moved)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(!output.contains(Self.secret), "the webhook secret reached the log")
    }
}
