import Agent
import ArgumentParser
import Foundation
import Logging
import OCMClient
import PDLC
import PlacerCLI
import ServiceLifecycle
import Telemetry

/// `placer agent`: the per-cluster add-on (docs/pdlc.md, "Agents"). Reads its own cluster's Prometheus, keeps the
/// series locally, trains the local model, publishes AddOnPlacementScore `placer-forecast` in its cluster namespace
/// on the hub and takes part in the leader's federated rounds.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the per-cluster agent: local metrics, local model, forecast scores on the hub, federated rounds."
    )

    @Option(help: "The managed cluster this agent runs for (its name on the hub).")
    var cluster: String

    @Option(help: "kubeconfig of the OCM hub (the add-on's hub credentials; default: as kubectl finds it).")
    var hubKubeconfig: String?

    @Option(help: "kubeconfig context to use (default: current-context).")
    var context: String?

    @Option(help: "The cluster's own Prometheus HTTP API base URL (http(s)://host:port).")
    var prometheusURL: String

    @Option(help: "File holding a bearer token for Prometheus, re-read on every request.")
    var prometheusTokenFile: String?

    @Option(help: "PEM CA file to trust for an https Prometheus (replaces the system roots).")
    var prometheusCAFile: String?

    @Option(
        help:
            "PromQL label matchers selecting this cluster's series in a shared Prometheus, e.g. 'cluster=\"hall-1\"' (default: none, the Prometheus holds this cluster only)."
    )
    var selector: String = ""

    @Option(help: "Cluster namespace on the hub (default: the cluster's name).")
    var namespace: String?

    @Option(help: "Time between readings and score refreshes (e.g. 30s).")
    var interval: IntervalArgument = IntervalArgument(seconds: 30)

    @Option(help: "Forecast horizon (e.g. 15m).")
    var horizon: IntervalArgument = IntervalArgument(seconds: 900)

    @Option(
        help: "Forecaster, by name (\(ForecasterRegistry.standard.forecasters.keys.sorted().joined(separator: ", "))).")
    var forecaster = "holt"

    @Flag(inversion: .prefixedEnableDisable, help: "Take part in the leader's federated rounds.")
    var federated = true

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !cluster.isEmpty else { throw ValidationError("--cluster is empty") }
        guard ForecasterRegistry.standard.forecasters[forecaster] != nil else {
            throw ValidationError(
                "unknown --forecaster \(forecaster) (known: \(ForecasterRegistry.standard.forecasters.keys.sorted().joined(separator: ", ")))"
            )
        }
    }

    func run() async throws {
        logging.bootstrap()
        let kubeconfig =
            try hubKubeconfig.map { try Kubeconfig.load(path: $0, context: context) }
            ?? Kubeconfig.load(context: context)
        let hub = try KubeClient(kubeconfig: kubeconfig, fieldManager: "placer-agent")
        let prometheus = try PrometheusClient(
            baseURL: prometheusURL, bearerTokenFile: prometheusTokenFile, caFile: prometheusCAFile)
        let agent = ClusterAgent(
            configuration: AgentConfiguration(
                cluster: cluster, namespace: namespace, intervalSeconds: interval.seconds,
                horizonSeconds: horizon.seconds, forecaster: forecaster),
            source: PrometheusMetricsSource(client: prometheus, selector: selector), hub: hub,
            federated: federated)
        let group = ServiceGroup(
            configuration: .init(
                services: [agent], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "placer.agent")))
        try await group.run()
        try? await prometheus.shutdown()
        try? await hub.shutdown()
    }
}
