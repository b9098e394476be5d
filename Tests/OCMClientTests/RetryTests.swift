import Foundation
import Hummingbird
import OCMClient
import Testing

/// ``RetryPolicy`` applied to real HTTP answers from a ``ScriptedServer``.
@Suite struct RetryTests {
    /// Fast retries so tests do not sleep long; the time budget is out of the way (a loaded test machine can
    /// stall a request for seconds), so only the attempt count decides.
    static let fast = RetryPolicy(
        maxAttempts: 4, baseDelay: .milliseconds(20), maxDelay: .milliseconds(100), jitter: 0, maxElapsed: .seconds(60))

    static func client(_ server: ScriptedServer, policy: RetryPolicy = fast) throws -> KubeClient {
        try KubeClient(
            kubeconfig: Kubeconfig(server: server.url, token: "retry-secret-token"), connectTimeout: .seconds(1),
            retryPolicy: policy)
    }

    static let work = #"{"metadata":{"name":"shop","namespace":"edge-1"}}"#

    @Test func backoffDoublesUpToTheCapAndJitterStretches() {
        let policy = RetryPolicy(baseDelay: .milliseconds(100), maxDelay: .milliseconds(500), jitter: 0.5)
        #expect(policy.delay(afterAttempt: 1, random: 0) == .milliseconds(100))
        #expect(policy.delay(afterAttempt: 2, random: 0) == .milliseconds(200))
        #expect(policy.delay(afterAttempt: 3, random: 0) == .milliseconds(400))
        #expect(policy.delay(afterAttempt: 4, random: 0) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 9, random: 0) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 1, random: 1) == .milliseconds(150))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3), random: 1) == .seconds(3))
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func aTooManyRequestsAnswerWaitsForRetryAfter() async throws {
        let server = try await ScriptedServer.start { _, index in
            index == 0
                ? ScriptedServer.status(
                    429, reason: "TooManyRequests", message: "slow down", headers: [.retryAfter: "1"])
                : ScriptedServer.json(Self.work)
        }
        let client = try Self.client(server)
        let started = ContinuousClock.now
        let body = try await client.get(.manifestWork, namespace: "edge-1", name: "shop")
        let elapsed = ContinuousClock.now - started
        try await client.shutdown()
        await server.stop()
        #expect(body.map { String(decoding: $0, as: UTF8.self) } == Self.work)
        #expect(server.requests.count == 2)
        #expect(elapsed >= .seconds(1), "Retry-After: 1 is honoured")
        // Far below a misread header (a minute, an hour), with room for a loaded CI machine (6.9 s seen at load 10).
        #expect(elapsed < .seconds(15))
    }

    @Test func serverErrorsAreRetriedUntilTheyPass() async throws {
        let codes = [503, 500, 502]
        let server = try await ScriptedServer.start { _, index in
            index < codes.count
                ? ScriptedServer.status(codes[index], reason: "ServiceUnavailable", message: "try again")
                : ScriptedServer.json(#"{"items":[{"a":1}],"metadata":{"resourceVersion":"7"}}"#)
        }
        let client = try Self.client(server)
        let items = try await client.list(.manifestWork, namespace: nil)
        try await client.shutdown()
        await server.stop()
        #expect(items.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#])
        #expect(server.requests.count == 4)
        #expect(server.requests.allSatisfy { $0.headers["authorization"] == "Bearer retry-secret-token" })
    }

    @Test func retriesStopAtMaxAttemptsWithTheLastError() async throws {
        let server = try await ScriptedServer.start { _, _ in
            ScriptedServer.status(504, reason: "Timeout", message: "the server was too slow")
        }
        let client = try Self.client(server)
        let error = await #expect(throws: KubeError.self) {
            _ = try await client.get(.manifestWork, namespace: "edge-1", name: "shop")
        }
        try await client.shutdown()
        await server.stop()
        #expect(server.requests.count == 4)
        #expect(error?.attempts == 4)
        #expect(error?.statusCode == 504)
        #expect(error?.reason == "Timeout")
        #expect(error?.message == "the server was too slow")
        #expect(error?.isTransient == true)
    }

    @Test(arguments: [400, 401, 403, 404, 409, 410, 422])
    func otherClientErrorsAreNotRetried(code: Int) async throws {
        let server = try await ScriptedServer.start { _, _ in
            ScriptedServer.status(code, reason: "Refused", message: "no: \(code)")
        }
        let client = try Self.client(server)
        await #expect(throws: KubeError.self) {
            _ = try await client.apply(.manifestWork, namespace: "edge-1", name: "shop", body: Data(Self.work.utf8))
        }
        try await client.shutdown()
        await server.stop()
        #expect(server.requests.count == 1)
    }

    @Test func aDroppedReadIsRetriedButADroppedCreateIsNot() async throws {
        let server = try await ScriptedServer.start { _, _ in ScriptedServer.dropped() }
        let client = try Self.client(server)
        let readError = await #expect(throws: KubeError.self) {
            _ = try await client.list(.manifestWork, namespace: "edge-1")
        }
        #expect(readError?.kind == .unreachable)
        #expect(server.requests.count == 4, "a GET is replayed after a dropped answer")
        let createError = await #expect(throws: KubeError.self) {
            _ = try await client.create(.manifestWork, namespace: "edge-1", body: Data(Self.work.utf8))
        }
        #expect(createError?.kind == .unreachable)
        #expect(createError?.attempts == 1)
        #expect(server.requests.count == 5, "a POST that may have landed is not replayed")
        try await client.shutdown()
        await server.stop()
    }

    @Test func aDroppedAnswerThenASoundOneSucceeds() async throws {
        let server = try await ScriptedServer.start { _, index in
            index == 0 ? ScriptedServer.dropped() : ScriptedServer.json(#"{"items":[],"metadata":{}}"#)
        }
        let client = try Self.client(server)
        #expect(try await client.list(.manifestWork, namespace: "edge-1").isEmpty)
        try await client.shutdown()
        await server.stop()
        #expect(server.requests.count == 2)
    }

    @Test func aRefusedConnectionIsRetriedUntilTheHubListens() async throws {
        let probe = try await ScriptedServer.start { _, _ in ScriptedServer.json("{}") }
        let port = probe.port
        await probe.stop()
        let client = try KubeClient(
            kubeconfig: Kubeconfig(server: "http://127.0.0.1:\(port)", token: "t"),
            retryPolicy: RetryPolicy(
                maxAttempts: 30, baseDelay: .milliseconds(50), maxDelay: .milliseconds(100), jitter: 0,
                maxElapsed: .seconds(10)))
        // The hub comes up a little after the first (refused) attempt; a POST is safe to resend because a refused
        // connection never carried it.
        let late = Task {
            try await Task.sleep(for: .milliseconds(400))
            return try await ScriptedServer.start(port: port) { _, _ in
                ScriptedServer.json(Self.work, status: .created)
            }
        }
        let created = try await client.create(.manifestWork, namespace: "edge-1", body: Data(Self.work.utf8))
        let server = try await late.value
        try await client.shutdown()
        await server.stop()
        #expect(String(decoding: created, as: UTF8.self) == Self.work)
        #expect(server.requests.count == 1)
    }

    @Test func anUnreachableHubFailsWithinTheRetryBudget() async throws {
        let probe = try await ScriptedServer.start { _, _ in ScriptedServer.json("{}") }
        let url = probe.url
        await probe.stop()
        let client = try KubeClient(kubeconfig: Kubeconfig(server: url, token: "secret-token-value"))
        let started = ContinuousClock.now
        let error = await #expect(throws: KubeError.self) {
            _ = try await client.list(.managedCluster, namespace: nil)
        }
        let elapsed = ContinuousClock.now - started
        try await client.shutdown()
        #expect(error?.description == "cannot reach hub \(url): connection refused")
        #expect((error?.attempts ?? 0) > 1, "the default policy retried")
        #expect(elapsed < .seconds(8), "the default budget is 5 s (plus the attempt under way)")
        #expect(elapsed > .milliseconds(500), "retries took their backoff")
    }
}
