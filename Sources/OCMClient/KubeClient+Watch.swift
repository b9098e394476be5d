import AsyncHTTPClient
import Foundation
import NIOCore

extension KubeClient {
    /// Longest accepted line of a watch stream, in bytes.
    static let maximumWatchLineBytes = 64 * 1024 * 1024

    /// Watches a collection: `GET ...?watch=1&resourceVersion=<rv>&allowWatchBookmarks=true`.
    ///
    /// Opening the stream is retried like any request (``retryPolicy``); once open, the stream yields each event
    /// as it arrives and finishes when the server ends the watch (after `timeoutSeconds`). It throws
    /// ``KubeError`` when the watch cannot start (410 Gone for a resourceVersion too old) or the connection drops
    /// (`.unreachable`). An ``WatchEvent/EventType/error`` event is yielded, not thrown: the server ends the
    /// stream after it. Cancelling the consuming task closes the connection.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for all namespaces (or a cluster-scoped kind).
    ///   - labelSelector: a selector such as `app=web`.
    ///   - resourceVersion: where to start: the list's or the last event's resourceVersion; nil (or "0") starts
    ///     with an ADDED event for every existing object.
    ///   - timeoutSeconds: how long the server keeps the watch open; nil picks 5 to 10 minutes at random, as
    ///     client-go does.
    ///   - allowBookmarks: ask for BOOKMARK events.
    /// - Returns: the events.
    public func watch(
        _ kind: ResourceKind, namespace: String?, labelSelector: String? = nil, resourceVersion: String?,
        timeoutSeconds: Int? = nil, allowBookmarks: Bool = true
    ) -> AsyncThrowingStream<WatchEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchEvent, Error>.makeStream()
        let seconds = max(1, timeoutSeconds ?? Int.random(in: 300...600))
        var query: [(String, String)] = [("watch", "1")]
        if let resourceVersion { query.append(("resourceVersion", resourceVersion)) }
        if allowBookmarks { query.append(("allowWatchBookmarks", "true")) }
        if let labelSelector { query.append(("labelSelector", labelSelector)) }
        query.append(("timeoutSeconds", String(seconds)))
        let path = kind.path(namespace: namespace)
        let task = Task { [query] in
            do {
                let response = try await execute(
                    .GET, path, query: query, body: nil, contentType: "application/json",
                    timeout: .seconds(Int64(seconds) + 30), idempotent: true
                ) { $0 }
                try await readEvents(response, request: "GET \(server)\(path)") { continuation.yield($0) }
                continuation.finish()
            } catch let error as HTTPClientError where error == .deadlineExceeded {
                continuation.finish()  // the watch lasted as long as asked
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Splits a streamed body into lines and decodes each as a watch event.
    private func readEvents(
        _ response: HTTPClientResponse, request: String, yield: (WatchEvent) -> Void
    ) async throws {
        var buffer: [UInt8] = []
        do {
            for try await chunk in response.body {
                buffer.append(contentsOf: chunk.readableBytesView)
                var lineStart = 0
                while let newline = buffer[lineStart...].firstIndex(of: 0x0A) {
                    try decodeLine(Data(buffer[lineStart..<newline]), request: request).map(yield)
                    lineStart = newline + 1
                }
                buffer.removeFirst(lineStart)
                guard buffer.count <= Self.maximumWatchLineBytes else {
                    throw KubeError(
                        kind: .invalidResponse, message: "a watch event is larger than 64 MiB", request: request,
                        server: server)
                }
            }
        } catch let error as KubeError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw KubeError(kind: .unreachable, message: Self.cause(of: error), request: request, server: server)
        }
        try decodeLine(Data(buffer), request: request).map(yield)
    }

    private func decodeLine(_ line: Data, request: String) throws -> WatchEvent? {
        do {
            return try WatchEvent.decode(line: line)
        } catch {
            throw KubeError(kind: .invalidResponse, message: "\(error)", request: request, server: server)
        }
    }
}
