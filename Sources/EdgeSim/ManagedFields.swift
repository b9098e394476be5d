import AppModel

/// One `metadata.managedFields` entry: the fields one manager owns through one operation.
struct ManagedFieldsEntry: Sendable, Equatable {
    var manager: String
    /// `Apply` or `Update`.
    var operation: String
    var apiVersion: String
    var time: String
    /// `status` for writes through the status subresource, else nil.
    var subresource: String?
    var fields: Set<FieldPath>

    /// Reads an entry (`fieldsV1` as the nested `f:`/`k:`/`v:` object structured-merge-diff writes).
    init?(_ value: Value) {
        guard let manager = value["manager"]?.stringValue, let operation = value["operation"]?.stringValue else {
            return nil
        }
        self.manager = manager
        self.operation = operation
        apiVersion = value["apiVersion"]?.stringValue ?? ""
        time = value["time"]?.stringValue ?? ""
        subresource = value["subresource"]?.stringValue
        fields = Self.decode(value["fieldsV1"] ?? .object([]), prefix: [])
    }

    init(manager: String, operation: String, apiVersion: String, time: String, subresource: String?) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource
        fields = []
    }

    /// Whether `other` is the same manager, operation and subresource.
    func sameOwner(_ other: ManagedFieldsEntry) -> Bool {
        manager == other.manager && operation == other.operation && subresource == other.subresource
    }

    /// The entry as stored.
    var value: Value {
        .object(
            [
                ("manager", .string(manager)), ("operation", .string(operation)), ("apiVersion", .string(apiVersion)),
                ("time", .string(time)), ("fieldsType", .string("FieldsV1")), ("fieldsV1", Self.encode(fields)),
                ("subresource", subresource.map(Value.string)),
            ].compactMap { key, value in value.map { (key, $0) } })
    }

    /// How a conflict with this manager is named: `"A"` for an applier, `"A" using v1` for an updater.
    var conflictName: String {
        operation == "Apply" ? "\"\(manager)\"" : "\"\(manager)\" using \(apiVersion)"
    }

    private static func decode(_ value: Value, prefix: [String]) -> Set<FieldPath> {
        guard case .object(let pairs) = value, !pairs.isEmpty else {
            return prefix.isEmpty ? [] : [FieldPath(elements: prefix)]
        }
        var result: Set<FieldPath> = []
        for (key, member) in pairs {
            if key == "." {
                result.insert(FieldPath(elements: prefix))
            } else {
                result.formUnion(decode(member, prefix: prefix + [key]))
            }
        }
        return result
    }

    private static func encode(_ fields: Set<FieldPath>) -> Value {
        func insert(_ elements: ArraySlice<String>, into value: Value) -> Value {
            guard let first = elements.first else { return value.setting(".", to: .object([])) }
            let child = value[first] ?? .object([])
            return value.setting(first, to: insert(elements.dropFirst(), into: child))
        }
        func normalise(_ value: Value) -> Value {
            guard case .object(let pairs) = value else { return value }
            if pairs.count == 1, pairs[0].0 == "." { return .object([]) }
            return .object(pairs.map { ($0.0, normalise($0.1)) })
        }
        var result = Value.object([])
        for path in fields.sorted() where !path.elements.isEmpty {
            result = insert(path.elements[...], into: result)
        }
        return normalise(result)
    }
}

/// Field sets of objects: the leaf fields a body sets, and merging an applied body into an object.
enum ManagedFields {
    /// The schema of the `metadata` members a client may own: labels and annotations are maps, finalizers a set,
    /// ownerReferences a list keyed by uid.
    static let metadataSchema = Schema(
        .object([
            ("type", .string("object")),
            (
                "properties",
                .object([
                    (
                        "labels",
                        .object([
                            ("type", .string("object")),
                            ("additionalProperties", .object([("type", .string("string"))])),
                        ])
                    ),
                    (
                        "annotations",
                        .object([
                            ("type", .string("object")),
                            ("additionalProperties", .object([("type", .string("string"))])),
                        ])
                    ),
                    ("finalizers", .object([("type", .string("array")), ("x-kubernetes-list-type", .string("set"))])),
                    (
                        "ownerReferences",
                        .object([
                            ("type", .string("array")), ("x-kubernetes-list-type", .string("map")),
                            ("x-kubernetes-list-map-keys", .array([.string("uid")])),
                        ])
                    ),
                ])
            ),
        ]))

    /// The part of `object` a write of `part` may set: for the main resource everything but `apiVersion`, `kind`,
    /// server-owned metadata and (with a status subresource) `status`; for `/status` only `status`.
    static func writable(_ object: Value, part: WritePart, type: ResourceType) -> Value {
        var pairs: [(String, Value)] = []
        for (key, value) in object.objectValue ?? [] {
            switch key {
            case "apiVersion", "kind": continue
            case "status":
                if part == .status || !type.hasStatusSubresource { pairs.append((key, value)) }
            case "metadata":
                guard part == .main else { continue }
                let user = (value.objectValue ?? []).filter {
                    HubStore.userMetadataKeys.contains($0.0) && $0.1 != .null
                }
                if !user.isEmpty { pairs.append((key, .object(user))) }
            default:
                if part == .main { pairs.append((key, value)) }
            }
        }
        return .object(pairs)
    }

    /// The schema to walk a member of the root object with.
    static func rootMember(_ key: String, _ schema: Schema?) -> Schema? {
        key == "metadata" ? metadataSchema : schema?.member(key)
    }

    /// The leaf fields `value` sets (objects recursed, `map`/`set` lists per element, other lists whole).
    static func leaves(_ value: Value, schema: Schema?, root: Bool = true, prefix: [String] = []) -> Set<FieldPath> {
        switch value {
        case .object(let pairs) where !pairs.isEmpty:
            var result: Set<FieldPath> = []
            for (key, member) in pairs {
                let sub = root ? rootMember(key, schema) : schema?.member(key)
                result.formUnion(leaves(member, schema: sub, root: false, prefix: prefix + ["f:\(key)"]))
            }
            return result
        case .array(let items) where schema?.listType == "map" || schema?.listType == "set":
            var result: Set<FieldPath> = []
            for item in items {
                guard let element = listElement(item, schema: schema) else { continue }
                let path = prefix + [element]
                let extra = item.objectValue?.filter { !(schema?.listMapKeys.contains($0.0) ?? false) } ?? []
                if schema?.listType == "set" || extra.isEmpty {
                    result.insert(FieldPath(elements: path))
                } else {
                    result.formUnion(leaves(.object(extra), schema: schema?.items, root: false, prefix: path))
                }
            }
            return result
        default:
            return prefix.isEmpty ? [] : [FieldPath(elements: prefix)]
        }
    }

    /// The `k:`/`v:` element naming `item` in a map or set list.
    static func listElement(_ item: Value, schema: Schema?) -> String? {
        if schema?.listType == "set" { return "v:" + item.canonicalJSON() }
        let keys = schema?.listMapKeys ?? []
        guard !keys.isEmpty else { return nil }
        return "k:" + Value.object(keys.map { ($0, item[$0] ?? .null) }).canonicalJSON()
    }

    /// Merges an applied body into `base`: objects member by member, `map` lists by key, `set` lists by value,
    /// everything else replaced.
    static func merge(_ applied: Value, into base: Value, schema: Schema?, root: Bool = true) -> Value {
        switch (applied, base) {
        case (.object(let pairs), .object):
            var result = base
            for (key, member) in pairs {
                let sub = root ? rootMember(key, schema) : schema?.member(key)
                result = result.setting(key, to: merge(member, into: base[key] ?? .null, schema: sub, root: false))
            }
            return result
        case (.array(let items), .array(var existing)) where schema?.listType == "map" || schema?.listType == "set":
            for item in items {
                guard let element = listElement(item, schema: schema) else { continue }
                if let index = FieldPath.step(.array(existing), element) {
                    existing[index] = merge(item, into: existing[index], schema: schema?.items, root: false)
                } else {
                    existing.append(item)
                }
            }
            return .array(existing)
        default:
            return applied
        }
    }
}
