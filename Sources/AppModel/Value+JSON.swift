import Foundation

extension Value {
    /// Canonical JSON text: object keys sorted by UTF-8 bytes, no insignificant whitespace, numbers as stored.
    ///
    /// This is the body Placer sends to the Kubernetes API; equal values give equal bytes (RFC 8259 syntax).
    public func canonicalJSON() -> String {
        var out = ""
        writeJSON(into: &out)
        return out
    }

    /// Canonical JSON as UTF-8 bytes.
    public func canonicalJSONData() -> Data { Data(canonicalJSON().utf8) }

    private func writeJSON(into out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .number(n): out += n
        case let .string(s): Value.writeJSONString(s, into: &out)
        case let .array(items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeJSON(into: &out)
            }
            out += "]"
        case let .object(pairs):
            out += "{"
            for (index, pair) in pairs.sorted(by: { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }).enumerated() {
                if index > 0 { out += "," }
                Value.writeJSONString(pair.0, into: &out)
                out += ":"
                pair.1.writeJSON(into: &out)
            }
            out += "}"
        }
    }

    private static func writeJSONString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// Parses JSON (RFC 8259) into a value, keeping number text exact.
    ///
    /// - Throws: ``ModelError`` when the bytes are not a single JSON value.
    public static func parseJSON(_ data: Data, file: String = "<json>") throws -> Value {
        // JSON is a subset of YAML 1.2 and, for the documents Kubernetes exchanges, of YAML 1.1 too.
        let documents = try YAMLLoader.load(data, file: file)
        guard documents.count == 1, let document = documents.first else {
            throw ModelError(file: file, line: 1, column: 1, message: "expected one JSON value, found \(documents.count)")
        }
        return document.value
    }
}
