import AsyncHTTPClient
import Foundation
import PlacerTestSupport

extension FactoryFixture {
    /// Runs the `placer` binary's `run` against this fixture's repo and hub (1 h poll interval, no leader election,
    /// info logs into `run.log`, the repo's presets) with `arguments` added, beside an HTTP client; after `body`
    /// (passed the client and the log's URL) or its error, kills the daemon and shuts the client down.
    /// - Throws: what starting the process or `body` throws.
    func withDaemon(_ arguments: [String], _ body: (HTTPClient, URL) async throws -> Void) async throws {
        try await withDaemon(arguments) { client, log, _ in try await body(client, log) }
    }

    /// As ``withDaemon(_:_:)``, also passing the daemon's process id (to measure it from outside).
    func withDaemon(_ arguments: [String], _ body: (HTTPClient, URL, Int32) async throws -> Void) async throws {
        let log = folder.appendingPathComponent("run.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = try ChildProcess(
            placerBinary,
            [
                "run", "--repo", repoURL, "--hub-kubeconfig", kubeconfigPath,
                "--cache-dir", folder.appendingPathComponent("cache-run").path,
                "--presets-dir", packageRoot.appendingPathComponent("policies").path,
                "--interval", "1h", "--disable-leader-election", "--log-level", "info",
            ] + arguments, environment: ProcessInfo.processInfo.environment, outputURL: log)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { process.kill9() }
        do {
            try await body(client, log, process.pid)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
