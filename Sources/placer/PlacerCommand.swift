import ArgumentParser

@main
struct PlacerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placer",
        abstract: "GitOps placement of apps on edge clusters through Open Cluster Management.",
        subcommands: [
            DemoCommand.self, RunCommand.self, ReconcileCommand.self, PlanCommand.self, ValidateCommand.self,
        ])
}
