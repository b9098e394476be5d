import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerCLI

#if canImport(Glibc)
    import Glibc
#endif

/// The crash suite's world on 127.0.0.1: the example repo as a bare repo behind a real `git daemon`, the HTTPS
/// EdgeSim hub seeded with its clusters, a human's clone, and the real `placer run` as a child process that can be
/// started with failpoints armed, killed and restarted on the same cache.
final class ReliabilityWorld: @unchecked Sendable {
    let folder: URL
    let barePath: String
    let cachePath: String
    let daemon: GitDaemon
    let hub: EdgeSimHub
    let kubeconfig: String
    let repoURL: String
    let placerBinary: String
    let presets: String
    let intervalMilliseconds: Int
    /// The namespace the daemon publishes PlacementDecisions in (so the publishing failpoint is reached).
    static let decisionNamespace = "placer-decisions"
    static let human = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())

    private(set) var process: Process?
    private(set) var logURL: URL?
    private(set) var lifetimes = 0
    private var logOffset: UInt64 = 0
    /// The failpoint the current daemon announced crashing at (the line can be read just before the exit shows).
    private(set) var crashPoint: String?
    /// Revisions a finished pass of the current daemon read or wrote.
    private(set) var finished: Set<String> = []

    init(
        folder: URL, exampleRepo: String, presets: String, placerBinary: String, intervalMilliseconds: Int
    ) async throws {
        self.folder = folder
        self.presets = presets
        self.placerBinary = placerBinary
        self.intervalMilliseconds = intervalMilliseconds
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        barePath = folder.appendingPathComponent("app-repo.git").path
        cachePath = folder.appendingPathComponent("cache").path
        var files = try RepoFiles.read(directory: exampleRepo)
        files["NOTES.md"] = Data("# Shift notes\n".utf8)
        try BenchRepo.seedBare(at: barePath, files: files, message: "Factory apps\n", author: Self.human)
        daemon = try GitDaemon(baseDirectory: folder.path)
        repoURL = daemon.url(repository: "app-repo.git")
        hub = EdgeSimHub(
            configuration: HubConfiguration(agentDelay: .milliseconds(10)),
            tls: try HubTLS(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        try await hub.start()
        for cluster in RepoLoader.load(files: files).clusters {
            try await hub.seed(ManagedClusterFactory.make(from: cluster))
        }
        kubeconfig = folder.appendingPathComponent("hub.kubeconfig").path
        try hub.writeKubeconfig(to: kubeconfig)
    }

    /// Starts `placer run` on the shared cache with `failpoints` (a `PLACER_FAILPOINTS` value; nil for none).
    func startDaemon(failpoints: String?) throws {
        lifetimes += 1
        let log = folder.appendingPathComponent("daemon-\(lifetimes).log")
        // Keep the last few lifetimes' logs for a failure report, not a thousand of them.
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("daemon-\(lifetimes - 5).log"))
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: placerBinary)
        process.arguments = [
            "run", "--repo", repoURL, "--hub-kubeconfig", kubeconfig, "--cache-dir", cachePath,
            "--presets-dir", presets, "--interval", "\(intervalMilliseconds)ms", "--disable-leader-election",
            "--decision-namespace", Self.decisionNamespace, "--log-level", "debug",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = folder.path
        environment[failpointVariable] = failpoints
        if failpoints == nil { environment.removeValue(forKey: failpointVariable) }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try? output.close()
        self.process = process
        logURL = log
        logOffset = 0
        finished = []
        crashPoint = nil
    }

    private var failpointVariable: String { "PLACER_FAILPOINTS" }

    /// The daemon's exit status, or nil while it runs.
    var exitStatus: Int32? {
        guard let process, !process.isRunning else { return nil }
        return process.terminationStatus
    }

    /// SIGKILL and wait (Foundation's children block SIGTERM).
    func killDaemon() {
        guard let process else { return }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// Reads what the daemon logged since the last call: the revisions of finished passes, and the failpoint that
    /// crashed it, if one did.
    func readLog() -> (crashedAt: String?, text: String) {
        guard let logURL, let handle = try? FileHandle(forReadingFrom: logURL) else { return (nil, "") }
        defer { try? handle.close() }
        try? handle.seek(toOffset: logOffset)
        let data = (try? handle.readToEnd()) ?? Data()
        // Only whole lines: a line still being written is read next time.
        guard let lastNewline = data.lastIndex(of: 0x0A) else { return (nil, "") }
        let text = String(decoding: data[...lastNewline], as: UTF8.self)
        logOffset += UInt64(lastNewline - data.startIndex + 1)
        var crashed: String?
        for line in text.split(separator: "\n") {
            if line.contains("reconciliation finished") {
                for key in ["revision=", "commit="] {
                    if let range = line.range(of: key) {
                        let value = line[range.upperBound...].prefix { $0.isHexDigit }
                        if value.count == 40 { finished.insert(String(value)) }
                    }
                }
            } else if line.hasPrefix("failpoint "), line.hasSuffix(": crash") {
                crashed = String(line.dropFirst(10).dropLast(7))
                crashPoint = crashed
            }
        }
        return (crashed, text)
    }

    /// The last `lines` lines of the current daemon's log (for a failure report).
    func logTail(lines: Int = 40) -> String {
        guard let logURL, let data = try? Data(contentsOf: logURL) else { return "" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// The tracked branch's tip on the remote.
    func tip() throws -> ObjectID {
        guard let tip = try GitRepository.open(at: barePath).resolve(reference: "refs/heads/main") else {
            throw CommandFailure("main has no commit")
        }
        return tip
    }

    func stop() async {
        killDaemon()
        await hub.stop()
        daemon.stop()
    }
}

/// Runs a program to its end and returns its status and combined output (git's CLI for fsck and history).
func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
