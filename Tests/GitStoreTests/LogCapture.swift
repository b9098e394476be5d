import Foundation
import Logging

/// Collects every log line (message and metadata) a `Logger` built with `logger(label:)` writes.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// Everything logged so far, one string per record: level, label, message, metadata, source.
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }

    /// A logger at trace level writing here.
    func logger(label: String = "placer.gitstore") -> Logger {
        Logger(label: label) { label in Handler(capture: self, label: label) }
    }

    fileprivate func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append(
                "\(event.level) \(label) \(event.message) \(all) \(event.source) \(event.file):\(event.line)")
        }
    }
}
