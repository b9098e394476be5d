import Foundation

/// Cuts the elements of a JSON list response's top-level `items` array out of the raw bytes, unchanged.
///
/// Keeping each item's bytes exact (rather than decoding and re-encoding) keeps numbers and key order as the
/// server sent them.
enum JSONItems {
    /// The raw JSON of every element of `items`; nil when the body is not an object with an `items` array.
    static func split(_ data: Data) -> [Data]? {
        let bytes = [UInt8](data)
        var index = 0
        var depth = 0
        var key: [UInt8] = []
        var expectingKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let end = skipString(bytes, from: index)
                if depth == 1, expectingKey { key = Array(bytes[(index + 1)..<max(index + 1, end - 1)]) }
                index = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 1, byte == UInt8(ascii: "["), key == Array("items".utf8) {
                    return elements(bytes, arrayStart: index)
                }
                depth += 1
                expectingKey = byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: ":"):
                expectingKey = false
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The raw JSON of the value of a top-level member of an object, unchanged; nil when absent or not an object.
    static func member(_ name: String, in data: Data) -> Data? {
        let bytes = [UInt8](data)
        let wanted = Array(name.utf8)
        var index = 0
        var depth = 0
        var key: [UInt8]?
        var expectingKey = false
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let end = skipString(bytes, from: index)
                if depth == 1, expectingKey { key = Array(bytes[(index + 1)..<max(index + 1, end - 1)]) }
                index = end
                continue
            case UInt8(ascii: ":") where depth == 1:
                expectingKey = false
                if key == wanted { return valueBytes(bytes, from: index + 1) }
                key = nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The value starting after `start` (leading blanks skipped) up to the `,` or `}` that ends it.
    private static func valueBytes(_ bytes: [UInt8], from start: Int) -> Data? {
        var index = start
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        let valueStart = index
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index = skipString(bytes, from: index)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { return trimmed(bytes, valueStart, index) }
                depth -= 1
            case UInt8(ascii: ",") where depth == 0:
                return trimmed(bytes, valueStart, index)
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The index just past the string literal starting at `start`.
    private static func skipString(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if bytes[index] == UInt8(ascii: "\"") { return index + 1 }
            index += 1
        }
        return index
    }

    private static func elements(_ bytes: [UInt8], arrayStart: Int) -> [Data]? {
        var result: [Data] = []
        var index = arrayStart + 1
        var depth = 0
        var elementStart: Int?
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                if elementStart == nil { elementStart = index }
                index = skipString(bytes, from: index)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if elementStart == nil { elementStart = index }
                depth += 1
            case UInt8(ascii: "}"):
                depth -= 1
            case UInt8(ascii: "]"):
                if depth > 0 {
                    depth -= 1
                } else {
                    if let start = elementStart { result.append(trimmed(bytes, start, index)) }
                    return result
                }
            case UInt8(ascii: ",") where depth == 0:
                if let start = elementStart { result.append(trimmed(bytes, start, index)) }
                elementStart = nil
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                break
            default:
                if elementStart == nil { elementStart = index }
            }
            index += 1
        }
        return nil
    }

    private static func trimmed(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Data {
        var end = end
        while end > start, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[end - 1]) { end -= 1 }
        return Data(bytes[start..<end])
    }
}
