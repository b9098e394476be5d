import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A Kubernetes REST client for the OCM hub: get, list (paged), watch, server-side apply, create, update,
/// `/status` writes and delete of raw JSON objects.
///
/// Every request is retried on transient failures as ``retryPolicy`` says. Authenticates with the kubeconfig's
/// credentials (token, token file, basic auth, exec plugin, client certificate) and verifies the server with its
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
    /// When failed requests are sent again.
    public let retryPolicy: RetryPolicy

    /// Largest response body accepted, in bytes.
    static let maximumResponseBytes = 256 * 1024 * 1024

    let httpClient: HTTPClient
    /// The kubeconfig's credentials, put on each request attempt (``authorize(_:)``); never logged.
    let credentials: KubeCredentials
    /// Whether credentials come from an exec plugin, whose cached credential is refreshed once after a 401.
    let usesExecPlugin: Bool
    private let isShutDown = NIOLockedValueBox(false)
    let logger: Logger

    /// Creates a client for the hub the kubeconfig describes.
    /// - Parameters:
    ///   - kubeconfig: server, credentials and CA.
    ///   - fieldManager: the field manager for server-side apply.
    ///   - requestTimeout: deadline of each request (default 30 s).
    ///   - connectTimeout: how long one connection attempt may take (default 3 s). A refused connection fails
    ///     at once and is retried by `retryPolicy`.
    ///   - retryPolicy: retries of transient failures (default ``RetryPolicy/default``: within 5 s).
    ///   - maxConnections: the most HTTP/1.1 connections kept to the hub (default 32). Every open watch holds one
    ///     (an informer per collection), and the reconciler's apply keeps up to its `hubWriteConcurrency` (16)
    ///     writes in flight, each on its own connection; requests beyond this wait for a free connection.
    ///   - logger: request logs at debug level (method, path, status; never credentials).
    /// - Throws: ``KubeconfigError`` for a server URL that is not http(s) or unusable PEM data.
    public init(
        kubeconfig: Kubeconfig, fieldManager: String = "placer", requestTimeout: TimeAmount = .seconds(30),
        connectTimeout: TimeAmount = .seconds(3), retryPolicy: RetryPolicy = .default, maxConnections: Int = 32,
        logger: Logger = Logger(label: "placer.ocmclient")
    ) throws {
        var server = kubeconfig.server
        while server.hasSuffix("/") { server.removeLast() }
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else { throw KubeconfigError.invalidServer(kubeconfig.server) }
        self.server = server
        self.fieldManager = fieldManager
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
        self.logger = logger
        credentials = try KubeCredentials(kubeconfig: kubeconfig)
        usesExecPlugin = kubeconfig.exec != nil
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try TLSSettings.configuration(for: kubeconfig),
            redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout))
        configuration.httpVersion = .http1Only
        configuration.dnsOverride = TLSSettings.dnsOverride(for: kubeconfig)
        // Connection failures surface at once; `RetryPolicy` alone decides about retries and bounds their time.
        configuration.connectionPool.retryConnectionEstablishment = false
        // AsyncHTTPClient's default of 8 would leave three for writes beside the informers' five watches.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(maxConnections, 1)
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

    /// Server-side apply: `PATCH` with `application/apply-patch+yaml`, `?fieldManager=<fieldManager>`.
    /// - Parameters:
    ///   - body: the full intent (JSON or YAML) with apiVersion, kind, metadata.name (and namespace); no
    ///     managedFields.
    ///   - force: take ownership of fields other managers own (`force=true`), as controllers should.
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` (409 for a conflict when not forcing).
    public func apply(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool = true
    ) async throws -> Data {
        try await serverSideApply(kind, namespace: namespace, name: name, subresource: nil, body: body, force: force)
    }

    /// `PATCH` with `application/apply-patch+yaml` to an object or its subresource.
    func serverSideApply(
        _ kind: ResourceKind, namespace: String?, name: String, subresource: String?, body: Data, force: Bool
    ) async throws -> Data {
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        return try await send(
            .PATCH, kind.path(namespace: namespace, name: name, subresource: subresource), query: query, body: body,
            contentType: "application/apply-patch+yaml"
        ).body
    }
}
