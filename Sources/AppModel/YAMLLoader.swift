import CYaml
import Foundation

/// One YAML document of a file, converted to a ``Value`` with the source position of every node.
public struct YAMLDocument: Sendable {
    /// The file the document came from, as given to the loader (a repository-relative path).
    public let file: String
    /// The document's root value.
    public let value: Value
    /// Where each node starts, by field path (`spec.codecoapp-msspec[0].nwlatency`; `""` is the root).
    public let sourceMap: SourceMap
    /// Warnings about the document's text that do not stop it loading: unquoted scalars whose type differs
    /// between YAML 1.1 and YAML 1.2 (``YAML11Lint``), in source order.
    public let lints: [ModelError]

    /// A document with the positions the loader recorded.
    public init(file: String, value: Value, sourceMap: SourceMap, lints: [ModelError] = []) {
        self.file = file
        self.value = value
        self.sourceMap = sourceMap
        self.lints = lints
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    public func position(of path: String) -> SourcePosition {
        var candidate = path
        while true {
            if let position = sourceMap.exactPosition(of: candidate) { return position }
            if candidate.isEmpty { return SourcePosition(line: 1, column: 1) }
            if let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) {
                candidate = String(candidate[..<cut])
            } else {
                candidate = ""
            }
        }
    }

    /// An error located at `path` in this document.
    public func error(at path: String, _ message: String, severity: ModelError.Severity = .error) -> ModelError {
        let position = position(of: path)
        return ModelError(
            file: file, line: position.line, column: position.column, message: message, severity: severity)
    }
}

/// Loads YAML the way Kubernetes tooling (sigs.k8s.io/yaml over go-yaml v2) reads it.
///
/// The rule, stated once: input may carry a UTF-8 or UTF-16 byte-order mark and CRLF line ends; every document
/// of a stream is read and empty or comment-only documents are skipped; anchors, aliases and `<<` merge keys are
/// expanded; a duplicate key is an error; plain scalars resolve by YAML 1.1 (``ScalarResolver``), quoted ones
/// are strings.
///
/// Parsing is libyaml's (the copy Yams embeds, module `CYaml`): ``YAMLEventBuilder`` builds ``Value`` straight from
/// the parser's events, with no node tree in between (issue 15: the node tree cost nine tenths of the load time).
public enum YAMLLoader {
    /// Loads every non-empty document of `data`.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - file: the name used in error messages.
    /// - Returns: the documents in order.
    /// - Throws: ``ModelError`` naming the file, line and column of the first syntax error or duplicate key.
    public static func load(_ data: Data, file: String) throws -> [YAMLDocument] {
        let bytes = try decodeText(data, file: file)
        return try bytes.withUnsafeBufferPointer { buffer in
            let builder = YAMLEventBuilder(file: file, limit: expansionLimit(textBytes: buffer.count))
            return try builder.load(buffer)
        }
    }

    /// Decodes bytes to UTF-8 text for the parser: UTF-8 (with or without BOM) or UTF-16 with a BOM; CRLF becomes LF.
    /// - Throws: ``ModelError`` (line 1) for bytes that are neither.
    static func decodeText(_ data: Data, file: String) throws -> [UInt8] {
        let bytes = [UInt8](data.prefix(3))
        var text: [UInt8]?
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian).map { Array($0.utf8) }
        } else if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            text = String(data: data.dropFirst(2), encoding: .utf16BigEndian).map { Array($0.utf8) }
        } else {
            let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
            let utf8 = [UInt8](body)
            text = String(validating: utf8, as: UTF8.self) == nil ? nil : utf8
        }
        guard var text else {
            throw ModelError(
                file: file, line: 1, column: 1, message: "file is neither UTF-8 nor UTF-16 with a byte-order mark")
        }
        if text.contains(0x0D) {
            var lf: [UInt8] = []
            lf.reserveCapacity(text.count)
            for index in text.indices where !(text[index] == 0x0D && index + 1 < text.count && text[index + 1] == 0x0A)
            {
                lf.append(text[index])
            }
            text = lf
        }
        return text
    }

    /// The most nodes the aliases of a small document may stand for; the largest OCM CRD has about 5,000 nodes.
    static let maxExpandedNodes = 250_000

    /// The alias bound for a document of `textBytes` bytes: ``maxExpandedNodes``, or the byte count when larger.
    ///
    /// Only nodes that aliases stand for count (each alias counts the nodes of its anchored value, nested aliases
    /// expanded): a document without aliases never meets the bound, however large (a 45 MB ConfigMap of 500,000
    /// plain keys loads), while a 600-byte billion laughs is refused before anything is copied. Aliases share the
    /// anchored ``Value`` (copy on write), so the bound protects whoever walks the value, not the loader.
    static func expansionLimit(textBytes: Int) -> Int { max(maxExpandedNodes, textBytes) }
}
