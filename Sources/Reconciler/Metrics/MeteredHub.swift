import Foundation
import OCMClient
import PlacerCore

/// A ``Hub`` that times the writes (apply, status apply, create, delete) and counts their errors by verb and
/// resource (``PlacerMetrics/hubWrite(verb:resource:duration:failed:)``), passing every call to `base` unchanged.
/// The ``Reconciler`` wraps its port in one, so ManifestWorks, PlacementDecisions, Events and the state ConfigMap
/// are all measured. Every request also tells `health` whether the hub answered: no answer, a 429 or a 5xx (what
/// ``KubeError/isTransient`` calls transient, after the client's own retries) is an outage; any other answer,
/// errors such as 404 or 409 included, means the hub is up.
struct MeteredHub: Hub {
    let base: any Hub
    let metrics: PlacerMetrics
    var health: DependencyHealth?

    func get(_ kind: ResourceKind, namespace: String?, name: String) async throws -> Data? {
        try await reportingToHealth { try await base.get(kind, namespace: namespace, name: name) }
    }

    func listAll(_ kind: ResourceKind, namespace: String?, labelSelector: String?, limit: Int?) async throws -> ListPage
    {
        try await reportingToHealth {
            try await base.listAll(kind, namespace: namespace, labelSelector: labelSelector, limit: limit)
        }
    }

    /// Runs one request and reports whether the hub answered.
    private func reportingToHealth<T>(_ body: () async throws -> T) async throws -> T {
        guard let health else { return try await body() }
        do {
            let value = try await body()
            health.succeeded(.hub)
            return value
        } catch let error as KubeError {
            if error.isTransient { health.failed(.hub, reason: error.description) } else { health.succeeded(.hub) }
            throw error
        }
    }

    func watch(
        _ kind: ResourceKind, namespace: String?, labelSelector: String?, resourceVersion: String?,
        timeoutSeconds: Int?, allowBookmarks: Bool
    ) -> AsyncThrowingStream<WatchEvent, Error> {
        base.watch(
            kind, namespace: namespace, labelSelector: labelSelector, resourceVersion: resourceVersion,
            timeoutSeconds: timeoutSeconds, allowBookmarks: allowBookmarks)
    }

    func apply(_ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool) async throws -> Data {
        try await reportingToHealth {
            try await PlacerMetrics.timed {
                try await base.apply(kind, namespace: namespace, name: name, body: body, force: force)
            } record: {
                metrics.hubWrite(verb: "apply", resource: kind.plural, duration: $0, failed: $1)
            }
        }
    }

    func applyStatus(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool
    ) async throws -> Data {
        try await reportingToHealth {
            try await PlacerMetrics.timed {
                try await base.applyStatus(kind, namespace: namespace, name: name, body: body, force: force)
            } record: {
                metrics.hubWrite(verb: "apply", resource: kind.plural + "/status", duration: $0, failed: $1)
            }
        }
    }

    func create(_ kind: ResourceKind, namespace: String?, body: Data) async throws -> Data {
        try await reportingToHealth {
            try await PlacerMetrics.timed {
                try await base.create(kind, namespace: namespace, body: body)
            } record: {
                metrics.hubWrite(verb: "create", resource: kind.plural, duration: $0, failed: $1)
            }
        }
    }

    func delete(
        _ kind: ResourceKind, namespace: String?, name: String, propagationPolicy: PropagationPolicy?
    ) async throws {
        try await reportingToHealth {
            try await PlacerMetrics.timed {
                try await base.delete(kind, namespace: namespace, name: name, propagationPolicy: propagationPolicy)
            } record: {
                metrics.hubWrite(verb: "delete", resource: kind.plural, duration: $0, failed: $1)
            }
        }
    }
}
