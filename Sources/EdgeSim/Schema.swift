import AppModel

/// One node of a CRD's structural `openAPIV3Schema`: the OpenAPI v3 subset Kubernetes CRDs use.
///
/// CEL rules (`x-kubernetes-validations`) are not evaluated.
final class Schema: Sendable {
    /// `type`: object, array, string, integer, number or boolean; nil when unset.
    let type: String?
    /// `properties`, in schema order.
    let properties: [(name: String, schema: Schema)]
    let required: [String]
    let items: Schema?
    /// `additionalProperties` as a schema (a map's value schema).
    let additionalProperties: Schema?
    let enumValues: [Value]?
    let format: String?
    let pattern: String?
    let minimum: Double?
    let maximum: Double?
    let minLength: Int?
    let maxLength: Int?
    let minItems: Int?
    let maxItems: Int?
    let defaultValue: Value?
    let nullable: Bool
    let preserveUnknownFields: Bool
    let embeddedResource: Bool
    let intOrString: Bool
    /// `x-kubernetes-list-type` (`atomic`, `set`, `map`); nil means atomic.
    let listType: String?
    /// `x-kubernetes-list-map-keys` of a `map` list.
    let listMapKeys: [String]
    /// The schema as written, for the OpenAPI documents.
    let raw: Value

    /// Reads a schema node.
    init(_ raw: Value) {
        self.raw = raw
        type = raw["type"]?.stringValue
        properties = (raw["properties"]?.objectValue ?? []).map { ($0.0, Schema($0.1)) }
        required = raw["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        items = raw["items"].map(Schema.init)
        additionalProperties = raw["additionalProperties"].flatMap { $0.objectValue == nil ? nil : Schema($0) }
        enumValues = raw["enum"]?.arrayValue
        format = raw["format"]?.stringValue
        pattern = raw["pattern"]?.stringValue
        minimum = raw["minimum"]?.doubleValue
        maximum = raw["maximum"]?.doubleValue
        minLength = raw["minLength"]?.scalarText.flatMap { Int($0) }
        maxLength = raw["maxLength"]?.scalarText.flatMap { Int($0) }
        minItems = raw["minItems"]?.scalarText.flatMap { Int($0) }
        maxItems = raw["maxItems"]?.scalarText.flatMap { Int($0) }
        defaultValue = raw["default"]
        nullable = raw["nullable"]?.boolValue ?? false
        preserveUnknownFields = raw["x-kubernetes-preserve-unknown-fields"]?.boolValue ?? false
        embeddedResource = raw["x-kubernetes-embedded-resource"]?.boolValue ?? false
        intOrString = raw["x-kubernetes-int-or-string"]?.boolValue ?? false
        listType = raw["x-kubernetes-list-type"]?.stringValue
        listMapKeys = raw["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The schema of property `name`, if declared.
    func property(_ name: String) -> Schema? {
        properties.first { $0.name == name }?.schema
    }

    /// The schema of a member of an object value with this schema: a declared property, else the
    /// `additionalProperties` schema.
    func member(_ name: String) -> Schema? {
        property(name) ?? additionalProperties
    }
}
