import Foundation
import Logging
import PlacerCLI

/// What the benches share around their measurements: quiet logging, the working folder, the median, `--json` output.
enum BenchRun {
    /// Sends every module's logs to standard error at `level` and above, so the bench's table stays readable.
    static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// The bench's working folder, created: `workdir` when given, else a new folder `<name>-<UUID>` in the
    /// temporary directory.
    ///
    /// - Parameters:
    ///   - workdir: the `--workdir` option; kept after the run.
    ///   - name: the temporary folder's prefix, e.g. `placer-bench-git`.
    /// - Returns: the folder's URL; remove it afterwards with ``removeTemporary(_:workdir:)``.
    /// - Throws: the file system's error when the folder cannot be created.
    static func folder(workdir: String?, name: String) throws -> URL {
        let folder = URL(
            fileURLWithPath: workdir
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Removes `folder` unless the user named it with `--workdir` (errors ignored: it is a temporary folder).
    static func removeTemporary(_ folder: URL, workdir: String?) {
        if workdir == nil { try? FileManager.default.removeItem(at: folder) }
    }

    /// The median of `values` (the upper one of an even count), in their unit; 0 for none.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// Prints `value` as JSON with sorted keys to standard output (`--json` of the benches).
    ///
    /// - Parameters:
    ///   - value: what to print.
    ///   - pretty: indented over several lines (the default) or on one line.
    /// - Throws: `EncodingError` when `value` cannot be encoded (a non-finite number).
    static func printJSON(_ value: some Encodable, pretty: Bool = true) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        Console.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// `duration` in seconds, with its sub-second part (attoseconds) kept.
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
