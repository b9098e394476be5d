import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process (kubectl, curl, a `placer` replica) whose standard output and error go to one file, so no
/// cooperative thread ever blocks on a pipe while it talks to an in-process server.
///
/// Foundation's children inherit a signal mask that blocks SIGTERM: ``kill()`` sends SIGKILL.
public final class ChildProcess: @unchecked Sendable {
    /// The running process.
    public let process = Process()
    /// A fresh temporary folder for the child (its HOME unless `environment` is given); removed by ``kill()``.
    public let directory: URL
    /// Where the child's standard output and standard error go.
    public let outputURL: URL
    private let output: FileHandle

    /// Starts `executable` with `arguments`.
    /// - Parameters:
    ///   - executable: absolute path of the program.
    ///   - arguments: its arguments.
    ///   - environment: its environment; nil gives only HOME and KUBECACHEDIR, pointing into ``directory``.
    ///   - outputURL: the file for its output (created); nil for a file in ``directory``.
    /// - Throws: when the folder or file cannot be made or the program cannot start.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, outputURL: URL? = nil
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("placer-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.outputURL = outputURL ?? directory.appendingPathComponent("output")
        _ = FileManager.default.createFile(atPath: self.outputURL.path, contents: nil)
        output = try FileHandle(forWritingTo: self.outputURL)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment =
            environment ?? ["HOME": directory.path, "KUBECACHEDIR": directory.appendingPathComponent("cache").path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// The child's process id.
    public var pid: Int32 { process.processIdentifier }

    /// Everything the process wrote so far.
    public var text: String { String(decoding: (try? Data(contentsOf: outputURL)) ?? Data(), as: UTF8.self) }

    /// Polls the output until `condition` holds or `timeout` passes; returns whether it held.
    public func waitForOutput(timeout: Duration = .seconds(10), _ condition: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(text) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition(text)
    }

    /// Waits (polling, never blocking) until the process ends or `timeout` passes; returns whether it ended.
    public func waitForExit(timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return !process.isRunning
    }

    /// Sends SIGKILL at once, without waiting (for `defer` blocks).
    public func kill9() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// Ends the process with SIGKILL, waits for it, and removes its folder.
    public func kill() async {
        kill9()
        _ = await waitForExit(timeout: .seconds(5))
        try? output.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs a process to its end and returns its exit status and output (HOME in a fresh folder).
    /// - Parameters:
    ///   - executable: absolute path of the program.
    ///   - arguments: its arguments.
    ///   - timeout: how long it may run before it is killed (status -1 then).
    /// - Returns: the exit status and the combined output.
    public static func run(
        _ executable: String, _ arguments: [String], timeout: Duration = .seconds(60)
    ) async throws
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
