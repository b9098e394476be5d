import Foundation
import Hummingbird
import Logging
import Reconciler
import ServiceLifecycle

/// Placer's HTTP server as a swift-service-lifecycle `Service`: push webhooks and health endpoints over
/// Hummingbird 2.
///
/// Routes:
/// - `POST /hooks/github`, `POST /hooks/gitlab`, `POST /hooks/gitea`: push webhooks (see `WebhookHandler` and
///   docs/webhooks.md): 202 when a reconcile was requested through the ``ReconcileTrigger``, 200 with a JSON
///   reason when ignored, 401 for a bad signature or token, 400 for a malformed payload, 413 above the size limit.
/// - `GET /healthz`: 200 while the process serves.
/// - `GET /readyz`: 200 once `isReady` says a reconcile has succeeded, else 503.
///
/// Every answer is JSON `{"status": …, "reason": …}`. Runs until graceful shutdown of its `ServiceGroup`
/// (SIGTERM/SIGINT), letting requests in flight finish.
public struct DashboardServer: Service {
    public let configuration: DashboardConfiguration
    let trigger: ReconcileTrigger
    let isReady: @Sendable () async -> Bool
    let logger: Logger
    let onServerRunning: @Sendable (_ port: Int) async -> Void

    /// - Parameters:
    ///   - configuration: address, secret, filter, size limit.
    ///   - trigger: receives a request for every push that should reconcile.
    ///   - isReady: answers `/readyz` (for example `ReadinessState.isReady`).
    ///   - logger: for the server and webhook decisions (never given a secret).
    ///   - onServerRunning: called with the bound TCP port once the server listens (useful with port 0).
    public init(
        configuration: DashboardConfiguration, trigger: ReconcileTrigger,
        isReady: @escaping @Sendable () async -> Bool, logger: Logger = Logger(label: "placer.dashboard"),
        onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
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
        for provider in WebhookProvider.allCases {
            let handler = WebhookHandler(
                provider: provider, configuration: configuration, trigger: trigger, logger: logger)
            router.post("hooks/\(provider.name)") { request, _ in await handler.handle(request) }
        }
        router.get("healthz") { _, _ in DashboardReply(status: "ok").response(.ok) }
        let isReady = self.isReady
        router.get("readyz") { _, _ in
            await isReady()
                ? DashboardReply(status: "ready").response(.ok)
                : DashboardReply(status: "not ready", reason: "no reconcile has succeeded yet")
                    .response(.serviceUnavailable)
        }
        let onServerRunning = self.onServerRunning
        return Application(
            router: router,
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
