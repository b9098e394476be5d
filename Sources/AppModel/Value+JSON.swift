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

    /// Parses JSON (RFC 8259) into a value with Foundation's `JSONSerialization`: Placer's one JSON → ``Value`` path.
    ///
    /// Integers keep their exact text within 64 bits (`9007199254740993` stays so, it does not pass through a
    /// `Double`); other numbers are the shortest text of their `Double` (`2.0`, `1000.0` for `1e3`). Object members
    /// are sorted by key (JSON objects are unordered; duplicate keys keep the last). Top-level scalars are accepted.
    /// - Parameters:
    ///   - data: UTF-8 JSON text.
    ///   - file: the name used in errors.
    /// - Returns: the value.
    /// - Throws: ``ModelError`` (line 1) when the bytes are not one JSON value.
    public static func parseJSON(_ data: Data, file: String = "<json>") throws -> Value {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ModelError(file: file, line: 1, column: 1, message: "not JSON: \(error.localizedDescription)")
        }
        return try value(fromJSONObject: object, file: file)
    }

    /// Converts what `JSONSerialization` returned into a value.
    /// - Throws: ``ModelError`` for a type JSON does not have.
    static func value(fromJSONObject object: Any, file: String) throws -> Value {
        switch object {
        case is NSNull:
            return .null
        case let text as String:
            return .string(text)
        case let number as NSNumber:
            switch String(cString: number.objCType) {
            case "c", "B": return .bool(number.boolValue)  // JSON true/false
            case "d", "f": return .number(String(describing: number.doubleValue))
            default: return .number(number.stringValue)  // an integer type: exact text
            }
        case let array as [Any]:
            return .array(try array.map { try value(fromJSONObject: $0, file: file) })
        case let dictionary as [String: Any]:
            return .object(
                try dictionary.keys.sorted().map { ($0, try value(fromJSONObject: dictionary[$0]!, file: file)) })
        default:
            throw ModelError(file: file, line: 1, column: 1, message: "not a JSON value: \(type(of: object))")
        }
    }
}
