import Foundation

extension KubeClient {
    /// Keeps a consumer in step with a collection, as client-go's reflector does: LIST, then watch from the
    /// list's resourceVersion.
    ///
    /// BOOKMARK events advance the resume point. When the watch ends (the server's timeout) it resumes at once
    /// from the last resourceVersion seen; when the connection drops or the hub is unreachable it resumes after a
    /// backoff (``retryPolicy`` delays, without end). When the resume point has expired (HTTP 410, or an ERROR
    /// event whose Status has code 410) it lists again and yields ``WatchListEvent/relisted(_:)``. The stream
    /// throws only for failures that waiting does not fix (401, 403, 404, an invalid answer); cancel the
    /// consuming task to stop it.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for all namespaces (or a cluster-scoped kind).
    ///   - labelSelector: a selector such as `app=web`.
    ///   - limit: page size of the lists.
    ///   - timeoutSeconds: how long each watch request lasts; nil lets ``watch(_:namespace:labelSelector:
    ///     resourceVersion:timeoutSeconds:allowBookmarks:)`` choose (5 to 10 minutes).
    /// - Returns: the list, then the changes.
    public func watchList(
        _ kind: ResourceKind, namespace: String?, labelSelector: String? = nil, limit: Int? = nil,
        timeoutSeconds: Int? = nil
    ) -> AsyncThrowingStream<WatchListEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<WatchListEvent, Error>.makeStream()
        let task = Task {
            var reflector = Reflector(
                hub: self, retryPolicy: retryPolicy, logger: logger, server: server, kind: kind, namespace: namespace,
                labelSelector: labelSelector, limit: limit,
                timeoutSeconds: timeoutSeconds)
            do {
                try await reflector.run { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
