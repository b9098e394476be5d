import ArgumentParser

/// `placer bench decide` (being built; see docs/benchmarks.md).
struct DecideBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decide", abstract: "Not built yet.")

    func run() throws {
        throw ValidationError("placer bench decide is not built yet")
    }
}
