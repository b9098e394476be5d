import ArgumentParser
import Foundation
import PlacerCLI
import Reconciler

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile", abstract: "Make one reconcile pass: fetch, decide, commit, apply.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var commit: CommitOptions
    @OptionGroup var hub: HubOptions
    @OptionGroup var logging: LoggingOptions

    @Flag(help: "Run one pass and exit (the only mode of this command; kept for symmetry with `run`).")
    var once = false

    func run() async throws {
        logging.bootstrap()
        let client = try hub.client()
        var configuration = try repo.configuration(commit: commit, pushes: true)
        configuration.messageTemplate = try commit.messageTemplate()
        configuration.decisionNamespace = hub.decisionNamespace
        configuration.hubWriteConcurrency = hub.hubWrites
        configuration.logsInputErrors = false  // the report below prints each once
        let reconciler = try Reconciler(configuration: configuration, hub: client)
        do {
            let report = try await reconciler.reconcileOnce()
            ReportPrinter.print(report)
            try? await client.shutdown()
            if !report.errors.isEmpty { throw ExitCode(2) }
        } catch let error as ReconcileError {
            try? await client.shutdown()
            throw CommandFailure(error.description)
        }
    }
}
