import Foundation

/// A JSON-shaped value as Kubernetes sees a manifest after YAML decoding.
///
/// Numbers keep their exact decimal text (`number("9007199254740993")`), so integers above 2^53 survive a
/// round trip; objects keep their keys in source order but compare and render sorted by key.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A JSON number in canonical text form: an integer without leading zeros or a finite decimal.
    case number(String)
    case string(String)
    case array([Value])
    case object([(String, Value)])

    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            let sortedA = a.sorted { $0.0 < $1.0 }
            let sortedB = b.sorted { $0.0 < $1.0 }
            return zip(sortedA, sortedB).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(b): hasher.combine(b)
        case let .number(n): hasher.combine(n)
        case let .string(s): hasher.combine(s)
        case let .array(a): hasher.combine(a)
        case let .object(pairs):
            for (key, value) in pairs.sorted(by: { $0.0 < $1.0 }) {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    /// Builds a number value from an integer.
    public static func int(_ value: Int) -> Value { .number(String(value)) }

    /// Builds a number value from a double; integral values render without a fraction.
    public static func double(_ value: Double) -> Value {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return .number(String(Int64(value)))
        }
        return .number(value.isFinite ? "\(value)" : "0")
    }

    /// Builds an object from dictionary pairs, dropping `nil` values.
    public static func object(_ pairs: KeyValuePairs<String, Value?>) -> Value {
        .object(pairs.compactMap { key, value in value.map { (key, $0) } })
    }
}

extension Value {
    /// The member `key` of an object, `nil` for a missing key or a non-object.
    public subscript(key: String) -> Value? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// Follows a dotted path of object keys (`"metadata.name"`).
    public subscript(path path: String) -> Value? {
        var current: Value? = self
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The value as text: strings as they are, numbers and booleans as written.
    public var scalarText: String? {
        switch self {
        case let .string(s): return s
        case let .number(n): return n
        case let .bool(b): return b ? "true" : "false"
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case let .number(n): return Double(n)
        case let .string(s): return Double(s)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var arrayValue: [Value]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var objectValue: [(String, Value)]? {
        if case let .object(o) = self { return o }
        return nil
    }

    /// Returns a copy with `key` set (replacing an existing member in place) on an object value.
    public func setting(_ key: String, to value: Value) -> Value {
        guard case var .object(pairs) = self else { return self }
        if let index = pairs.firstIndex(where: { $0.0 == key }) {
            pairs[index].1 = value
        } else {
            pairs.append((key, value))
        }
        return .object(pairs)
    }

    /// Returns a copy without member `key`.
    public func removing(_ key: String) -> Value {
        guard case let .object(pairs) = self else { return self }
        return .object(pairs.filter { $0.0 != key })
    }
}
