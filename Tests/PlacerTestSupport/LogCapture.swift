import Foundation
import Logging

/// Collects every log record that loggers made by ``logger(label:)`` write, rendered as text: level, label,
/// message, metadata, source and `file:line`. For tests that check what reaches the logs (and what never does).
public final class LogCapture: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var lines: [String] = []

    public init() {}

    /// Every record so far, one string each, in order.
    public var all: [String] { lock.withLock { lines } }

    /// Every record so far, joined by newlines.
    public var text: String { all.joined(separator: "\n") }

    /// Records one rendered line.
    /// - Parameter line: the text to keep.
    public func append(_ line: String) { lock.withLock { lines.append(line) } }

    /// A logger at trace level that writes here.
    /// - Parameter label: the logger's label (shown in each record).
    /// - Returns: the logger.
    public func logger(label: String = "placer.test") -> Logger {
        var logger = Logger(label: label) { label in Handler(capture: self, label: label) }
        logger.logLevel = .trace
        return logger
    }

    /// The swift-log handler that renders each record into a ``LogCapture``.
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
