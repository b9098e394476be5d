import ArgumentParser
import Foundation
import PlacerCLI

/// `placer-lab bench reliability`: the crash suite (``CrashSuite``) for a number of seeded trials, with the
/// figures docs/benchmarks.md quotes. Exits non-zero when any trial fails, printing the seed that replays it.
struct ReliabilityBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reliability",
        abstract:
            "Crash suite: the real daemon crashed at random failpoints under a stream of human pushes; invariants checked after each trial."
    )

    @Option(help: "Trials to run.")
    var trials = 1000

    @Option(help: "Seed of the push stream and the failpoints (default: random, printed).")
    var seed: UInt64?

    @Option(help: "The placer binary (default: the one beside placer-lab).")
    var placer: String?

    @Option(help: "The daemon's poll interval in milliseconds.")
    var intervalMs = 200

    @Option(help: "Working folder (default: a fresh temporary one, removed unless a trial fails).")
    var workdir: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        let seed = self.seed ?? UInt64.random(in: 1...(1 << 53))
        guard let tree = SourceTree.locate() else {
            throw CommandFailure(
                "cannot find Placer's source tree (example-repo, policies); run from it or set PLACER_HOME")
        }
        let binary = placer ?? Self.siblingPlacer()
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CommandFailure("no placer binary at \(binary); build it or pass --placer")
        }
        let folder =
            workdir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("placer-reliability-\(seed)")
        try? FileManager.default.removeItem(at: folder)
        let world = try await ReliabilityWorld(
            folder: folder, exampleRepo: tree.exampleRepo, presets: tree.presetsDirectory, placerBinary: binary,
            intervalMilliseconds: intervalMs)
        let suite = try CrashSuite(world: world, seed: seed)
        let quiet = json
        if !quiet { Console.print("crash suite: seed \(seed), \(trials) trials, world in \(folder.path)") }
        let result: CrashSuite.Result
        do {
            result = try await suite.run(trials: trials) { trial, failure in
                if let failure {
                    FileHandle.standardError.write(
                        Data("trial \(trial) FAILED (seed \(seed)): \(failure.reason)\n".utf8))
                } else if !quiet, trial % 50 == 0 {
                    Console.print("  \(trial) trials")
                }
            }
        } catch {
            await world.stop()
            throw CommandFailure("crash suite stopped (seed \(seed), world kept in \(folder.path)): \(error)")
        }
        await world.stop()
        if json {
            try BenchRun.printJSON(result, pretty: false)
        } else {
            Self.printSummary(result)
        }
        guard result.failures.isEmpty else {
            throw CommandFailure(
                "\(result.failures.count) of \(result.trials) trials failed; replay with --seed \(seed) (world kept in \(folder.path))"
            )
        }
        try? FileManager.default.removeItem(at: folder)
    }

    static func printSummary(_ result: CrashSuite.Result) {
        let sorted = result.convergenceSeconds.sorted()
        func quantile(_ q: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
        }
        let crashes = result.crashes.values.reduce(0, +)
        Console.print(
            "trials \(result.trials), failures \(result.failures.count), seed \(result.seed), \(String(format: "%.0f", result.seconds)) s"
        )
        Console.print(
            "human commits \(result.humanCommits), Placer commits \(result.placerCommits), daemon lifetimes \(result.lifetimes)"
        )
        Console.print(
            "crashes \(crashes): "
                + result.crashes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        Console.print("injected errors \(result.injectedErrors), delays \(result.injectedDelays)")
        Console.print(
            String(
                format: "push to convergence: median %.2f s, p95 %.2f s, max %.2f s", quantile(0.5), quantile(0.95),
                sorted.last ?? 0))
    }

    /// `placer` in the folder of this executable (a SwiftPM build puts both products there).
    static func siblingPlacer() -> String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("placer").path
    }
}
