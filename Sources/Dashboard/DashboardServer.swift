import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PlacerCore
import Reconciler
import ServiceLifecycle

/// Placer's HTTP server as a swift-service-lifecycle `Service`: push webhooks, `/metrics` and health endpoints
/// over Hummingbird 2.
///
/// Routes:
/// - `POST /hooks/github`, `POST /hooks/gitlab`, `POST /hooks/gitea`: push webhooks (see `WebhookHandler` and
///   docs/webhooks.md): 202 when a reconcile was requested through the ``ReconcileTrigger``, 200 with a JSON
///   reason when ignored, 401 for a bad signature or token, 400 for a malformed payload, 413 above the size limit.
/// - `GET /livez`, `/readyz`, `/healthz` (and `/<endpoint>/<check>`, `?verbose`, `?exclude=`), as Kubernetes
///   components serve them (``HealthEndpoint``): livez runs `ping` and the liveness checks (for `placer run`, the
///   `reconcile-loop` wedge check); readyz adds `reconcile`, true once `isReady` says a reconcile has succeeded;
///   healthz is livez's set (Kubernetes keeps it for old probes). 200 `ok`, or 500 listing the checks.
/// - `GET /metrics`: the Prometheus text exposition of ``PrometheusEndpoint`` (when one is given).
/// - With a ``PlacerConsole``: its pages, JSON API and actions (`/`, `/apps/…`, `/clusters/…`, `/history`, `/what-if`,
///   `/commits/…`, `/login`; docs/console.md).
///
/// Every answer carries headers that stop framing and sniffing (``SecurityHeaders``). The webhook answers are JSON
/// `{"status": …, "reason": …}`. Runs until graceful shutdown of its `ServiceGroup`
/// (SIGTERM/SIGINT), letting requests in flight finish.
public struct DashboardServer: Service {
    public let configuration: DashboardConfiguration
    let trigger: ReconcileTrigger
    let isReady: @Sendable () async -> Bool
    let logger: Logger
    let onServerRunning: @Sendable (_ port: Int) async -> Void
    /// Checks of `/livez` and `/healthz` after `ping` (and of `/readyz`, before `reconcile`).
    let livenessChecks: [HealthCheck]
    /// Serves `/metrics` and counts webhook answers; nil serves no `/metrics` and counts into the process's
    /// swift-metrics backend.
    let prometheus: PrometheusEndpoint?
    let console: PlacerConsole?

    /// - Parameters:
    ///   - configuration: address, secret, filter, size limit.
    ///   - trigger: receives a request for every push that should reconcile.
    ///   - isReady: answers `/readyz` (for example `ReadinessState.isReady`).
    ///   - logger: for the server and webhook decisions (never given a secret).
    ///   - livenessChecks: what `/livez` checks after `ping` (e.g. ``HealthCheck/reconcileLoop(status:wedgedAfterSeconds:now:)``).
    ///   - prometheus: the registry `/metrics` renders, and where webhook answers are counted.
    ///   - onServerRunning: called with the bound TCP port once the server listens (useful with port 0).
    ///   - console: the console's pages and actions, served by the same server; nil serves none.
    public init(
        configuration: DashboardConfiguration, trigger: ReconcileTrigger,
        isReady: @escaping @Sendable () async -> Bool, livenessChecks: [HealthCheck] = [],
        prometheus: PrometheusEndpoint? = nil, logger: Logger = Logger(label: "placer.dashboard"),
        console: PlacerConsole? = nil, onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.livenessChecks = livenessChecks
        self.prometheus = prometheus
        self.console = console
        self.configuration = configuration
        self.trigger = trigger
        self.isReady = isReady
        self.logger = logger
        self.onServerRunning = onServerRunning
    }

    public func run() async throws {
        try await buildApplication().run()
    }

    /// The Hummingbird application: the routes above on the configured address.
    public func buildApplication() -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: SecurityHeaders())
        for provider in WebhookProvider.allCases where configuration.servesWebhooks {
            let handler = WebhookHandler(
                provider: provider, configuration: configuration, trigger: trigger, logger: logger,
                metrics: prometheus?.metrics ?? PlacerMetrics())
            router.post("hooks/\(provider.name)") { request, _ in await handler.handle(request) }
        }
        let live = [HealthCheck.ping] + livenessChecks
        HealthEndpoint(name: "livez", checks: live, logger: logger).register(on: router)
        HealthEndpoint(name: "healthz", checks: live, logger: logger).register(on: router)
        HealthEndpoint(name: "readyz", checks: live + [.reconciled(isReady)], logger: logger).register(on: router)
        if let prometheus {
            router.get("metrics") { _, _ in prometheus.response() }
        }
        console?.addRoutes(to: router)
        let onServerRunning = self.onServerRunning
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Headers on every answer that stop other sites framing the console and browsers sniffing types: the console's
/// pages load only their own stylesheet, run no script and post forms only to themselves.
public struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(&response.headers)
        return response
    }

    /// Sets the headers (also used for errors thrown by routes, which Hummingbird answers itself).
    static func apply(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.contentSecurityPolicy] =
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    }
}
