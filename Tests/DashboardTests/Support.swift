import AsyncHTTPClient
import Dashboard
import Foundation
import Logging
import NIOCore
import PlacerTestSupport
import Reconciler
import ServiceLifecycle

/// A `DashboardServer` on 127.0.0.1 with a free port, run in its own `ServiceGroup`.
final class RunningServer: Sendable {
    let port: Int
    let trigger: ReconcileTrigger
    let readiness: ReadinessState
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    private init(
        port: Int, trigger: ReconcileTrigger, readiness: ReadinessState, group: ServiceGroup, task: Task<Void, Never>
    ) {
        self.port = port
        self.trigger = trigger
        self.readiness = readiness
        self.group = group
        self.task = task
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts the server and returns once it listens.
    static func start(
        secret: WebhookSecret, branch: String = "main", logs: LogCapture, prometheus: PrometheusEndpoint? = nil,
        livenessChecks: [HealthCheck] = []
    ) async throws -> RunningServer {
        let trigger = ReconcileTrigger()
        let readiness = ReadinessState()
        let (ready, readySink) = AsyncStream<Int>.makeStream()
        let server = DashboardServer(
            configuration: DashboardConfiguration(
                host: "127.0.0.1", port: 0, secret: secret, filter: WebhookFilter(branch: branch)),
            trigger: trigger, isReady: { readiness.isReady }, livenessChecks: livenessChecks, prometheus: prometheus,
            logger: logs.logger(),
            onServerRunning: { port in readySink.yield(port) })
        let group = ServiceGroup(services: [server], logger: logs.logger(label: "test.group"))
        let task = Task {
            try? await group.run()
            readySink.finish()
        }
        for await port in ready {
            return RunningServer(port: port, trigger: trigger, readiness: readiness, group: group, task: task)
        }
        throw ServerDidNotStart()
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }
}

struct ServerDidNotStart: Error {}

/// A response as the test sees it.
struct Reply {
    var status: Int
    var body: String
}

/// Sends one POST with the given headers and body and collects the answer.
func post(_ url: String, headers: [(String, String)], body: [UInt8]) async throws -> Reply {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
        request.headers.add(name: "Content-Type", value: "application/json")
    }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    request.body = .bytes(ByteBuffer(bytes: body))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 1 << 20)
    return Reply(status: Int(response.status.code), body: String(buffer: buffer))
}

/// Sends one POST whose body is streamed in 64 KiB chunks without a Content-Length (chunked transfer encoding).
func postChunked(_ url: String, headers: [(String, String)], body: [UInt8]) async throws -> Reply {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let chunks = stride(from: 0, to: body.count, by: 65_536).map {
        ByteBuffer(bytes: body[$0..<min($0 + 65_536, body.count)])
    }
    let stream = AsyncStream<ByteBuffer> { continuation in
        for chunk in chunks { continuation.yield(chunk) }
        continuation.finish()
    }
    request.body = .stream(stream, length: .unknown)
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 1 << 20)
    return Reply(status: Int(response.status.code), body: String(buffer: buffer))
}

/// Sends one GET.
func get(_ url: String) async throws -> Reply {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
    let buffer = try await response.body.collect(upTo: 1 << 20)
    return Reply(status: Int(response.status.code), body: String(buffer: buffer))
}
