import Foundation
import Yams

@testable import AppModel

// The YAML loader and renderer as they were before issue 15 (Yams' node tree, then libyaml's emitter), kept as the
// oracle the event builder and the direct renderer are compared against (YAMLEventBuilderTests).

/// A document as the Yams-based loader returned it.
struct LegacyDocument {
    var value: Value
    var positions: [String: SourcePosition]
    var lints: [ModelError]
}

/// Loads YAML the way Kubernetes tooling (sigs.k8s.io/yaml over go-yaml v2) reads it.
///
/// The rule, stated once: input may carry a UTF-8 or UTF-16 byte-order mark and CRLF line ends; every document
/// of a stream is read and empty or comment-only documents are skipped; anchors, aliases and `<<` merge keys are
/// expanded; a duplicate key is an error; plain scalars resolve by YAML 1.1 (``ScalarResolver``), quoted ones
/// are strings. Parsing is libyaml's, through Yams.
enum LegacyYAMLLoader {
    /// Loads every non-empty document of `data`.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - file: the name used in error messages.
    /// - Returns: the documents in order.
    /// - Throws: ``ModelError`` naming the file, line and column of the first syntax error or duplicate key.
    static func load(_ data: Data, file: String) throws -> [LegacyDocument] {
        let text = try decodeText(data, file: file)
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
        } catch {
            throw convert(error, file: file, text: text)
        }
        var documents: [LegacyDocument] = []
        while true {
            let root: Node?
            do {
                root = try parser.nextRoot()
            } catch {
                throw convert(error, file: file, text: text)
            }
            guard let root else { break }
            var positions: [String: SourcePosition] = [:]
            var lints: [SourcePosition: ModelError] = [:]
            let value = try convert(
                root, path: "", positions: &positions, lints: &lints, file: file,
                limit: max(250_000, text.utf8.count))
            if value == .null { continue }
            // An anchored scalar is linted once, at its own position, however many aliases repeat it.
            let ordered = lints.keys.sorted().compactMap { lints[$0] }
            documents.append(LegacyDocument(value: value, positions: positions, lints: ordered))
        }
        return documents
    }

    /// Decodes bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM; CRLF becomes LF.
    static func decodeText(_ data: Data, file: String) throws -> String {
        let bytes = [UInt8](data.prefix(3))
        var text: String?
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE {
            text = String(data: data.dropFirst(2), encoding: .utf16LittleEndian)
        } else if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF {
            text = String(data: data.dropFirst(2), encoding: .utf16BigEndian)
        } else if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            text = String(data: data.dropFirst(3), encoding: .utf8)
        } else {
            text = String(data: data, encoding: .utf8)
        }
        guard let text else {
            throw ModelError(
                file: file, line: 1, column: 1, message: "file is neither UTF-8 nor UTF-16 with a byte-order mark")
        }
        return text.replacingOccurrences(of: "\r\n", with: "\n")
    }

    private static func convert(
        _ node: Node, path: String, positions: inout [String: SourcePosition],
        lints: inout [SourcePosition: ModelError], file: String, limit: Int
    ) throws -> Value {
        // Aliases share nodes, but the value they stand for is a copy: a few hundred bytes of nested aliases can
        // stand for billions of nodes (a "billion laughs" document). go-yaml refuses such documents as "excessive
        // aliasing"; Placer refuses any document that expands past a bound no real manifest comes near.
        guard positions.count < limit else {
            throw ModelError(
                file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1,
                message:
                    "the document expands to more than \(limit) nodes through anchors and aliases (excessive aliasing)"
            )
        }
        if let mark = node.mark { positions[path] = SourcePosition(line: mark.line, column: mark.column) }
        switch node {
        case let .scalar(scalar):
            let tag = scalar.tag.rawValue
            if scalar.style == .plain, tag.isEmpty || tag == "?" || tag == "!", let mark = node.mark {
                let position = SourcePosition(line: mark.line, column: mark.column)
                if let lint = YAML11Lint.warning(for: scalar.string, file: file, at: position) {
                    lints[position] = lint
                }
            }
            return ScalarResolver.resolve(scalar.string, tag: tag, plain: scalar.style == .plain)
        case let .sequence(sequence):
            var items: [Value] = []
            for (index, item) in sequence.enumerated() {
                items.append(
                    try convert(
                        item, path: "\(path)[\(index)]", positions: &positions, lints: &lints, file: file, limit: limit)
                )
            }
            return .array(items)
        case let .mapping(mapping):
            var pairs: [(String, Value)] = []
            var merged: [(String, Value)] = []
            var keyLines: [String: SourcePosition] = [:]
            for (keyNode, valueNode) in mapping {
                if case let .scalar(keyScalar) = keyNode, keyScalar.string == "<<", keyScalar.style == .plain {
                    merged.append(
                        contentsOf: try mergeSources(valueNode, path: path, lints: &lints, file: file, limit: limit))
                    continue
                }
                let keyValue = try resolveKey(
                    keyNode, path: path, positions: &positions, lints: &lints, file: file, limit: limit)
                let key = keyValue.scalarText ?? (keyValue == .null ? "null" : keyValue.canonicalJSON())
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                let mark = keyNode.mark.map { SourcePosition(line: $0.line, column: $0.column) }
                // Keys equal only after resolution (`yes` and `true`) escape libyaml's textual duplicate check.
                if let earlier = keyLines[key] {
                    let here = mark ?? SourcePosition(line: 1, column: 1)
                    throw ModelError(
                        file: file, line: earlier.line, column: earlier.column,
                        message: "duplicate key \"\(key)\" (also at line \(here.line))")
                }
                if let mark {
                    keyLines[key] = mark
                    positions[childPath] = mark
                }
                pairs.append(
                    (
                        key,
                        try convert(
                            valueNode, path: childPath, positions: &positions, lints: &lints, file: file, limit: limit)
                    ))
            }
            // Explicit keys win over merged ones; earlier merge sources win over later ones (YAML merge spec).
            for (key, value) in merged where !pairs.contains(where: { $0.0 == key }) {
                pairs.append((key, value))
            }
            if let mark = node.mark { positions[path] = SourcePosition(line: mark.line, column: mark.column) }
            return .object(pairs)
        case let .alias(alias):
            throw ModelError(
                file: file, line: alias.mark?.line ?? 1, column: alias.mark?.column ?? 1,
                message: "unresolved alias")
        }
    }

    /// Resolves a mapping key. Plain keys always take the YAML 1.1 rule: Yams' duplicate check hashes keys,
    /// which stamps them with an explicit `str` tag, so a plain key's own tag cannot be trusted here.
    private static func resolveKey(
        _ node: Node, path: String, positions: inout [String: SourcePosition],
        lints: inout [SourcePosition: ModelError], file: String, limit: Int
    ) throws -> Value {
        if case let .scalar(scalar) = node, scalar.style == .plain {
            return ScalarResolver.resolve(scalar.string, tag: "", plain: true)
        }
        // Keys are not linted: a complex key's scalars stay out of the warnings.
        var ignored: [SourcePosition: ModelError] = [:]
        return try convert(node, path: path, positions: &positions, lints: &ignored, file: file, limit: limit)
    }

    private static func mergeSources(
        _ node: Node, path: String, lints: inout [SourcePosition: ModelError], file: String, limit: Int
    ) throws -> [(String, Value)] {
        var scratch: [String: SourcePosition] = [:]
        let sources: [Node]
        if case let .sequence(sequence) = node { sources = Array(sequence) } else { sources = [node] }
        var result: [(String, Value)] = []
        for source in sources {
            guard
                case let .object(pairs) = try convert(
                    source, path: path, positions: &scratch, lints: &lints, file: file, limit: limit)
            else {
                let mark = source.mark
                throw ModelError(
                    file: file, line: mark?.line ?? 1, column: mark?.column ?? 1,
                    message: "a merge key (<<) must refer to a mapping or a list of mappings")
            }
            for pair in pairs where !result.contains(where: { $0.0 == pair.0 }) { result.append(pair) }
        }
        return result
    }

    private static func convert(_ error: Error, file: String, text: String) -> ModelError {
        guard let yamlError = error as? YamlError else {
            return ModelError(file: file, line: 1, column: 1, message: "\(error)")
        }
        switch yamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            // libyaml notices an unclosed `[` or `{` where the file goes wrong, often lines later: name where
            // the construct was opened too, which is where the fix usually is.
            let detail =
                context.map { context in
                    let opened =
                        context.mark.line != mark.line || context.mark.column != mark.column
                        ? " (opened at line \(context.mark.line), column \(context.mark.column))" : ""
                    return "\(problem) \(context.text)\(opened)"
                } ?? problem
            return ModelError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? "?"
            let second = secondOccurrence(of: key, after: context.mark, in: text)
            let also = second.map { " (also at line \($0))" } ?? ""
            return ModelError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key \"\(key)\"\(also)")
        case let .reader(problem, _, _, _):
            return ModelError(file: file, line: 1, column: 1, message: "invalid YAML: \(problem)")
        default:
            return ModelError(file: file, line: 1, column: 1, message: "invalid YAML: \(yamlError)")
        }
    }

    /// The line of the next key `key` at the same column after `mark`: libyaml reports only the first one.
    private static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line < lines.count else { return nil }
        for index in mark.line..<lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " || $0 == "-" }.count
            let rest = line.dropFirst(indent)
            if indent == mark.column - 1, rest.hasPrefix("\(key):") || rest.hasPrefix("\"\(key)\":") {
                return index + 1
            }
        }
        return nil
    }
}

/// The Yams-based renderer (Yams.serialize over a node tree, libyaml's emitter).
enum LegacyYAMLRenderer {
    static func render(_ value: Value) throws -> String {
        try Yams.serialize(
            node: node(for: value), canonical: false, indent: 2, width: -1, allowUnicode: true,
            lineBreak: .ln, explicitStart: false, explicitEnd: false, version: nil, sortKeys: true)
    }

    private static func node(for value: Value) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null), .plain)
        case let .bool(b): return Node(b ? "true" : "false", Tag(.bool), .plain)
        case let .number(n): return Node(n, Tag(.int), .plain)
        case let .string(s):
            if s.contains("\n") { return Node(s, Tag(.str), .literal) }
            if ScalarResolver.changesType(s) || YAMLRenderer.looksNumeric(s) {
                return Node(s, Tag(.str), .doubleQuoted)
            }
            return Node(s, Tag(.str), .any)
        case let .array(items): return Node(items.map(node(for:)), Tag(.seq), .block)
        case let .object(pairs):
            let sorted = pairs.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
            return Node(sorted.map { (node(for: .string($0.0)), node(for: $0.1)) }, Tag(.map), .block)
        }
    }
}
