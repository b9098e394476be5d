import Foundation
import PlacerCLI

/// The EdgeSim hub of `placer-lab bench scale` in a child process (`placer-lab hub`), so the daemon's memory is
/// measured apart from the hub's store: the bench reads its own `/proc/self/status` for the daemon and the child's
/// for the hub, and asks the child for its request counts (SIGUSR1, `--requests-file`).
final class ScaleHub: @unchecked Sendable {
    let process: Process
    /// The kubeconfig the child wrote (bearer token, its generated CA).
    let kubeconfig: String
    private let requestsFile: String

    /// Starts `placer-lab hub` over HTTPS on a free port, its ManagedClusters read from `clustersFrom`
    /// (`clusters/*.yaml`), and waits until it has written its kubeconfig.
    /// - Parameters:
    ///   - folder: where the kubeconfig and the request counts go.
    ///   - clustersFrom: a folder with `clusters/*.yaml`.
    ///   - agentDelayMilliseconds: how long the simulated work agent takes to report a ManifestWork applied.
    /// - Throws: ``CommandFailure`` when the child does not start within 120 s.
    init(folder: URL, clustersFrom: String, agentDelayMilliseconds: Int) async throws {
        kubeconfig = folder.appendingPathComponent("hub.kubeconfig").path
        requestsFile = folder.appendingPathComponent("hub-requests.json").path
        try? FileManager.default.removeItem(atPath: kubeconfig)
        process = Process()
        process.executableURL = URL(fileURLWithPath: try SoakWorld.ownExecutable())
        process.arguments = [
            "hub", "--port", "0", "--kubeconfig", kubeconfig, "--clusters-from", clustersFrom,
            "--agent-delay", "\(agentDelayMilliseconds)ms", "--requests-file", requestsFile, "--log-level", "error",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: kubeconfig) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw CommandFailure("the EdgeSim hub child did not start (placer-lab hub)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))  // written whole, then the hub serves
    }

    /// The hub's request counts so far, keyed `verb resource` (``EdgeSim/RequestCounter``).
    /// - Throws: ``CommandFailure`` when the child does not answer within 10 s.
    func requests() async throws -> [String: Int] {
        try? FileManager.default.removeItem(atPath: requestsFile)
        kill(process.processIdentifier, SIGUSR1)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let data = FileManager.default.contents(atPath: requestsFile),
                let counts = try? JSONSerialization.jsonObject(with: data) as? [String: Int]
            {
                return counts
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw CommandFailure("the EdgeSim hub child did not report its request counts")
    }

    /// The child's VmRSS and VmHWM in KiB (0 when unreadable).
    /// The hub child's CPU time so far (user + system), in seconds.
    func cpuSeconds() -> Double { ScaleBench.cpuSeconds(ofStat: "/proc/\(process.processIdentifier)/stat") }

    func memory() -> (rss: Int, hwm: Int) {
        ScaleBench.memory(of: "/proc/\(process.processIdentifier)/status")
    }

    /// Stops the child (SIGTERM, then SIGKILL after 5 s).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Counts in `now` that moved since `earlier`, by key (keys that did not move are left out).
    static func since(_ earlier: [String: Int], _ now: [String: Int]) -> [String: Int] {
        now.reduce(into: [:]) { result, entry in
            let moved = entry.value - (earlier[entry.key] ?? 0)
            if moved != 0 { result[entry.key] = moved }
        }
    }
}
