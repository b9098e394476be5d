import AppModel

/// One reason an object is invalid, as a Kubernetes Status `details.causes[]` entry.
struct FieldCause: Sendable, Equatable {
    /// `FieldValueRequired`, `FieldValueInvalid`, `FieldValueNotSupported`, `FieldValueTooLong`, ...
    var reason: String
    /// The message after the field path (`Required value`, `Invalid value: ...`).
    var message: String
    /// The field path (`spec.workload.manifests[0].kind`).
    var field: String

    /// `<field>: <message>`, as in the Status message.
    var text: String { "\(field): \(message)" }

    /// The `details.causes[]` entry.
    var value: Value {
        .object([("reason", .string(reason)), ("message", .string(message)), ("field", .string(field))])
    }

    static func required(_ field: String) -> FieldCause {
        FieldCause(reason: "FieldValueRequired", message: "Required value", field: field)
    }

    static func invalid(_ field: String, _ value: Value, _ detail: String) -> FieldCause {
        FieldCause(
            reason: "FieldValueInvalid", message: "Invalid value: \(display(value)): \(detail)", field: field)
    }

    /// A value as Kubernetes quotes it in messages: strings quoted, numbers and booleans bare, others by type.
    static func display(_ value: Value) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .array: return "\"array\""
        case .object: return "\"object\""
        }
    }
}
