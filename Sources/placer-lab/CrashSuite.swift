import Foundation
import GitStore
import PlacerCore

/// The crash suite (docs/reliability.md): the real `placer run` against a real `git daemon` and the EdgeSim hub,
/// a seeded stream of human pushes that move apps, and the daemon crashed at a random failpoint (or SIGKILLed at a
/// random moment), restarted on the same cache, and checked after every convergence.
///
/// One trial is: one to three human pushes, then waiting (restarting the daemon after each crash) until a pass of
/// the daemon has finished at the branch tip and the hub matches it, then the invariants of ``CrashInvariants``.
/// A daemon lifetime is armed with one `crash` failpoint on a random hit, sometimes beside an `error` or `delay`
/// at another point, and lives until it crashes or three trials passed; so several trials share a process and
/// 200 fit in a few minutes.
final class CrashSuite {
    struct Failure: Codable, Sendable {
        var trial: Int
        var reason: String
    }

    struct Result: Codable, Sendable {
        var seed: UInt64
        var trials: Int
        var humanCommits: Int
        var placerCommits: Int
        /// Crashes by failpoint name, plus `sigkill` for the random SIGKILLs.
        var crashes: [String: Int]
        var injectedErrors: Int
        var injectedDelays: Int
        var lifetimes: Int
        var failures: [Failure]
        var seconds: Double
        /// Seconds from the last push of a trial to its convergence.
        var convergenceSeconds: [Double]
    }

    /// The points a commit-mode daemon reaches, with the hit range a crash is drawn from (per-pass points are hit
    /// every poll, per-change points once per placement commit or move).
    static let crashPoints: [(Failpoint, ClosedRange<Int>)] = [
        (.afterFetch, 1...6), (.afterDecide, 1...6), (.beforePush, 1...2), (.afterPush, 1...2),
        (.moveBeforeDelete, 1...2), (.publishDecisions, 1...40),
    ]

    let world: ReliabilityWorld
    let human: HumanClone
    let seed: UInt64
    var generator: SplitMix64
    let convergenceTimeout: Duration
    var result: Result
    private var armedTrials = 0
    private var armed = false
    private var consecutiveCrashes = 0
    private var suspectLocks: Set<String> = []

    init(world: ReliabilityWorld, seed: UInt64, convergenceTimeout: Duration = .seconds(45)) throws {
        self.world = world
        self.seed = seed
        generator = SplitMix64(seed: seed)
        self.convergenceTimeout = convergenceTimeout
        human = try HumanClone(path: world.folder.appendingPathComponent("human").path, remoteURL: world.repoURL)
        result = Result(
            seed: seed, trials: 0, humanCommits: 0, placerCommits: 0, crashes: [:], injectedErrors: 0,
            injectedDelays: 0, lifetimes: 0, failures: [], seconds: 0, convergenceSeconds: [])
    }

    /// A `PLACER_FAILPOINTS` value: one crash on a random hit of a random point, and in 30% of lifetimes an error
    /// or a delay on a random hit of another.
    func drawArming() -> String {
        let (point, hits) = Self.crashPoints[Int.random(in: 0..<Self.crashPoints.count, using: &generator)]
        var terms = ["\(point.rawValue)=crash@\(Int.random(in: hits, using: &generator))"]
        if Int.random(in: 0..<10, using: &generator) < 3 {
            let (other, otherHits) = Self.crashPoints[Int.random(in: 0..<Self.crashPoints.count, using: &generator)]
            let hit = Int.random(in: otherHits, using: &generator)
            if other != point {
                if Bool.random(using: &generator) {
                    terms.append("\(other.rawValue)=error@\(hit)")
                    result.injectedErrors += 1
                } else {
                    terms.append("\(other.rawValue)=delay(\(Int.random(in: 50...400, using: &generator))ms)@\(hit)")
                    result.injectedDelays += 1
                }
            }
        }
        return terms.joined(separator: ";")
    }

    func start(armed: Bool) throws {
        world.killDaemon()
        try world.startDaemon(failpoints: armed ? drawArming() : nil)
        self.armed = armed
        armedTrials = 0
        result.lifetimes += 1
    }

    /// Runs `trials` trials; `progress` is called after each with its number and whether it failed.
    func run(trials: Int, progress: (Int, Failure?) -> Void) async throws -> Result {
        let started = ContinuousClock.now
        try start(armed: false)
        // The first convergence (the initial placement) is the baseline, not a trial.
        if let failure = try await converge(trial: 0) { result.failures.append(failure) }
        for trial in 1...max(1, trials) {
            if !armed || armedTrials >= 3 { try start(armed: true) }
            armedTrials += 1
            let failure = try await runTrial(trial)
            result.trials = trial
            progress(trial, failure)
            if let failure {
                result.failures.append(failure)
                try start(armed: false)  // a clean daemon to go on from whatever state the failure left
                if let wedged = try await converge(trial: trial) {  // the world stays broken: stop here
                    result.failures.append(wedged)
                    progress(trial, wedged)
                    break
                }
            }
        }
        world.killDaemon()
        result.humanCommits = human.commits.count
        result.placerCommits = (try? CrashInvariants.history(world, humans: human.commits).placerCommits) ?? 0
        result.seconds = (ContinuousClock.now - started) / .seconds(1)
        return result
    }

    private func runTrial(_ trial: Int) async throws -> Failure? {
        let pushes = Int.random(in: 1...3, using: &generator)
        let edits = (0..<pushes).map { HumanEdit.draw(&generator, serial: trial * 10 + $0) }
        // In 15% of trials, also a SIGKILL at a random moment after the pushes (mid-fetch, mid-write, anywhere).
        let sigkillAfter =
            Int.random(in: 0..<100, using: &generator) < 15 ? Int.random(in: 0...600, using: &generator) : nil
        for edit in edits { try human.push(edit) }
        if let sigkillAfter {
            try await Task.sleep(for: .milliseconds(sigkillAfter))
            if world.exitStatus == nil {
                world.killDaemon()
                result.crashes["sigkill", default: 0] += 1
                try start(armed: Bool.random(using: &generator))
            }
        }
        return try await converge(trial: trial, edits: edits)
    }

    /// Waits until a pass finished at the tip and the hub matches it, restarting the daemon after crashes; then
    /// checks the invariants.
    private func converge(trial: Int, edits: [HumanEdit] = []) async throws -> Failure? {
        let pushed = ContinuousClock.now
        let deadline = pushed + convergenceTimeout
        var lastViolations: [String] = []
        while true {
            var (crashedAt, _) = world.readLog()
            if let status = world.exitStatus {
                crashedAt = crashedAt ?? world.readLog().crashedAt ?? world.crashPoint  // read before the exit showed
                let tail = world.logTail()
                guard status == Failpoints.crashStatus else {
                    return Failure(trial: trial, reason: "daemon exited with status \(status):\n\(tail)")
                }
                result.crashes[crashedAt ?? "unknown", default: 0] += 1
                consecutiveCrashes += 1
                // After two crashes in a row, a clean daemon: every trial must converge eventually.
                try start(armed: consecutiveCrashes < 2)
                continue
            }
            let tip = try world.tip()
            if world.finished.contains(tip.hex) {
                lastViolations = try await CrashInvariants.hub(world, tip: tip)
                if lastViolations.isEmpty { break }
            }
            if ContinuousClock.now > deadline {
                let state =
                    world.finished.contains(tip.hex)
                    ? lastViolations.joined(separator: "\n") : "no finished pass at the tip \(tip.hex)"
                return Failure(
                    trial: trial,
                    reason:
                        "did not converge within \(convergenceTimeout) after \(edits): \(state)\nlog tail:\n\(world.logTail())"
                )
            }
            try await Task.sleep(for: .milliseconds(40))
        }
        consecutiveCrashes = 0
        if trial > 0 { result.convergenceSeconds.append((ContinuousClock.now - pushed) / .seconds(1)) }
        var violations = try CrashInvariants.history(world, humans: human.commits).violations
        try await CrashInvariants.awaitRemoteAutoGC(world)
        violations += try CrashInvariants.fsck(world)
        // A lock seen at two checks in a row, with a converged pass between, was left behind.
        let locks = CrashInvariants.locks(world)
        violations += locks.intersection(suspectLocks).sorted().map { "lock left behind: \($0)" }
        suspectLocks = locks
        guard violations.isEmpty else {
            return Failure(trial: trial, reason: violations.joined(separator: "\n"))
        }
        return nil
    }
}
