import ArgumentParser

@main
struct PlacerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placer",
        abstract: "GitOps placement of apps on edge clusters through Open Cluster Management.",
        version: "0.1.0",
        subcommands: [
            DemoCommand.self, RunCommand.self, ReconcileCommand.self, PlanCommand.self, ExplainCommand.self,
            RollbackCommand.self, ValidateCommand.self, BenchCommand.self,
        ])
}
