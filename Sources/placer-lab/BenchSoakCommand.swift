import ArgumentParser
import Foundation
import PlacerCLI

/// `placer-lab bench soak`: the demo fleet with the agv-factory day replayed at high speed for a simulated week
/// (cluster load changing every simulated step, hall-2-edge failing and returning every day, a human push every
/// few minutes), one reconcile per step. Reports this process's RSS, open file descriptors and threads over the
/// run, the RSS growth over the last half, and whether a second world fed the same inputs made the same commits.
struct SoakBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Replay the agv-factory day for a simulated week; report RSS, fds and threads, and determinism.")

    @Option(help: "Simulated days to replay.")
    var days: Double = 7

    @Option(help: "Simulated minutes per reconcile.")
    var stepMinutes = 5

    @Option(help: "Simulated minutes between human pushes.")
    var pushEveryMinutes = 20

    @Option(help: "Samples of RSS, fds and threads over the run.")
    var samples = 40

    @Option(help: "Simulated days a second world replays; its commits must equal the first world's (0: skip).")
    var verifyDays: Double = 1

    @Option(help: "Fail when RSS grew by more than this over the last half, in MB (a least-squares fit).")
    var maxRssGrowthMb: Double?

    @Option(help: "Fail when open file descriptors or threads at the end exceed those at half-time by more than this.")
    var maxHandleGrowth: Int?

    @Option(help: "Seed of the load noise.")
    var seed: UInt64 = 1

    @Option(help: "Placer's source tree, holding example-repo/ and policies/ (default: found from here).")
    var source: String?

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard days > 0, stepMinutes > 0, pushEveryMinutes > 0, samples >= 4 else {
            throw ValidationError("--days, --step-minutes and --push-every-minutes must be positive; --samples ≥ 4")
        }
    }

    struct Result: Codable {
        var simulatedDays: Double
        var reconciles: Int
        var placerCommits: Int
        var wallSeconds: Double
        var samples: [ProcessSample]
        /// Least-squares RSS slope over the last half of the samples, times the last half's span, in MB.
        var rssGrowthLastHalfMegabytes: Double
        var fdGrowthLastHalf: Int
        var threadGrowthLastHalf: Int
        var deterministic: Bool?
        var verifiedCommits: Int
        var failures: [String]
    }

    func run() async throws {
        logging.bootstrap()
        guard let tree = SourceTree.locate(from: source) else {
            throw CommandFailure("cannot find Placer's source tree (example-repo/ and policies/): pass --source DIR")
        }
        let steps = Int((days * 1440 / Double(stepMinutes)).rounded())
        let every = max(1, steps / samples)
        let start = ContinuousClock.now
        var samples: [ProcessSample] = []
        var commits: [String] = []
        var commitSteps: [Int] = []
        let world = try await SoakWorld(tree: tree, seed: seed)
        do {
            for index in 0..<steps {
                let minute = index * stepMinutes
                if let commit = try await world.step(minute: minute, pushEveryMinutes: pushEveryMinutes) {
                    commits.append(commit)
                    commitSteps.append(index)
                }
                if index % every == 0 || index == steps - 1 {
                    samples.append(.take(reconciles: index + 1, minute: minute))
                    if !json { Self.printSample(samples[samples.count - 1], days: Double(minute) / 1440) }
                }
            }
        } catch {
            await world.finish()
            throw CommandFailure("soak failed: \(error)")
        }
        await world.finish()
        let wall = ContinuousClock.now - start

        // Determinism: a fresh world fed the same minutes makes the same commits (ids cover trees, parents,
        // messages and the simulated dates).
        var deterministic: Bool?
        let verifySteps = min(steps, Int((verifyDays * 1440 / Double(stepMinutes)).rounded()))
        var verified = 0
        var firstDifference: String?
        if verifySteps > 0 {
            let second = try await SoakWorld(tree: tree, seed: seed)
            var again: [String] = []
            do {
                for index in 0..<verifySteps {
                    let minute = index * stepMinutes
                    if let commit = try await second.step(minute: minute, pushEveryMinutes: pushEveryMinutes) {
                        again.append(commit)
                    }
                }
            } catch {
                await second.finish()
                throw CommandFailure("soak verification run failed: \(error)")
            }
            await second.finish()
            let first = zip(commits, commitSteps).filter { $0.1 < verifySteps }.map(\.0)
            verified = again.count
            deterministic = first == again
            if let index = zip(first, again).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                firstDifference = "commit \(index + 1): \(first[index]) vs \(again[index])"
            } else if first.count != again.count {
                firstDifference = "\(first.count) commits vs \(again.count)"
            }
        }

        let half = Array(samples.suffix(max(2, samples.count / 2)))
        let growth = Self.growth(half)
        let fdGrowth = (half.last?.openFileDescriptors ?? 0) - (half.first?.openFileDescriptors ?? 0)
        let threadGrowth = (half.last?.threads ?? 0) - (half.first?.threads ?? 0)
        var failures: [String] = []
        if let maxRssGrowthMb, growth > maxRssGrowthMb {
            failures.append(String(format: "RSS grew %.1f MB over the last half (limit %.1f)", growth, maxRssGrowthMb))
        }
        if let maxHandleGrowth, fdGrowth > maxHandleGrowth {
            failures.append("open file descriptors grew by \(fdGrowth) over the last half (limit \(maxHandleGrowth))")
        }
        if let maxHandleGrowth, threadGrowth > maxHandleGrowth {
            failures.append("threads grew by \(threadGrowth) over the last half (limit \(maxHandleGrowth))")
        }
        if deterministic == false {
            failures.append("a second world made different commits (\(firstDifference ?? "different count"))")
        }
        let seconds = BenchRun.seconds(wall)
        let result = Result(
            simulatedDays: days, reconciles: steps, placerCommits: commits.count, wallSeconds: seconds,
            samples: samples, rssGrowthLastHalfMegabytes: growth, fdGrowthLastHalf: fdGrowth,
            threadGrowthLastHalf: threadGrowth, deterministic: deterministic, verifiedCommits: verified,
            failures: failures)
        if json {
            try BenchRun.printJSON(result)
        } else {
            Self.printSummary(result)
        }
        if !failures.isEmpty { throw CommandFailure(failures.joined(separator: "; ")) }
    }

    /// The least-squares slope of RSS against reconciles over `samples`, times their span, in MB.
    static func growth(_ samples: [ProcessSample]) -> Double {
        guard samples.count >= 2 else { return 0 }
        let xs = samples.map { Double($0.reconciles) }
        let ys = samples.map(\.rssMegabytes)
        let meanX = xs.reduce(0, +) / Double(xs.count)
        let meanY = ys.reduce(0, +) / Double(ys.count)
        var covariance = 0.0
        var variance = 0.0
        for (x, y) in zip(xs, ys) {
            covariance += (x - meanX) * (y - meanY)
            variance += (x - meanX) * (x - meanX)
        }
        guard variance > 0, let first = xs.first, let last = xs.last else { return 0 }
        return covariance / variance * (last - first)
    }

    static func printSample(_ sample: ProcessSample, days: Double) {
        Console.print(
            String(
                format: "day %5.2f  reconcile %6d  RSS %7.1f MB  fds %4d  threads %3d", days, sample.reconciles,
                sample.rssMegabytes, sample.openFileDescriptors, sample.threads))
    }

    static func printSummary(_ result: Result) {
        Console.print(
            String(
                format:
                    "\n%.1f simulated days, %d reconciles, %d placement commits in %.0f s",
                result.simulatedDays, result.reconciles, result.placerCommits, result.wallSeconds))
        Console.print(
            String(
                format: "RSS growth over the last half: %+.2f MB; fds %+d; threads %+d",
                result.rssGrowthLastHalfMegabytes, result.fdGrowthLastHalf, result.threadGrowthLastHalf))
        if let deterministic = result.deterministic {
            Console.print(
                "determinism: \(result.verifiedCommits) commits of a second world \(deterministic ? "equal" : "DIFFER from") the first's"
            )
        }
        for failure in result.failures { Console.print("FAILED: \(failure)") }
    }
}
