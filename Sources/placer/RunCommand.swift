import ArgumentParser
import Foundation
import Logging
import Reconciler
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon: reconcile every interval, retrying failures with backoff.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var commit: CommitOptions
    @OptionGroup var hub: HubOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Poll interval (e.g. 30s, 2m).")
    var interval: IntervalArgument = IntervalArgument(seconds: 30)

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "placer.run")
        let client = try hub.client()
        var configuration = repo.configuration(commit: commit)
        configuration.decisionNamespace = hub.decisionNamespace
        let watcher = ClusterInventoryWatcher(hub: client)
        let reconciler = try Reconciler(configuration: configuration, hub: client, inventoryWatcher: watcher)
        let loop = ReconcileService(reconciler: reconciler, intervalSeconds: interval.seconds, inventoryWatcher: watcher) { report in
            if report.commit != nil || !report.applied.isEmpty || !report.deleted.isEmpty { ReportPrinter.print(report) }
        }
        let group = ServiceGroup(
            configuration: .init(services: [watcher, loop], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try? await client.shutdown()
    }
}

/// Log level for every command.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func bootstrap() {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
