import AppModel

/// A path to one field, in structured-merge-diff's element syntax: `f:<name>` for an object member,
/// `k:<json>` for a `map` list element by its key fields, `v:<json>` for a `set` list element.
///
/// Lists without `x-kubernetes-list-type` (or `atomic`) are leaves: owned and replaced as a whole.
struct FieldPath: Hashable, Sendable, Comparable {
    var elements: [String]

    static func < (lhs: FieldPath, rhs: FieldPath) -> Bool { lhs.elements.lexicographicallyPrecedes(rhs.elements) }

    /// Whether `self` is `other` or lies under it.
    func isWithin(_ other: FieldPath) -> Bool {
        elements.count >= other.elements.count && Array(elements.prefix(other.elements.count)) == other.elements
    }

    /// As Kubernetes prints it in conflicts: `.spec.x`, `.status.conditions[type="Applied"].status`.
    var display: String {
        elements.map { element -> String in
            let body = String(element.dropFirst(2))
            switch element.prefix(2) {
            case "f:": return "." + body
            case "k:":
                guard case .object(let pairs)? = try? Value.parseJSON(.init(body.utf8)) else { return "[\(body)]" }
                let keys = pairs.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1.canonicalJSON())" }
                return "[" + keys.joined(separator: ",") + "]"
            default: return "[=\(body)]"
            }
        }.joined()
    }

    /// The value at this path in `object`, or nil when absent.
    func value(in object: Value) -> Value? {
        var current = object
        for element in elements {
            if element.hasPrefix("f:") {
                guard let next = current[String(element.dropFirst(2))] else { return nil }
                current = next
            } else {
                guard case .array(let items) = current, let index = Self.step(current, element) else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// The index of the list element `element` (`k:` or `v:`) selects in `list`, if any.
    static func step(_ list: Value, _ element: String) -> Int? {
        guard case .array(let items) = list, !element.hasPrefix("f:") else { return nil }
        guard let wanted = try? Value.parseJSON(.init(element.dropFirst(2).utf8)) else { return nil }
        if element.hasPrefix("v:") { return items.firstIndex(of: wanted) }
        let keys = wanted.objectValue ?? []
        return items.firstIndex { item in keys.allSatisfy { item[$0.0] == $0.1 } }
    }

    /// Returns `object` without the field at this path (nothing changes when it is absent).
    func removing(from object: Value) -> Value {
        Self.remove(elements[...], from: object)
    }

    private static func remove(_ elements: ArraySlice<String>, from value: Value) -> Value {
        guard let first = elements.first else { return value }
        let rest = elements.dropFirst()
        if first.hasPrefix("f:") {
            let key = String(first.dropFirst(2))
            guard let member = value[key] else { return value }
            return rest.isEmpty ? value.removing(key) : value.setting(key, to: remove(rest, from: member))
        }
        guard case .array(var items) = value, let index = step(value, first) else { return value }
        if rest.isEmpty {
            items.remove(at: index)
        } else {
            items[index] = remove(rest, from: items[index])
        }
        return .array(items)
    }
}
