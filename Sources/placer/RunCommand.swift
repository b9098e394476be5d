import Agent
import ArgumentParser
import Dashboard
import Foundation
import Logging
import OCMClient
import PlacerCLI
import PlacerCore
import Reconciler
import ServiceLifecycle
import Telemetry

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon: reconcile every interval, retrying failures with backoff.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var commit: CommitOptions
    @OptionGroup var hub: HubOptions
    @OptionGroup var telemetry: TelemetryOptions
    @OptionGroup var webhooks: WebhookOptions
    @OptionGroup var console: ConsoleOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "With --prometheus-url: how often to look for metric changes that warrant a reconcile (e.g. 15s).")
    var metricsInterval: IntervalArgument = IntervalArgument(seconds: 15)

    @Option(help: "Poll interval (e.g. 30s, 2m).")
    var interval: IntervalArgument = IntervalArgument(seconds: 30)

    @Option(
        help:
            "How often a reconcile forgets its parsed apps and rendered ManifestWorks and re-reads the whole repo (e.g. 1h); between full passes only what changed is parsed and rendered, with the same result."
    )
    var fullPassInterval: IntervalArgument = IntervalArgument(seconds: 3600)

    @Flag(inversion: .prefixedEnableDisable, help: "Reconcile only while holding the leader Lease on the hub.")
    var leaderElection = true

    @Option(help: "Namespace of the leader Lease on the hub.")
    var leaseNamespace = "placer"

    @Option(
        help:
            "Name of the leader Lease (default: the instance name, so instances for other repos or branches do not wait for each other)."
    )
    var leaseName: String?

    @Option(help: "Lease duration: how long a standby waits for a silent leader before taking over (e.g. 15s).")
    var leaseDuration: IntervalArgument = IntervalArgument(seconds: 15)

    @Option(
        help:
            "Coordinate federated rounds of this forecaster over the agents while leading (e.g. ridge); settings from the policy's spec.learning."
    )
    var federatedModel: String?

    func run() async throws {
        logging.bootstrap()
        // The Prometheus backend of swift-metrics, once per process; `/metrics` renders its registry.
        let prometheus = PrometheusEndpoint.bootstrapped()
        let logger = Logger(label: "placer.run")
        let client = try hub.client()
        var configuration = try repo.configuration(commit: commit, pushes: true)
        configuration.messageTemplate = try commit.messageTemplate()
        configuration.decisionNamespace = hub.decisionNamespace
        configuration.hubWriteConcurrency = hub.hubWrites
        configuration.fullPassIntervalSeconds = fullPassInterval.seconds
        // One view of the dependencies for the watcher, the loop, the console and /metrics: one line per outage.
        let health = DependencyHealth(metrics: prometheus.metrics, now: configuration.now)
        let watcher = ClusterInventoryWatcher(hub: client, health: health)
        // Informer caches: a steady-state reconcile reads the hub from them and sends only the writes that differ.
        let cache = HubCache(client: client, configuration: configuration, metrics: prometheus.metrics, health: health)
        let collector =
            telemetry.prometheusURL == nil ? nil : try TelemetryCollector(configuration: telemetry.configuration())
        let reconciler = try Reconciler(
            configuration: configuration, hub: cache.hub, inventoryWatcher: watcher, telemetry: collector,
            metrics: prometheus.metrics, health: health)
        let trigger = ReconcileTrigger()
        cache.requestReconcileOnDrift(trigger)
        let readiness = ReadinessState()
        let loop = ReconcileService(
            reconciler: reconciler, intervalSeconds: interval.seconds, inventoryWatcher: watcher, trigger: trigger
        ) { report in
            readiness.markReconciled()
            if report.commit != nil || report.proposal != nil || !report.applied.isEmpty || !report.deleted.isEmpty {
                ReportPrinter.print(report)
            }
        }
        var services: [any Service] = [watcher, cache]
        // A reconcile running past 10 intervals (at least 15 minutes) is wedged: /livez fails so it is restarted.
        let wedged = HealthCheck.reconcileLoop(
            status: reconciler.status, wedgedAfterSeconds: max(900, 10 * interval.seconds), now: configuration.now)
        let consoleAddress = try console.address()
        let pages = try consoleAddress.map {
            PlacerConsole(reconciler: reconciler, trigger: trigger, configuration: try console.configuration(for: $0))
        }
        let dashboard = try webhooks.dashboardConfiguration(filter: WebhookFilter(configuration: configuration))
        if let dashboard {
            // One server for both when they share an address.
            let shared = consoleAddress.map { $0.host == dashboard.host && $0.port == dashboard.port } ?? false
            services.append(
                DashboardServer(
                    configuration: dashboard, trigger: trigger, isReady: { readiness.isReady },
                    livenessChecks: [wedged], prometheus: prometheus, console: shared ? pages : nil))
            if shared { ConsoleURL.print(consoleAddress) }
        }
        if let consoleAddress, let pages,
            dashboard.map({ consoleAddress.host != $0.host || consoleAddress.port != $0.port }) ?? true
        {
            var only = DashboardConfiguration(
                host: consoleAddress.host, port: consoleAddress.port, secret: try WebhookSecret(UUID().uuidString),
                filter: WebhookFilter(configuration: configuration))
            only.servesWebhooks = false
            services.append(
                DashboardServer(
                    configuration: only, trigger: trigger, isReady: { readiness.isReady }, livenessChecks: [wedged],
                    prometheus: prometheus, console: pages))
            ConsoleURL.print(consoleAddress)
        }
        if collector != nil {
            services.append(
                MetricsWatcher(reconciler: reconciler, trigger: trigger, intervalSeconds: metricsInterval.seconds))
        }
        // The leader's work: the reconcile loop, and the federated rounds when asked for.
        var leaderWork: any Service = loop
        if let federatedModel {
            let coordinator = try RoundCoordinator(
                configuration: CoordinatorConfiguration(
                    instance: configuration.instance, statusNamespace: leaseNamespace, model: federatedModel),
                hub: client, settings: { await reconciler.currentPolicy()?.learning },
                logger: Logger(label: "placer.federation"))
            leaderWork = ConcurrentServices(services: [loop, coordinator])
        }
        if leaderElection {
            let seconds = max(3, Int(leaseDuration.seconds.rounded()))
            let identity =
                "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
            let elector = try LeaderElector(
                client: client, namespace: leaseNamespace, name: leaseName ?? configuration.instance.lowercased(),
                identity: identity,
                leaseDurationSeconds: seconds, renewDeadlineSeconds: Double(seconds) * 2 / 3,
                retryPeriodSeconds: Double(seconds) / 7.5)
            services.append(LeaderElectedService(elector: elector, service: leaderWork))
        } else {
            services.append(leaderWork)
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await collector?.shutdown()
        try? await client.shutdown()
    }
}

/// Runs several services as one (the leader's reconcile loop and federated rounds): all start together, and the
/// first to end or throw cancels the others.
struct ConcurrentServices: Service {
    let services: [any Service]

    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in services { group.addTask { try await service.run() } }
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Where the console is served, printed at start.
enum ConsoleURL {
    /// Prints `Console: http://HOST:PORT/`.
    static func print(_ address: ListenAddress?) {
        guard let address else { return }
        let host = address.host == "0.0.0.0" ? "127.0.0.1" : address.host
        let shown = host.contains(":") ? "[\(host)]" : host
        Console.print("Console: http://\(shown):\(address.port)/")
    }
}
