import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers

/// A tiny real HTTP server for tests that need answers the EdgeSim hub does not give (429, 503, dropped
/// connections, scripted watch streams): every request goes to `handler`, and each is recorded.
final class ScriptedServer: Sendable {
    /// One request as the server saw it (header names lower-case).
    struct Seen: Sendable {
        var method: String
        var path: String
        var query: [String: String]
        var headers: [String: String]
        var body: Data
    }

    /// Thrown inside a response body to cut the connection mid-response.
    struct Drop: Error {}

    typealias Handler = @Sendable (_ request: Seen, _ index: Int) async throws -> Response

    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let task: Task<Void, Never>
    private let seen: NIOLockedValueBox<[Seen]>

    private init(port: Int, task: Task<Void, Never>, seen: NIOLockedValueBox<[Seen]>) {
        self.port = port
        self.task = task
        self.seen = seen
    }

    /// The requests so far.
    var requests: [Seen] { seen.withLockedValue { $0 } }

    /// Starts a server on 127.0.0.1 (`port` 0 picks a free one) and returns once it listens.
    static func start(port: Int = 0, _ handler: @escaping Handler) async throws -> ScriptedServer {
        let seen = NIOLockedValueBox<[Seen]>([])
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16 * 1024 * 1024)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            var query: [String: String] = [:]
            for pair in (request.uri.query ?? "").split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).removingPercentEncoding ?? String($0)
                }
                query[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            let entry = Seen(
                method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
                body: Data(body.readableBytesView))
            let index = seen.withLockedValue { list -> Int in
                list.append(entry)
                return list.count - 1
            }
            return try await handler(entry, index)
        }
        let (ready, readySink) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in readySink.yield(channel.localAddress?.port ?? 0) },
            logger: Self.quietLogger)
        let task = Task {
            try? await app.runService(gracefulShutdownSignals: [])
            readySink.finish()
        }
        for await bound in ready {
            return ScriptedServer(port: bound, task: task, seen: seen)
        }
        throw ScriptedServerFailed()
    }

    /// Stops the server and waits for it.
    func stop() async {
        task.cancel()
        await task.value
    }

    struct ScriptedServerFailed: Error {}

    /// Shutdown with open streams logs at error level; the tests do not need it.
    static let quietLogger: Logger = {
        var logger = Logger(label: "scripted-server")
        logger.logLevel = .critical
        return logger
    }()

    /// A JSON answer.
    static func json(_ text: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// A Kubernetes `Status` error answer.
    static func status(_ code: Int, reason: String, message: String, headers: HTTPFields = [:]) -> Response {
        json(
            #"{"apiVersion":"v1","kind":"Status","status":"Failure","message":"\#(message)","reason":"\#(reason)","code":\#(code)}"#,
            status: HTTPResponse.Status(code: code), headers: headers)
    }

    /// A response that sends `prefix` and then cuts the connection.
    static func dropped(after prefix: String = #"{"items":["#) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: prefix))
                throw Drop()
            })
    }

    /// A streamed answer: each line is written (with a newline) after the given pause; then the response ends,
    /// or the connection is cut when `dropAtEnd`.
    static func stream(_ lines: [(pause: Duration, line: String)], dropAtEnd: Bool = false) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody { writer in
                for (pause, line) in lines {
                    try await Task.sleep(for: pause)
                    try await writer.write(ByteBuffer(string: line + "\n"))
                }
                if dropAtEnd { throw Drop() }
                try await writer.finish(nil)
            })
    }
}
