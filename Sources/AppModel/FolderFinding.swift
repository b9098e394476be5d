/// One line of `placer validate` over a folder of manifests: an error, a warning or a note about a file or folder.
///
/// Rendered like compiler diagnostics and like ``ModelError``: `path:line:column: message` for errors,
/// `path:line:column: warning: message` and `path: note: message`; the position is left out when the finding is
/// about a whole file or folder.
public struct FolderFinding: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// How a finding counts: errors fail the validation, warnings and notes do not.
    public enum Severity: Int, Sendable, Comparable {
        case error, warning, note

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }

        /// The severity of a loader finding.
        public init(_ severity: ModelError.Severity) {
            switch severity {
            case .error: self = .error
            case .warning: self = .warning
            case .note: self = .note
            }
        }
    }

    /// The file or folder, relative to the validated folder (`.` for the folder itself).
    public var path: String
    /// Where in the file, or `nil` for the whole file or folder.
    public var position: SourcePosition?
    public var severity: Severity
    public var message: String

    public init(path: String, position: SourcePosition? = nil, severity: Severity, message: String) {
        self.path = path
        self.position = position
        self.severity = severity
        self.message = message
    }

    /// A finding from a loader or check error (its file, line and column kept).
    public init(_ error: ModelError) {
        self.init(
            path: error.file, position: SourcePosition(line: error.line, column: error.column),
            severity: Severity(error.severity), message: error.message)
    }

    public var description: String {
        let location = position.map { "\(path):\($0.line):\($0.column)" } ?? path
        switch severity {
        case .error: return "\(location): \(message)"
        case .warning: return "\(location): warning: \(message)"
        case .note: return "\(location): note: \(message)"
        }
    }

    /// Path (by UTF-8 bytes), then whole-file findings first, then position, severity and message.
    public static func < (lhs: FolderFinding, rhs: FolderFinding) -> Bool {
        if lhs.path != rhs.path { return lhs.path.utf8.lexicographicallyPrecedes(rhs.path.utf8) }
        switch (lhs.position, rhs.position) {
        case (nil, .some): return true
        case (.some, nil): return false
        case let (.some(a), .some(b)) where a != b: return a < b
        default: break
        }
        if lhs.severity != rhs.severity { return lhs.severity < rhs.severity }
        return lhs.message.utf8.lexicographicallyPrecedes(rhs.message.utf8)
    }
}

/// The outcome of ``FolderValidator/validate(files:)``: sorted findings and the counts for the summary line.
public struct FolderReport: Sendable {
    /// Every finding, sorted (``FolderFinding/<(_:_:)``).
    public var findings: [FolderFinding]
    /// Manifest files looked at (`.yaml`, `.yml`, `.json` outside hidden folders).
    public var fileCount: Int
    /// Files that loaded without errors.
    public var loadedCount: Int
    /// Files not read as manifests (Helm chart parts, kustomize patches).
    public var skippedCount: Int
    /// Files with at least one error.
    public var invalidCount: Int
    /// Kubernetes objects found in the files that loaded (documents with apiVersion, kind and a name).
    public var objectCount: Int

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    public var warningCount: Int { findings.filter { $0.severity == .warning }.count }

    /// `31 files: 17 loaded (80 objects), 7 skipped, 7 invalid; 9 errors, 1 warning`.
    public var summary: String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        return "\(count(fileCount, "file")): \(loadedCount) loaded (\(count(objectCount, "object"))), "
            + "\(skippedCount) skipped, \(invalidCount) invalid; \(count(errorCount, "error")), \(count(warningCount, "warning"))"
    }

    /// Every finding on its own line, then the summary line; ends with a newline.
    public func rendered() -> String {
        (findings.map(\.description) + [summary]).joined(separator: "\n") + "\n"
    }
}
