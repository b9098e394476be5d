import Foundation
import Logging

/// The list-then-watch loop behind ``KubeClient/watchList(_:namespace:labelSelector:limit:timeoutSeconds:)`` and
/// ``Informer``, over any ``Hub``.
struct Reflector {
    let hub: any Hub
    let retryPolicy: RetryPolicy
    let logger: Logger
    /// The hub's address, for error messages.
    let server: String
    let kind: ResourceKind
    let namespace: String?
    let labelSelector: String?
    let limit: Int?
    let timeoutSeconds: Int?
    /// Where the next watch resumes.
    private(set) var resourceVersion: String?
    /// Consecutive failures, for the backoff.
    private var failures = 0

    init(
        hub: any Hub, retryPolicy: RetryPolicy, logger: Logger, server: String, kind: ResourceKind,
        namespace: String?, labelSelector: String?, limit: Int?, timeoutSeconds: Int?
    ) {
        self.hub = hub
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.server = server
        self.kind = kind
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.limit = limit
        self.timeoutSeconds = timeoutSeconds
    }

    /// Runs until cancelled or a lasting failure.
    mutating func run(_ yield: @Sendable (WatchListEvent) async -> Void) async throws {
        try await relist(initial: true, yield)
        while !Task.isCancelled {
            let started = ContinuousClock.now
            var received = 0
            do {
                let events = hub.watch(
                    kind, namespace: namespace, labelSelector: labelSelector, resourceVersion: resourceVersion,
                    timeoutSeconds: timeoutSeconds, allowBookmarks: true)
                for try await event in events {
                    received += 1
                    failures = 0
                    switch event.type {
                    case .bookmark:
                        resourceVersion = event.resourceVersion ?? resourceVersion
                    case .error:
                        throw streamError(event)
                    case .added, .modified, .deleted:
                        resourceVersion = event.resourceVersion ?? resourceVersion
                        await yield(.changed(event))
                    }
                }
                // The server ended the watch. A watch that ends at once, empty, counts as a failure so a hub that
                // keeps closing streams is not hammered.
                if received == 0, ContinuousClock.now - started < .seconds(1) { try await backOff(nil) }
            } catch let error as KubeError where error.isGone {
                logger.debug("watch expired; listing again", metadata: ["plural": "\(kind.plural)"])
                try await relist(initial: false, yield)
            } catch let error as KubeError where error.isTransient {
                try await backOff(error)
            }
        }
        throw CancellationError()
    }

    /// Lists everything again (retrying transient failures without end) and resets the resume point.
    private mutating func relist(initial: Bool, _ yield: @Sendable (WatchListEvent) async -> Void) async throws {
        while true {
            do {
                let page = try await hub.listAll(
                    kind, namespace: namespace, labelSelector: labelSelector, limit: limit)
                resourceVersion = page.resourceVersion
                failures = 0
                await yield(initial ? .listed(page.items) : .relisted(page.items))
                return
            } catch let error as KubeError where error.isTransient {
                try await backOff(error)
            }
        }
    }

    private mutating func backOff(_ error: KubeError?) async throws {
        failures += 1
        let wait = retryPolicy.delay(afterAttempt: failures)
        if let error {
            logger.debug("watch failed; retrying", metadata: ["error": "\(error)", "wait": "\(wait)"])
        }
        try await Task.sleep(for: wait)
    }

    /// The error an ERROR event stands for (410 for an expired resourceVersion).
    private func streamError(_ event: WatchEvent) -> KubeError {
        let code = event.status?.code ?? 500
        return KubeError(
            kind: .status, statusCode: code, reason: event.status?.reason,
            message: event.status?.message ?? "watch error",
            request: "WATCH \(server)\(kind.path(namespace: namespace))",
            server: server)
    }
}
