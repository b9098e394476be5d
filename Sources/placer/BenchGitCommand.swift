import ArgumentParser

/// `placer bench git` (being built; see docs/benchmarks.md).
struct GitBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "git", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("placer bench git is not built yet")
    }
}
