/// A position in a source file: 1-based line and column.
public struct SourcePosition: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// A problem found in an input file, rendered `file:line:column: message`.
public struct ModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// How a finding counts: errors make an app Invalid (or stop the decision), warnings and notes do not.
    public enum Severity: String, Sendable { case error, warning, note }

    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int, column: Int = 1, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.severity = severity
    }

    public var description: String {
        let prefix = severity == .error ? "" : "\(severity.rawValue): "
        return "\(file):\(line):\(column): \(prefix)\(message)"
    }
}
