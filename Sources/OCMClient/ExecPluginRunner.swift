import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs an exec credential plugin once and returns its standard output.
///
/// The child runs through swift-subprocess: its output is collected asynchronously, so no cooperative thread
/// blocks while it runs. A plugin still running after ``timeout`` is killed with SIGKILL (the task running it is
/// cancelled, and swift-subprocess's teardown ends with SIGKILL).
enum ExecPluginRunner {
    /// How long a plugin may run.
    static let timeout: Duration = .seconds(60)
    /// The most standard output or error a plugin may write, in bytes (an ExecCredential is a few kB).
    static let outputLimitBytes = 4 * 1024 * 1024

    /// How a plugin run ended, short of a credential.
    private enum Outcome: Sendable {
        case finished(TerminationStatus, output: [UInt8], errors: [UInt8])
        case timedOut
    }

    /// - Parameters:
    ///   - config: the plugin.
    ///   - field: `users[x].user.exec`, for errors.
    ///   - execInfo: the `KUBERNETES_EXEC_INFO` JSON.
    /// - Returns: the plugin's standard output.
    /// - Throws: ``KubeconfigError/execFailed(field:reason:)``: not found, not startable, killed, non-zero exit
    ///   (with the first line of its standard error).
    static func run(_ config: ExecConfig, field: String, execInfo: String) async throws -> Data {
        let executable = try locate(config, field: field)
        var environment = ProcessInfo.processInfo.environment
        for variable in config.environment { environment[variable.name] = variable.value }
        environment["KUBERNETES_EXEC_INFO"] = execInfo
        // NAME=value entries, NUL-terminated: swift-subprocess hands each one to strdup as it is.
        let variables = environment.sorted { $0.key < $1.key }.map { Array("\($0.key)=\($0.value)".utf8) + [0] }
        let arguments = config.arguments

        let outcome: Outcome
        do {
            outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    let result = try await Subprocess.run(
                        .path(FilePath(executable)), arguments: Arguments(arguments),
                        environment: .custom(variables), input: .none,
                        output: .bytes(limit: outputLimitBytes), error: .bytes(limit: outputLimitBytes))
                    return .finished(
                        result.terminationStatus, output: result.standardOutput, errors: result.standardError)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .timedOut
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw KubeconfigError.execFailed(field: field, reason: "cannot start \(executable)")
        }
        switch outcome {
        case .timedOut:
            throw KubeconfigError.execFailed(
                field: field, reason: "command \(config.command) was killed by signal \(SIGKILL)")
        case .finished(.exited(0), let output, _):
            return Data(output)
        case .finished(let status, _, let errors):
            let detail = firstLine(of: Data(errors))
            let how: String
            switch status {
            case .exited(let code): how = "exited with status \(code)"
            case .signaled(let signal): how = "was killed by signal \(signal)"
            }
            throw KubeconfigError.execFailed(
                field: field, reason: "command \(config.command) \(how)\(detail.isEmpty ? "" : ": \(detail)")")
        }
    }

    /// The executable to run: the path itself, or the first match in `PATH`.
    private static func locate(_ config: ExecConfig, field: String) throws -> String {
        let manager = FileManager.default
        if config.command.contains("/") {
            if manager.isExecutableFile(atPath: config.command) { return config.command }
        } else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for folder in path.split(separator: ":")
            where manager.isExecutableFile(atPath: "\(folder)/\(config.command)") {
                return "\(folder)/\(config.command)"
            }
        }
        var reason = "command \(config.command) not found or not executable"
        if let hint = config.installHint {
            reason += " (\(hint.split(whereSeparator: \.isNewline).joined(separator: " ")))"
        }
        throw KubeconfigError.execFailed(field: field, reason: reason)
    }

    /// The first non-empty line of a plugin's standard error, at most 200 characters.
    private static func firstLine(of data: Data) -> String {
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        let line = text.split(whereSeparator: \.isNewline).first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return line.map { String($0.prefix(200)) } ?? ""
    }
}
