import Foundation
import AppModel

typealias AppModelValue = Value

/// A child process (kubectl, curl) whose output goes to a file, so no cooperative thread ever blocks on it while
/// it talks to the in-process hub.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let directory: URL
    let outputURL: URL
    private let output: FileHandle

    /// Starts `executable` with `arguments`; HOME and the kubectl cache point into a fresh temporary folder.
    init(_ executable: String, _ arguments: [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgesim-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputURL = directory.appendingPathComponent("output")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        output = try FileHandle(forWritingTo: outputURL)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ["HOME": directory.path, "KUBECACHEDIR": directory.appendingPathComponent("cache").path]
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Everything the process wrote so far.
    var text: String { String(decoding: (try? Data(contentsOf: outputURL)) ?? Data(), as: UTF8.self) }

    /// Polls the output until `condition` holds or `timeout` passes; returns whether it held.
    func waitForOutput(timeout: Duration = .seconds(10), _ condition: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(text) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(text)
    }

    /// Waits (polling, never blocking) until the process ends or `timeout` passes; returns whether it ended.
    func waitForExit(timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return !process.isRunning
    }

    /// Ends the process with SIGKILL (Foundation's children block SIGTERM) and removes its folder.
    func kill() async {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        _ = await waitForExit(timeout: .seconds(5))
        try? output.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a process to its end and returns its exit status and output.
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws
        -> (status: Int32, output: String)
    {
        let child = try ChildProcess(executable, arguments)
        let ended = await child.waitForExit(timeout: timeout)
        let text = child.text
        let status = ended ? child.process.terminationStatus : -1
        await child.kill()
        return (status, text)
    }
}

/// A watch opened with curl: its JSON lines as they arrive.
struct WatchLines {
    let child: ChildProcess

    /// Starts `curl -sN` on `path` of the hub.
    init(_ client: HubClient, _ path: String) throws {
        child = try ChildProcess(
            "/usr/bin/curl", ["-sN", "-H", "Authorization: Bearer \(client.token ?? "")", client.baseURL + path])
    }

    /// The events received so far as (type, object).
    var events: [(type: String, object: AppModelValue)] {
        child.text.split(separator: "\n").compactMap { line in
            guard let value = try? AppModelValue.parseJSON(Data(line.utf8)), let type = value["type"]?.stringValue,
                let object = value["object"]
            else { return nil }
            return (type, object)
        }
    }

    /// Waits until at least `count` events arrived.
    func waitForEvents(_ count: Int, timeout: Duration = .seconds(10)) async -> [(type: String, object: AppModelValue)] {
        _ = await child.waitForOutput(timeout: timeout) { text in
            text.split(separator: "\n").count >= count
        }
        return events
    }
}
