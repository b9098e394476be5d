import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A Kubernetes REST client for the OCM hub: get, list, server-side apply and delete of raw JSON objects.
///
/// Authenticates with the kubeconfig's bearer token and/or client certificate and verifies the server with its
/// CA (``Kubeconfig``); speaks `http://` and `https://`. Bodies are JSON `Data` in and out; decode what you read
/// with the typed read models (``ManifestWorkObject``, ``ManagedClusterObject``). Errors are ``KubeError``.
/// Call ``shutdown()`` when done.
public final class KubeClient: Sendable {
    /// The hub's URL, without a trailing slash.
    public let server: String
    /// The server-side-apply field manager (`?fieldManager=`).
    public let fieldManager: String
    /// How long one request may take, connection included.
    public let requestTimeout: TimeAmount

    /// Largest response body accepted, in bytes.
    static let maximumResponseBytes = 256 * 1024 * 1024

    let httpClient: HTTPClient
    /// `Bearer <token>`; kept out of every description and log.
    let authorizationHeader: String?
    private let isShutDown = NIOLockedValueBox(false)
    let logger: Logger

    /// Creates a client for the hub the kubeconfig describes.
    /// - Parameters:
    ///   - kubeconfig: server, credentials and CA.
    ///   - fieldManager: the field manager for server-side apply.
    ///   - requestTimeout: deadline of each request (default 30 s).
    ///   - connectTimeout: how long to keep trying to connect before the request fails as unreachable (the
    ///     HTTP client retries refused connections with backoff until then; default 10 s).
    ///   - logger: request logs at debug level (method, path, status; never credentials).
    /// - Throws: ``KubeconfigError`` for a server URL that is not http(s) or unusable PEM data.
    public init(
        kubeconfig: Kubeconfig, fieldManager: String = "placer", requestTimeout: TimeAmount = .seconds(30),
        connectTimeout: TimeAmount = .seconds(10), logger: Logger = Logger(label: "placer.ocmclient")
    ) throws {
        var server = kubeconfig.server
        while server.hasSuffix("/") { server.removeLast() }
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else { throw KubeconfigError.invalidServer(kubeconfig.server) }
        self.server = server
        self.fieldManager = fieldManager
        self.requestTimeout = requestTimeout
        self.logger = logger
        authorizationHeader = kubeconfig.token.map { "Bearer \($0)" }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try TLSSettings.configuration(for: kubeconfig),
            redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout))
        configuration.httpVersion = .http1Only
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit {
        // A client dropped without `shutdown()` still releases its connections.
        if !isShutDown.withLockedValue({ $0 }) { _ = httpClient.shutdown() }
    }

    /// Closes the client's connections. The client cannot be used afterwards.
    public func shutdown() async throws {
        let alreadyDone = isShutDown.withLockedValue { done -> Bool in
            defer { done = true }
            return done
        }
        if !alreadyDone { try await httpClient.shutdown() }
    }

    /// Reads one object.
    /// - Returns: its JSON, or nil when the server answers 404.
    /// - Throws: ``KubeError`` for any other failure.
    public func get(_ kind: ResourceKind, namespace: String?, name: String) async throws -> Data? {
        do {
            return try await send(.GET, kind.path(namespace: namespace, name: name)).body
        } catch let error as KubeError where error.isNotFound {
            return nil
        }
    }

    /// Lists objects.
    /// - Parameters:
    ///   - namespace: one namespace, or nil for all namespaces (or a cluster-scoped kind).
    ///   - labelSelector: a selector such as `app=web,tier!=db`.
    /// - Returns: each item's JSON, as the server sent it.
    /// - Throws: ``KubeError``.
    public func list(_ kind: ResourceKind, namespace: String?, labelSelector: String? = nil) async throws -> [Data] {
        let path = kind.path(namespace: namespace)
        let query = labelSelector.map { [("labelSelector", $0)] } ?? []
        let response = try await send(.GET, path, query: query)
        guard let items = JSONItems.split(response.body) else {
            throw KubeError(
                kind: .invalidResponse, message: "the list has no items array", request: "GET \(server)\(path)",
                server: server)
        }
        return items
    }

    /// Server-side apply: `PATCH` with `application/apply-patch+yaml`, `?fieldManager=<fieldManager>`.
    /// - Parameters:
    ///   - body: the full intent (JSON or YAML) with apiVersion, kind, metadata.name (and namespace); no
    ///     managedFields.
    ///   - force: take ownership of fields other managers own (`force=true`), as controllers should.
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (409 for a conflict when not forcing).
    public func apply(_ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool = true)
        async throws -> Data
    {
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        return try await send(
            .PATCH, kind.path(namespace: namespace, name: name), query: query, body: body,
            contentType: "application/apply-patch+yaml"
        ).body
    }

    /// Deletes an object; an object that is already gone (404) is not an error.
    /// - Throws: ``KubeError`` for any other failure.
    public func delete(_ kind: ResourceKind, namespace: String?, name: String) async throws {
        do {
            _ = try await send(.DELETE, kind.path(namespace: namespace, name: name))
        } catch let error as KubeError where error.isNotFound {
            return
        }
    }
}
