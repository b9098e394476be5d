import ArgumentParser

/// `placer-lab`: the test harness as a binary (DESIGN.md §3). The production `placer` links none of this.
@main
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placer-lab",
        abstract: "Placer's harness: the demo, the benchmarks and the emulated OCM hub (EdgeSim), all on 127.0.0.1.",
        version: "0.1.0",
        subcommands: [DemoCommand.self, BenchCommand.self, HubCommand.self])
}
