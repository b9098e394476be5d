import ArgumentParser
import Logging

/// Log level for every command.
public struct LoggingOptions: ParsableArguments {
    /// `--log-level`: a swift-log level name (`trace` … `critical`); other names mean `info`.
    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    public var logLevel: String = "info"

    /// The defaults (`info`); ArgumentParser fills the options from the command line.
    public init() {}

    /// Bootstraps swift-log once for the process: every logger writes to standard error at ``logLevel``
    /// (`info` when the name is not a level).
    public func bootstrap() {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
