import Foundation
import PlacerTestSupport

/// What a program run to its end left: its exit status and its two output streams.
public struct ProgramOutput: Sendable {
    /// The exit status (the signal number when it was killed).
    public var status: Int32
    /// Everything written to standard output.
    public var standardOutput: Data
    /// Everything written to standard error.
    public var standardError: Data
}

/// Runs a program to its end without blocking a cooperative thread (in-process servers need them): output goes
/// to a file, and termination is awaited through `terminationHandler`.
/// - Parameters:
///   - path: absolute path of the program.
///   - arguments: its arguments.
///   - environment: its environment (default: this process's).
///   - directory: its working directory (default: this process's).
/// - Returns: the exit status and standard output and error combined, in the order written.
/// - Throws: when the program cannot start.
public func runProgram(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil
) async throws -> (status: Int32, output: String) {
    let launch = try ProgramLaunch(path, arguments, environment: environment, directory: directory, merged: true)
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
        launch.process.terminationHandler = { _ in continuation.resume() }
        do {
            try launch.process.run()
        } catch {
            launch.process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    let result = try launch.finish()
    return (result.status, String(decoding: result.standardOutput, as: UTF8.self))
}

/// Runs a program to its end, blocking the calling thread: for synchronous tests that talk to no in-process
/// server. Output goes to files, not pipes: a `git daemon` started meanwhile by a parallel test could inherit a
/// pipe's write end, and reading to end-of-file would never finish.
/// - Parameters:
///   - path: absolute path of the program.
///   - arguments: its arguments.
///   - environment: its environment (default: this process's).
///   - directory: its working directory (default: this process's).
///   - input: bytes for its standard input (default: none, `/dev/null`).
/// - Returns: the exit status and both output streams.
/// - Throws: when the program cannot start or its files cannot be made.
public func runProgramBlocking(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil,
    input: Data? = nil
) throws -> ProgramOutput {
    let launch = try ProgramLaunch(
        path, arguments, environment: environment, directory: directory, input: input, merged: false)
    try launch.process.run()
    launch.process.waitUntilExit()
    return try launch.finish()
}

/// A `Process` set up with its standard streams on files in a fresh temporary folder.
private final class ProgramLaunch {
    let process = Process()
    let folder: URL
    private let handles: [FileHandle]
    private let merged: Bool

    init(
        _ path: String, _ arguments: [String], environment: [String: String]?, directory: String?,
        input: Data? = nil, merged: Bool
    ) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-program-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.merged = merged
        for name in ["in", "out", "err"] {
            _ = FileManager.default.createFile(atPath: folder.appendingPathComponent(name).path, contents: nil)
        }
        if let input { try input.write(to: folder.appendingPathComponent("in")) }
        let standardInput = try FileHandle(forReadingFrom: folder.appendingPathComponent("in"))
        let standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("out"))
        let standardError = merged ? standardOutput : try FileHandle(forWritingTo: folder.appendingPathComponent("err"))
        handles = merged ? [standardInput, standardOutput] : [standardInput, standardOutput, standardError]
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = input == nil ? FileHandle.nullDevice : standardInput
        process.standardOutput = standardOutput
        process.standardError = standardError
    }

    /// Closes the files and reads what the ended process wrote.
    func finish() throws -> ProgramOutput {
        for handle in handles { try? handle.close() }
        let output = (try? Data(contentsOf: folder.appendingPathComponent("out"))) ?? Data()
        let errors = merged ? Data() : (try? Data(contentsOf: folder.appendingPathComponent("err"))) ?? Data()
        return ProgramOutput(status: process.terminationStatus, standardOutput: output, standardError: errors)
    }

    deinit {
        for handle in handles { try? handle.close() }
        try? FileManager.default.removeItem(at: folder)
    }
}
