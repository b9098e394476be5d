import Foundation

/// The OCM hub as the reconcile loop sees it: typed reads and writes of raw JSON objects addressed by
/// ``ResourceKind``, namespace and name.
///
/// ``KubeClient`` is the adapter over a real kube-apiserver (AsyncHTTPClient, non-blocking); tests use an in-memory
/// fake (`PlacerFakes.FakeHub`). Bodies are JSON `Data` in and out, decoded with the typed read models
/// (``ManifestWorkObject``, ``ManagedClusterObject``, ``AddOnPlacementScoreObject``). Implementations are safe to
/// call from any task. Errors are ``KubeError`` (or, for a fake, errors it was told to throw).
public protocol Hub: Sendable {
    /// Reads one object.
    /// - Returns: its JSON, or nil when it does not exist (404).
    /// - Throws: ``KubeError`` for any other failure.
    func get(_ kind: ResourceKind, namespace: String?, name: String) async throws -> Data?

    /// Lists every object of `kind`, following continue tokens.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for all namespaces (or a cluster-scoped kind).
    ///   - labelSelector: `key=value`, `key!=value`, `key`, `!key`, comma-separated (all must hold); nil for all.
    ///   - limit: page size; nil asks for everything at once.
    /// - Returns: the items and the list's resourceVersion (where a watch that follows starts).
    /// - Throws: ``KubeError``.
    func listAll(_ kind: ResourceKind, namespace: String?, labelSelector: String?, limit: Int?) async throws -> ListPage

    /// Watches a collection from `resourceVersion` (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR events).
    /// - Parameters:
    ///   - timeoutSeconds: how long the watch stays open; nil lets the implementation choose.
    /// - Returns: the events; the stream throws ``KubeError`` when the watch cannot start (410 Gone for a version
    ///   too old) or the connection drops.
    func watch(
        _ kind: ResourceKind, namespace: String?, labelSelector: String?, resourceVersion: String?,
        timeoutSeconds: Int?, allowBookmarks: Bool
    ) -> AsyncThrowingStream<WatchEvent, Error>

    /// Server-side apply (field manager `placer`) of the whole intent.
    /// - Parameter force: take ownership of fields other managers own.
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (409 for a conflict when not forcing).
    func apply(_ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool) async throws -> Data

    /// Server-side apply of the `/status` subresource; does not create.
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (404 when the object does not exist).
    func applyStatus(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool
    ) async throws -> Data

    /// Creates an object (`POST`).
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (409 when the name is taken).
    func create(_ kind: ResourceKind, namespace: String?, body: Data) async throws -> Data

    /// Deletes an object; one already gone is not an error.
    /// - Throws: ``KubeError`` for any other failure.
    func delete(
        _ kind: ResourceKind, namespace: String?, name: String, propagationPolicy: PropagationPolicy?
    ) async throws
}

extension Hub {
    /// Every object of `kind` (all pages), each item's JSON.
    /// - Throws: ``KubeError``.
    public func list(_ kind: ResourceKind, namespace: String?, labelSelector: String? = nil) async throws -> [Data] {
        try await listAll(kind, namespace: namespace, labelSelector: labelSelector, limit: nil).items
    }

    /// ``listAll(_:namespace:labelSelector:limit:)`` without selector or page size.
    /// - Throws: ``KubeError``.
    public func listAll(_ kind: ResourceKind, namespace: String?) async throws -> ListPage {
        try await listAll(kind, namespace: namespace, labelSelector: nil, limit: nil)
    }

    /// ``watch(_:namespace:labelSelector:resourceVersion:timeoutSeconds:allowBookmarks:)`` of the whole collection
    /// with bookmarks and the implementation's timeout.
    public func watch(
        _ kind: ResourceKind, namespace: String?, resourceVersion: String?
    )
        -> AsyncThrowingStream<WatchEvent, Error>
    {
        watch(
            kind, namespace: namespace, labelSelector: nil, resourceVersion: resourceVersion, timeoutSeconds: nil,
            allowBookmarks: true)
    }

    /// Forced server-side apply. - Returns: the object as stored. - Throws: ``KubeError``.
    public func apply(_ kind: ResourceKind, namespace: String?, name: String, body: Data) async throws -> Data {
        try await apply(kind, namespace: namespace, name: name, body: body, force: true)
    }

    /// Forced server-side apply of `/status`. - Returns: the object as stored. - Throws: ``KubeError``.
    public func applyStatus(_ kind: ResourceKind, namespace: String?, name: String, body: Data) async throws -> Data {
        try await applyStatus(kind, namespace: namespace, name: name, body: body, force: true)
    }

    /// Deletes with the server's default propagation. - Throws: ``KubeError``.
    public func delete(_ kind: ResourceKind, namespace: String?, name: String) async throws {
        try await delete(kind, namespace: namespace, name: name, propagationPolicy: nil)
    }
}

extension KubeClient: Hub {}
