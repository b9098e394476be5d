import Foundation

/// What happens to an object's dependents when it is deleted (`DeleteOptions.propagationPolicy`).
public enum PropagationPolicy: String, Sendable, Equatable, CaseIterable {
    /// The object stays, with a `foregroundDeletion` finalizer, until its dependents are gone.
    case foreground = "Foreground"
    /// The object goes at once; the garbage collector removes its dependents afterwards.
    case background = "Background"
    /// Dependents are kept and lose their owner reference.
    case orphan = "Orphan"
}

extension KubeClient {
    /// Creates an object: `POST` to its collection.
    /// - Parameters:
    ///   - namespace: the namespace (nil for a cluster-scoped kind).
    ///   - body: the object's JSON with apiVersion, kind and metadata.name (or generateName).
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (409 ``KubeError/isAlreadyExists`` when the name is taken).
    public func create(_ kind: ResourceKind, namespace: String?, body: Data) async throws -> Data {
        try await send(.POST, kind.path(namespace: namespace), body: body).body
    }

    /// Replaces an object: `PUT` with optimistic concurrency.
    /// - Parameters:
    ///   - body: the whole object; its `metadata.resourceVersion` must be the one last read, so a write
    ///     that raced another fails instead of overwriting it.
    /// - Returns: the object as stored, with its new resourceVersion.
    /// - Throws: ``KubeError`` (409 ``KubeError/isConflict`` for a stale resourceVersion, 404 when gone).
    public func update(_ kind: ResourceKind, namespace: String?, name: String, body: Data) async throws -> Data {
        try await send(.PUT, kind.path(namespace: namespace, name: name), body: body).body
    }

    /// Replaces an object's status: `PUT` to its `/status` subresource (the rest of the body is ignored).
    /// - Parameters:
    ///   - body: the whole object with the new `status` and the `metadata.resourceVersion` last read.
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (409 for a stale resourceVersion, 404 when gone).
    public func updateStatus(_ kind: ResourceKind, namespace: String?, name: String, body: Data) async throws -> Data {
        try await send(.PUT, kind.path(namespace: namespace, name: name, subresource: "status"), body: body).body
    }

    /// Server-side apply of an object's status: `PATCH .../status` with `application/apply-patch+yaml`.
    /// - Parameters:
    ///   - body: apiVersion, kind, metadata.name (and namespace) and the `status` fields this manager owns.
    ///   - force: take ownership of fields other managers own.
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (404 when the object does not exist: a status apply does not create).
    public func applyStatus(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool = true
    ) async throws -> Data {
        try await serverSideApply(
            kind, namespace: namespace, name: name, subresource: "status", body: body, force: force)
    }

    /// Deletes an object; an object that is already gone (404) is not an error.
    /// - Parameters:
    ///   - propagationPolicy: sent as a `DeleteOptions` body; nil leaves the server's default.
    /// - Throws: ``KubeError`` for any other failure.
    public func delete(
        _ kind: ResourceKind, namespace: String?, name: String, propagationPolicy: PropagationPolicy? = nil
    ) async throws {
        let body = propagationPolicy.map {
            Data(#"{"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"\#($0.rawValue)"}"#.utf8)
        }
        do {
            _ = try await send(.DELETE, kind.path(namespace: namespace, name: name), body: body)
        } catch let error as KubeError where error.isNotFound {
            return
        }
    }
}
