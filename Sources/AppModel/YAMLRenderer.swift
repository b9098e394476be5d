import Foundation
import Yams

/// Renders values as canonical YAML: keys sorted, two-space indent, no line folding, strings quoted exactly
/// when a YAML 1.1 reader would otherwise take them for another type (`"yes"`, `"0755"`, `"1.10"`).
///
/// The same value always gives the same bytes, so unchanged decisions make unchanged files and no commit.
public enum YAMLRenderer {
    /// Renders one document (no `---` marker), ending in a newline.
    /// - Throws: ``ModelError`` if the emitter fails (it does not for values built by this module).
    public static func render(_ value: Value) throws -> String {
        do {
            return try Yams.serialize(
                node: node(for: value), canonical: false, indent: 2, width: -1, allowUnicode: true,
                lineBreak: .ln, explicitStart: false, explicitEnd: false, version: nil, sortKeys: true)
        } catch {
            throw ModelError(file: "<render>", line: 1, message: "cannot render YAML: \(error)")
        }
    }

    /// Renders documents as one multi-document stream, each introduced by `---`.
    public static func renderAll(_ values: [Value]) throws -> String {
        try values.map { "---\n" + (try render($0)) }.joined()
    }

    private static func node(for value: Value) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null), .plain)
        case let .bool(b): return Node(b ? "true" : "false", Tag(.bool), .plain)
        case let .number(n): return Node(n, Tag(.int), .plain)
        case let .string(s):
            if s.contains("\n") { return Node(s, Tag(.str), .literal) }
            if ScalarResolver.changesType(s) || looksNumeric(s) { return Node(s, Tag(.str), .doubleQuoted) }
            return Node(s, Tag(.str), .any)
        case let .array(items): return Node(items.map(node(for:)), Tag(.seq), .block)
        case let .object(pairs):
            let sorted = pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            return Node(sorted.map { (node(for: .string($0.0)), node(for: $0.1)) }, Tag(.map), .block)
        }
    }

    /// Strings a YAML 1.2 reader or PyYAML (sexagesimal `1:20`) might take for numbers are quoted too.
    private static func looksNumeric(_ s: String) -> Bool {
        guard let first = s.first, first.isNumber || first == "." || first == "-" || first == "+" else { return false }
        return s.allSatisfy { $0.isNumber || ":._-+eExXoObB".contains($0) || $0.isHexDigit }
    }
}
