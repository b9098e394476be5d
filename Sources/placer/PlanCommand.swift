import ArgumentParser
import PlacerCLI
import Reconciler

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Decide, then print the diff of placements/ and rendered/ without committing or applying.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var commit: CommitOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "kubeconfig of the OCM hub, to read live cluster availability (optional).")
    var hubKubeconfig: String?

    func run() async throws {
        logging.bootstrap()
        let client = try hubKubeconfig.map { try HubOptions.parse(["--hub-kubeconfig", $0]).client() }
        var configuration = try repo.configuration(commit: commit)
        configuration.messageTemplate = try commit.messageTemplate()  // the would-be commit message, as configured
        let reconciler = try Reconciler(configuration: configuration, hub: client)
        do {
            let (diff, summary, report) = try await reconciler.plan()
            if diff.isEmpty {
                Console.print("no changes")
            } else {
                // The would-be commit message first (what moves where and why), then the diff.
                Console.print(summary.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" }.joined(separator: "\n"))
                Console.print(diff, terminator: "")
            }
            for error in report.errors { Console.print("error: \(error)") }
            try? await client?.shutdown()
        } catch let error as ReconcileError {
            try? await client?.shutdown()
            throw CommandFailure(error.description)
        }
    }
}
