import Foundation
import NIOConcurrencyHelpers
import OCMClient

/// A ``Hub`` that forwards to another and records every byte it hands back (object reads, lists, watch events)
/// and every body it sends: what the coordinator could ever have seen of the agents.
final class RecordingHub: Hub {
    let base: any Hub
    private let received = NIOLockedValueBox<[Data]>([])
    private let sentBodies = NIOLockedValueBox<[Data]>([])

    init(_ base: any Hub) { self.base = base }

    /// Every response body, in order.
    var reads: [Data] { received.withLockedValue { $0 } }
    /// Every request body, in order.
    var writes: [Data] { sentBodies.withLockedValue { $0 } }

    private func record(_ data: Data) -> Data {
        received.withLockedValue { $0.append(data) }
        return data
    }

    func get(_ kind: ResourceKind, namespace: String?, name: String) async throws -> Data? {
        try await base.get(kind, namespace: namespace, name: name).map(record)
    }

    func listAll(_ kind: ResourceKind, namespace: String?, labelSelector: String?, limit: Int?) async throws -> ListPage
    {
        let page = try await base.listAll(kind, namespace: namespace, labelSelector: labelSelector, limit: limit)
        for item in page.items { _ = record(item) }
        return page
    }

    func watch(
        _ kind: ResourceKind, namespace: String?, labelSelector: String?, resourceVersion: String?,
        timeoutSeconds: Int?, allowBookmarks: Bool
    ) -> AsyncThrowingStream<WatchEvent, Error> {
        // The coordinator does not watch; a watch here would go unrecorded, so refuse it.
        AsyncThrowingStream {
            $0.finish(
                throwing: KubeError(
                    kind: .invalidResponse, message: "watch not recorded", request: "WATCH", server: "recording"))
        }
    }

    func apply(_ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool) async throws -> Data {
        sentBodies.withLockedValue { $0.append(body) }
        return record(try await base.apply(kind, namespace: namespace, name: name, body: body, force: force))
    }

    func applyStatus(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool
    ) async throws
        -> Data
    {
        sentBodies.withLockedValue { $0.append(body) }
        return record(try await base.applyStatus(kind, namespace: namespace, name: name, body: body, force: force))
    }

    func create(_ kind: ResourceKind, namespace: String?, body: Data) async throws -> Data {
        sentBodies.withLockedValue { $0.append(body) }
        return record(try await base.create(kind, namespace: namespace, body: body))
    }

    func delete(
        _ kind: ResourceKind, namespace: String?, name: String, propagationPolicy: PropagationPolicy?
    ) async throws {
        try await base.delete(kind, namespace: namespace, name: name, propagationPolicy: propagationPolicy)
    }
}
