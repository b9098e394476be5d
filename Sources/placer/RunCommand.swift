import ArgumentParser
import Foundation
import Logging
import Reconciler

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the daemon: reconcile every interval, retrying failures with backoff.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var hub: HubOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "Poll interval (e.g. 30s, 2m).")
    var interval: IntervalArgument = IntervalArgument(seconds: 30)

    func run() async throws {
        logging.bootstrap()
        let logger = Logger(label: "placer.run")
        let reconciler = try Reconciler(configuration: repo.configuration(), hub: try hub.client())
        try await PollLoop(reconciler: reconciler, intervalSeconds: interval.seconds, logger: logger).run { report in
            if report.commit != nil || !report.applied.isEmpty || !report.deleted.isEmpty { ReportPrinter.print(report) }
        }
    }
}

/// Reconciles every interval (with ±10% jitter); on failure waits with exponential backoff (capped at 5 min).
struct PollLoop {
    var reconciler: Reconciler
    var intervalSeconds: Double
    var logger: Logger

    func run(onReport: (ReconcileReport) -> Void) async throws {
        var failures = 0
        while !Task.isCancelled {
            var wait = intervalSeconds * Double.random(in: 0.9...1.1)
            do {
                let report = try await reconciler.reconcileOnce()
                failures = 0
                onReport(report)
            } catch {
                failures += 1
                wait = min(300, intervalSeconds * pow(2, Double(min(failures, 8)) - 1))
                logger.error("reconcile failed: \(error)", metadata: ["retryInSeconds": "\(Int(wait))"])
            }
            try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
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
