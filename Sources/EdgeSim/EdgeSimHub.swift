import AppModel
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// An OCM hub emulator for tests and demos: a Kubernetes REST API subset over real HTTP on 127.0.0.1.
///
/// It serves discovery for stock `kubectl`, ManagedClusters, ManifestWorks, Placements, PlacementDecisions and
/// AddOnPlacementScores with Kubernetes semantics (resourceVersion, generation, 409 conflicts, server-side apply,
/// status subresource, Status error bodies), checks a bearer token on every request, and runs a simulated work
/// agent that reports every ManifestWork applied after ``HubConfiguration/agentDelay``.
///
/// With a ``HubTLS`` it serves HTTPS only (TLS 1.2+) and also accepts client certificates its CA signed
/// (user = CN, groups = O); ``writeKubeconfig(to:)`` then writes the CA, and
/// ``writeClientCertificateKubeconfig(to:commonName:organisations:)`` a kubeconfig that authenticates by certificate.
///
/// Start it once with ``start()`` and end it with ``stop()``; the server and the agent are services of one
/// `ServiceGroup`, run by one task the hub owns.
public final class EdgeSimHub: Sendable {
    /// The configuration the hub was created with (its port is the requested one; see ``baseURL``).
    public let configuration: HubConfiguration
    /// The CA and server certificate when the hub serves HTTPS; nil for plain http.
    public let tls: HubTLS?
    let store: HubStore
    /// Every API request by verb and resource since the hub was created.
    public let requests = RequestCounter()
    private let logger: Logger
    private struct State {
        var port: Int?
        var task: Task<Void, Never>?
        var services: ServiceGroup?
    }
    private let state = NIOLockedValueBox(State())

    /// Creates a hub; nothing listens until ``start()``.
    /// - Parameters:
    ///   - configuration: address, token, agent delay, anonymous reads.
    ///   - tls: serve HTTPS with this CA and server certificate (create one with `try HubTLS()`); nil for http.
    public init(configuration: HubConfiguration = .init(), tls: HubTLS? = nil) {
        self.configuration = configuration
        store = HubStore(configuration: configuration)
        self.tls = tls
        var logger = Logger(label: "edgesim.hub")
        logger.logLevel = .warning
        self.logger = logger
    }

    /// `http://host:port` (`https://` with TLS), with the port chosen at start when the configuration asked for 0.
    public var baseURL: String {
        let port = state.withLockedValue { $0.port } ?? configuration.port
        return "\(tls == nil ? "http" : "https")://\(configuration.host):\(port)"
    }

    /// Starts serving and returns once the hub listens. After ``stop()`` it may start again: on the same port, with
    /// the same objects and resourceVersions (an outage and recovery of one hub).
    /// - Throws: the server's error when it cannot bind, ``EdgeSimError/alreadyStarted`` on a second call.
    public func start() async throws {
        let (ready, readySink) = AsyncStream<Result<Int, any Error>>.makeStream()
        let configuration = self.configuration
        let responder = HubResponder(
            store: store,
            authenticator: HubAuthenticator(token: configuration.token, anonymousReads: configuration.anonymousReads),
            serverAddress: { [state] in
                "\(configuration.host):\(state.withLockedValue { $0.port } ?? configuration.port)"
            },
            counter: requests, logger: logger)
        let server: HTTPServerBuilder =
            if let tls { try .tls(.http1(), tlsConfiguration: tls.serverConfiguration()) } else { .http1() }
        let app = Application(
            responder: responder, server: server,
            // A restart after stop() binds the port of the first start, so clients see the same hub come back.
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: state.withLockedValue { $0.port } ?? configuration.port)),
            onServerRunning: { channel in readySink.yield(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
        let agent = WorkAgent(delay: configuration.agentDelay)
        let store = self.store
        let agentService = ClosureService {
            await cancelWhenGracefulShutdown { await agent.run(store: store) }
        }
        let services = ServiceGroup(services: [app, agentService], logger: logger)
        let port = try await ServerLaunch.run(
            services, ready: ready, sink: readySink,
            claim: { task, services in
                state.withLockedValue { state -> Bool in
                    guard state.task == nil else { return false }
                    state.task = task
                    state.services = services
                    return true
                }
            }, stop: { await stop() })
        state.withLockedValue { $0.port = port }
    }

    /// Stops the server (gracefully: requests in flight finish) and the work agent, and waits for both to end.
    public func stop() async {
        let (task, services) = state.withLockedValue { state -> (Task<Void, Never>?, ServiceGroup?) in
            defer { (state.task, state.services) = (nil, nil) }
            return (state.task, state.services)
        }
        await services?.triggerGracefulShutdown()
        await task?.value
    }

    /// Stores an object as given, status included, assigning resourceVersion, uid and creationTimestamp (and
    /// generation 1 when absent). Not counted as a client mutation. A ManifestWork seeded without status is
    /// picked up by the work agent.
    /// - Parameter object: a ManagedCluster, ManifestWork, Placement, PlacementDecision, AddOnPlacementScore or
    ///   Namespace with `apiVersion`, `kind`, `metadata.name` (and `metadata.namespace` when namespaced).
    /// - Throws: ``EdgeSimError/invalidSeed(_:)`` for an object the hub does not serve.
    public func seed(_ object: Value) async throws {
        do {
            _ = try await store.seed(object)
        } catch let error as APIError {
            throw EdgeSimError.invalidSeed(error.message)
        }
    }

    /// The stored objects of a resource (by plural, e.g. `manifestworks`), sorted by namespace and name.
    /// - Parameter namespace: one namespace, or nil for all.
    public func objects(_ plural: String, namespace: String? = nil) async -> [Value] {
        if plural == ResourceCatalog.namespaces.plural { return await store.namespaceObjects() }
        return await store.stored(plural, namespace: namespace)
    }

    /// How many client requests changed stored state (creates, updates, applies, patches, deletes, status
    /// writes). Seeds and work-agent status writes are not counted.
    public func mutationCount() async -> Int {
        await store.mutationCount
    }
}
