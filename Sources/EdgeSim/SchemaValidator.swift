import AppModel
import Foundation

/// Checks an object against a CRD's structural schema as kube-apiserver does for custom resources: prunes
/// unknown fields (and nulls the schema does not allow), applies `default`s, then validates.
///
/// The root's `apiVersion`, `kind` and `metadata` are left to the hub (ObjectMeta is not schema-checked).
struct SchemaValidator {
    /// Why the object is invalid; empty when it is valid.
    private(set) var causes: [FieldCause] = []
    /// Paths of fields the schema does not declare (pruned from the result).
    private(set) var unknownFields: [String] = []

    /// Checks `object` against `schema`.
    /// - Returns: the pruned and defaulted object.
    mutating func check(object: Value, schema: Schema) -> Value {
        guard case .object(let pairs) = object else {
            causes.append(.invalid("", object, "must be an object"))
            return object
        }
        let meta = ["apiVersion", "kind", "metadata"]
        let kept = Value.object(pairs.filter { !meta.contains($0.0) })
        let checked = check(kept, schema, path: "", skipping: meta) ?? .object([])
        return .object(pairs.filter { meta.contains($0.0) } + (checked.objectValue ?? []))
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Checks one value; nil means the value is dropped (a null the schema does not allow).
    private mutating func check(_ value: Value, _ schema: Schema, path: String, skipping: [String] = []) -> Value? {
        if value == .null { return schema.nullable ? .null : nil }
        if let allowed = schema.enumValues, !allowed.contains(value) {
            let list = allowed.map(FieldCause.display).joined(separator: ", ")
            causes.append(
                FieldCause(
                    reason: "FieldValueNotSupported",
                    message: "Unsupported value: \(FieldCause.display(value)): supported values: \(list)", field: path))
        }
        if schema.intOrString {
            if case .string = value { return value }
            if case .number(let text) = value, Self.isInteger(text) { return value }
            causes.append(.invalid(path, value, "\(path) in body must be of type int-or-string"))
            return value
        }
        switch value {
        case .object(let pairs):
            guard schema.type == nil || schema.type == "object" else { return typeMismatch(value, schema, path) }
            return checkObject(pairs, schema, path: path, skipping: skipping)
        case .array(let items):
            guard schema.type == nil || schema.type == "array" else { return typeMismatch(value, schema, path) }
            return checkArray(items, schema, path: path)
        case .string(let text):
            guard schema.type == nil || schema.type == "string" else { return typeMismatch(value, schema, path) }
            checkString(text, schema, path: path)
        case .number(let text):
            guard schema.type == nil || schema.type == "number" || (schema.type == "integer" && Self.isInteger(text))
            else { return typeMismatch(value, schema, path) }
            if let number = Double(text) {
                if let minimum = schema.minimum, number < minimum {
                    causes.append(
                        .invalid(
                            path, value, "\(path) in body should be greater than or equal to \(Self.bound(minimum))"))
                }
                if let maximum = schema.maximum, number > maximum {
                    causes.append(
                        .invalid(path, value, "\(path) in body should be less than or equal to \(Self.bound(maximum))"))
                }
            }
        case .bool:
            guard schema.type == nil || schema.type == "boolean" else { return typeMismatch(value, schema, path) }
        case .null:
            break
        }
        return value
    }

    private mutating func checkObject(
        _ pairs: [(String, Value)], _ schema: Schema, path: String, skipping: [String]
    ) -> Value {
        var result: [(String, Value)] = []
        let embedded = schema.embeddedResource ? ["apiVersion", "kind", "metadata"] : []
        for (key, member) in pairs {
            let memberPath = Self.join(path, key)
            if let sub = schema.member(key) {
                if let checked = check(member, sub, path: memberPath) { result.append((key, checked)) }
            } else if schema.preserveUnknownFields || embedded.contains(key) || skipping.contains(key) {
                result.append((key, member))
            } else {
                unknownFields.append(memberPath)
            }
        }
        for (name, sub) in schema.properties where !result.contains(where: { $0.0 == name }) {
            if let value = sub.defaultValue, let checked = check(value, sub, path: Self.join(path, name)) {
                result.append((name, checked))
            }
        }
        for name in schema.required + (schema.embeddedResource ? ["apiVersion", "kind"] : [])
        where !result.contains(where: { $0.0 == name }) {
            causes.append(.required(Self.join(path, name)))
        }
        return .object(result)
    }

    private mutating func checkArray(_ items: [Value], _ schema: Schema, path: String) -> Value {
        if let minItems = schema.minItems, items.count < minItems {
            causes.append(.invalid(path, .int(items.count), "\(path) in body should have at least \(minItems) items"))
        }
        if let maxItems = schema.maxItems, items.count > maxItems {
            causes.append(
                FieldCause(
                    reason: "FieldValueTooMany",
                    message: "Too many: \(items.count): must have at most \(maxItems) items",
                    field: path))
        }
        var result: [Value] = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            if let itemSchema = schema.items {
                if let checked = check(item, itemSchema, path: itemPath) { result.append(checked) }
            } else {
                result.append(item)
            }
        }
        if schema.listType == "map" || schema.listType == "set" {
            var seen: Set<Value> = []
            for (index, item) in result.enumerated() {
                let identity: Value =
                    schema.listType == "set" ? item : .object(schema.listMapKeys.map { ($0, item[$0] ?? .null) })
                if !seen.insert(identity).inserted {
                    causes.append(
                        FieldCause(
                            reason: "FieldValueDuplicate", message: "Duplicate value: \(identity.canonicalJSON())",
                            field: "\(path)[\(index)]"))
                }
            }
        }
        return .array(result)
    }

    private mutating func checkString(_ text: String, _ schema: Schema, path: String) {
        let value = Value.string(text)
        if let minLength = schema.minLength, text.count < minLength {
            causes.append(.invalid(path, value, "\(path) in body should be at least \(minLength) chars long"))
        }
        if let maxLength = schema.maxLength, text.count > maxLength {
            causes.append(
                FieldCause(
                    reason: "FieldValueTooLong", message: "Too long: may not be more than \(maxLength) bytes",
                    field: path))
        }
        if let pattern = schema.pattern, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
            causes.append(.invalid(path, value, "\(path) in body should match '\(pattern)'"))
        }
        if schema.format == "date-time", !Self.isDateTime(text) {
            causes.append(.invalid(path, value, "\(path) in body must be of type date-time: \"\(text)\""))
        }
    }

    private mutating func typeMismatch(_ value: Value, _ schema: Schema, _ path: String) -> Value {
        let actual: String
        switch value {
        case .object: actual = "object"
        case .array: actual = "array"
        case .string: actual = "string"
        case .number(let text): actual = Self.isInteger(text) ? "integer" : "number"
        case .bool: actual = "boolean"
        case .null: actual = "null"
        }
        causes.append(
            .invalid(path, .string(actual), "\(path) in body must be of type \(schema.type ?? "?"): \"\(actual)\""))
        return value
    }

    private static func isInteger(_ text: String) -> Bool {
        !text.contains(".") && !text.contains("e") && !text.contains("E")
    }

    private static func bound(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// RFC 3339 date-time, leniently: with or without fractional seconds, `Z` or an offset.
    static func isDateTime(_ text: String) -> Bool {
        if (try? Date(text, strategy: .iso8601)) != nil { return true }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (try? fractional.parse(text)) != nil
    }
}
