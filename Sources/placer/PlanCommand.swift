import ArgumentParser
import GitStore
import PlacerCLI
import Reconciler

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Decide, then print the diff of placements/ and rendered/ without committing or applying.")

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
        configuration.logsInputErrors = false  // printed once below
        if let state = GitRepository.workTreeState(at: repo.repo), !state.uncommittedPaths.isEmpty {
            // Placer reads commits, never a work tree: say so before a diff that ignores the edits.
            let count = state.uncommittedPaths.count
            let shown = state.uncommittedPaths.prefix(3).joined(separator: ", ") + (count > 3 ? ", …" : "")
            Console.print(
                "note: \(repo.repo) has \(count) uncommitted change\(count == 1 ? "" : "s") (\(shown)); planning the committed tip of \(repo.branch)"
            )
        }
        let reconciler = try Reconciler(configuration: configuration, hub: client)
        do {
            let (diff, summary, report) = try await reconciler.plan()
            if diff.isEmpty {
                Console.print("no changes")
            } else {
                // The would-be commit message first (what moves where and why), then the diff.
                Console.print(
                    summary.split(separator: "\n", omittingEmptySubsequences: false).map { "# \($0)" }.joined(
                        separator: "\n"))
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
