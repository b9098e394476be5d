import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#endif

/// Runs an exec credential plugin once and returns its standard output.
///
/// The child's output goes to temporary files and its end is awaited through `terminationHandler`, so no
/// cooperative thread blocks while it runs. A plugin still running after ``timeout`` is killed with SIGKILL
/// (Foundation's children block SIGTERM).
enum ExecPluginRunner {
    /// How long a plugin may run.
    static let timeout: Duration = .seconds(60)

    /// - Parameters:
    ///   - config: the plugin.
    ///   - field: `users[x].user.exec`, for errors.
    ///   - execInfo: the `KUBERNETES_EXEC_INFO` JSON.
    /// - Returns: the plugin's standard output.
    /// - Throws: ``KubeconfigError/execFailed(field:reason:)``: not found, not startable, killed, non-zero exit
    ///   (with the first line of its standard error).
    static func run(_ config: ExecConfig, field: String, execInfo: String) async throws -> Data {
        let executable = try locate(config, field: field)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-exec-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outputURL = folder.appendingPathComponent("stdout")
        let errorURL = folder.appendingPathComponent("stderr")
        guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
            FileManager.default.createFile(atPath: errorURL.path, contents: nil),
            let output = try? FileHandle(forWritingTo: outputURL), let errors = try? FileHandle(forWritingTo: errorURL)
        else {
            throw KubeconfigError.execFailed(field: field, reason: "cannot create temporary files in \(folder.path)")
        }
        defer {
            try? output.close()
            try? errors.close()
        }

        var environment = ProcessInfo.processInfo.environment
        for variable in config.environment { environment[variable.name] = variable.value }
        environment["KUBERNETES_EXEC_INFO"] = execInfo
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = config.arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors

        // SIGKILL after the timeout; the pid is cleared when the child ends, so a late timer kills nothing.
        let runningPID = NIOLockedValueBox<Int32>(0)
        let timer = Task {
            try await Task.sleep(for: timeout)
            let pid = runningPID.withLockedValue { $0 }
            if pid > 0 { kill(pid, SIGKILL) }
        }
        defer { timer.cancel() }
        let started: Bool = await withCheckedContinuation { continuation in
            process.terminationHandler = { _ in
                runningPID.withLockedValue { $0 = 0 }
                continuation.resume(returning: true)
            }
            do {
                try process.run()
                let pid = process.processIdentifier
                runningPID.withLockedValue { if process.isRunning { $0 = pid } }
            } catch {
                process.terminationHandler = nil
                continuation.resume(returning: false)
            }
        }
        guard started else {
            throw KubeconfigError.execFailed(field: field, reason: "cannot start \(executable)")
        }
        let status = process.terminationStatus
        guard process.terminationReason == .exit, status == 0 else {
            let detail = firstLine(of: (try? Data(contentsOf: errorURL)) ?? Data())
            let how =
                process.terminationReason == .exit ? "exited with status \(status)" : "was killed by signal \(status)"
            throw KubeconfigError.execFailed(
                field: field, reason: "command \(config.command) \(how)\(detail.isEmpty ? "" : ": \(detail)")")
        }
        return (try? Data(contentsOf: outputURL)) ?? Data()
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
