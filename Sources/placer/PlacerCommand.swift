import ArgumentParser

/// `placer`: the production binary (DESIGN.md §3). The demo, the benchmarks and the emulated hub are in
/// `placer-lab`; this binary links no EdgeSim code.
@main
struct PlacerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placer",
        abstract: "GitOps placement of apps on edge clusters through Open Cluster Management.",
        version: "0.1.0",
        subcommands: [
            RunCommand.self, ReconcileCommand.self, PlanCommand.self, ExplainCommand.self, RollbackCommand.self,
            ValidateCommand.self, GetCommand.self, StatusCommand.self, AgentCommand.self, PrivacyCommand.self,
        ])
}
