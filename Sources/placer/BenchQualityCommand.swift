import ArgumentParser

/// `placer bench quality` (being built; see docs/benchmarks.md).
struct QualityBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quality", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("placer bench quality is not built yet")
    }
}
