import ArgumentParser
import Reconciler

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Decide, then print the diff of placements/ and rendered/ without committing or applying.")

    @OptionGroup var repo: RepoOptions
    @OptionGroup var logging: LoggingOptions

    @Option(help: "kubeconfig of the OCM hub, to read live cluster availability (optional).")
    var hubKubeconfig: String?

    func run() async throws {
        logging.bootstrap()
        let client = try hubKubeconfig.map { try HubOptions.parse(["--hub-kubeconfig", $0]).client() }
        let reconciler = try Reconciler(configuration: repo.configuration(), hub: client)
        do {
            let (diff, report) = try await reconciler.plan()
            print(diff.isEmpty ? "no changes" : diff, terminator: diff.isEmpty ? "\n" : "")
            for error in report.errors { print("error: \(error)") }
            try? await client?.shutdown()
        } catch let error as ReconcileError {
            try? await client?.shutdown()
            throw CommandFailure(error.description)
        }
    }
}
