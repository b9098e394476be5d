import AppModel
import Foundation

/// The API verbs, applied to the store with Kubernetes semantics.
extension HubStore {
    /// Metadata members a client may write; everything else in `metadata` is owned by the server.
    static let userMetadataKeys = ["labels", "annotations", "finalizers", "ownerReferences"]

    static func key(_ type: ResourceType, _ namespace: String?, _ name: String) -> ObjectKey {
        ObjectKey(plural: type.plural, namespace: type.namespaced ? (namespace ?? "") : "", name: name)
    }

    /// GET one object.
    /// - Throws: ``APIError`` 404 when it does not exist.
    func get(_ type: ResourceType, namespace: String?, name: String) throws -> Value {
        if type == ResourceCatalog.namespaces {
            guard let value = namespaceObjects().first(where: { $0.objectName == name }) else {
                throw APIError.notFound(type, name)
            }
            return value
        }
        guard let value = objects[Self.key(type, namespace, name)] else { throw APIError.notFound(type, name) }
        return value
    }

    /// LIST objects, optionally in one namespace and filtered by a label selector.
    func list(_ type: ResourceType, namespace: String?, selector: LabelSelector?) -> [Value] {
        let all = type == ResourceCatalog.namespaces ? namespaceObjects() : stored(type.plural, namespace: namespace)
        guard let selector else { return all }
        return all.filter { selector.matches($0.objectLabels) }
    }

    /// POST: creates an object; `metadata.generateName` is honoured.
    /// - Throws: ``APIError`` 409 `AlreadyExists`, 400 for a body that does not fit the URL or fails admission,
    ///   422 without a name or against the schema.
    func create(_ type: ResourceType, namespace: String?, body: Value, options: WriteOptions) throws -> Value {
        var body = body
        if body.objectName.isEmpty, let prefix = body[path: "metadata.generateName"]?.stringValue {
            let suffix = String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(5))
            body = body.settingMetadata("name", to: .string(prefix + suffix))
        }
        let name = body.objectName
        guard !name.isEmpty else {
            throw APIError.invalid(type, "", "metadata.name: Required value: name or generateName is required")
        }
        try Self.check(body, fits: type, namespace: namespace, name: name)
        try Self.checkName(type, name)
        let key = Self.key(type, namespace, name)
        guard objects[key] == nil else { throw APIError.alreadyExists(type, name) }
        var candidate = Self.compose(base: .object([]), source: body, part: .main, type: type, keepAbsent: [])
        candidate = try admit(type, name: name, candidate, part: .main, options: options)
        candidate = recordUpdate(type, old: nil, new: candidate, part: .main, manager: options.manager)
        return write(type, key: key, old: nil, candidate: candidate, options: options)
    }

    /// PUT: replaces the main resource or its status; a `metadata.resourceVersion` in the body must be current.
    /// - Throws: ``APIError`` 404, 409 `Conflict` for a stale resourceVersion, 400 for a mismatched body, 422.
    func update(
        _ type: ResourceType, namespace: String?, name: String, body: Value, part: WritePart, options: WriteOptions
    ) throws -> Value {
        try Self.check(body, fits: type, namespace: namespace, name: name)
        let key = Self.key(type, namespace, name)
        guard let old = objects[key] else { throw APIError.notFound(type, name) }
        try Self.checkResourceVersion(body, against: old, type: type)
        var candidate = Self.compose(base: old, source: body, part: part, type: type, keepAbsent: [])
        candidate = try admit(type, name: name, candidate, part: part, options: options)
        candidate = recordUpdate(type, old: old, new: candidate, part: part, manager: options.manager)
        return write(type, key: key, old: old, candidate: candidate, options: options)
    }

    /// PATCH `application/merge-patch+json` (RFC 7386) of the main resource or its status.
    /// - Throws: ``APIError`` 404, 400 for a patch that is not an object or renames the object, 422.
    func mergePatch(
        _ type: ResourceType, namespace: String?, name: String, patch: Value, part: WritePart, options: WriteOptions
    ) throws -> Value {
        guard patch.objectValue != nil else { throw APIError.badRequest("a merge patch must be a JSON object") }
        let key = Self.key(type, namespace, name)
        guard let old = objects[key] else { throw APIError.notFound(type, name) }
        try Self.checkResourceVersion(patch, against: old, type: type)
        let patched = old.mergePatched(with: patch)
        try Self.check(patched, fits: type, namespace: namespace, name: name)
        var candidate = Self.compose(base: old, source: patched, part: part, type: type, keepAbsent: [])
        candidate = try admit(type, name: name, candidate, part: part, options: options)
        candidate = recordUpdate(type, old: old, new: candidate, part: part, manager: options.manager)
        return write(type, key: key, old: old, candidate: candidate, options: options)
    }

    /// DELETE: removes the object, or marks it with `deletionTimestamp` while it still has finalizers.
    /// - Returns: the object as it was (or as marked).
    /// - Throws: ``APIError`` 404.
    func delete(_ type: ResourceType, namespace: String?, name: String, options: WriteOptions) throws -> Value {
        let key = Self.key(type, namespace, name)
        guard let old = objects[key] else { throw APIError.notFound(type, name) }
        if let finalizers = old[path: "metadata.finalizers"]?.arrayValue, !finalizers.isEmpty {
            if old[path: "metadata.deletionTimestamp"] != nil { return old }
            let marked = old.settingMetadata("deletionTimestamp", to: .string(Self.timestamp()))
            return write(type, key: key, old: old, candidate: marked, options: options)
        }
        if options.dryRun { return old }
        return remove(type, key) ?? old
    }

    /// Stores a checked candidate, or only returns it for a dry run.
    func write(_ type: ResourceType, key: ObjectKey, old: Value?, candidate: Value, options: WriteOptions) -> Value {
        guard options.dryRun else { return commit(type, key: key, old: old, candidate: candidate, byClient: true) }
        var preview = candidate.setting("apiVersion", to: .string(type.apiVersion))
            .setting("kind", to: .string(type.kind))
            .settingMetadata("name", to: .string(key.name))
            .settingMetadata("namespace", to: key.namespace.isEmpty ? nil : .string(key.namespace))
        for field in ["uid", "creationTimestamp", "generation", "resourceVersion"] {
            preview = preview.settingMetadata(field, to: old?[path: "metadata.\(field)"])
        }
        return preview
    }

    /// Stores an object as given, status included (test and demo setup; not a client mutation).
    /// A seeded ManifestWork without status is handed to the work agent.
    /// - Throws: ``APIError`` 400 for an unknown `apiVersion`/`kind` or a missing name or namespace.
    func seed(_ object: Value) throws -> Value {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        guard let type = ResourceCatalog.type(apiVersion: apiVersion, kind: kind) else {
            throw APIError.badRequest("no resource served for apiVersion \(apiVersion) kind \(kind)")
        }
        let name = object.objectName
        let namespace = object.objectNamespace ?? ""
        guard !name.isEmpty, namespace.isEmpty != type.namespaced else {
            throw APIError.badRequest("a seeded \(kind) needs metadata.name\(type.namespaced ? " and namespace" : "")")
        }
        let key = Self.key(type, namespace, name)
        return commit(
            type, key: key, old: objects[key], candidate: object, byClient: false,
            notifyAgent: object["status"] == nil)
    }

    /// Writes a ManifestWork's status on behalf of the work agent, if the work still has `generation`.
    /// Bumps resourceVersion but is not a client mutation.
    func recordAgentStatus(_ event: WorkEvent, _ makeStatus: @Sendable (Value) -> Value) {
        let key = ObjectKey(plural: ResourceCatalog.manifestWorks.plural, namespace: event.namespace, name: event.name)
        guard let old = objects[key], old.objectGeneration == event.generation else { return }
        let candidate = old.setting("status", to: makeStatus(old))
        commit(ResourceCatalog.manifestWorks, key: key, old: old, candidate: candidate, byClient: false)
    }

    /// The object a write produces from `base` (the stored object, or empty) and the client's `source`.
    static func compose(
        base: Value, source: Value, part: WritePart, type: ResourceType, keepAbsent: Set<String>
    ) -> Value {
        if part == .status { return base.setting("status", toOptional: source["status"]) }
        var result = source.specPart
        if let status = type.hasStatusSubresource ? base["status"] : source["status"] {
            result = result.setting("status", to: status)
        }
        var metadata = base["metadata"] ?? .object([])
        for key in userMetadataKeys {
            var value = source["metadata"]?[key]
            if let candidate = value, candidate == .null || candidate == .object([]) || candidate == .array([]) {
                value = nil
            }
            if value == nil, keepAbsent.contains(key) { continue }
            metadata = metadata.setting(key, toOptional: value)
        }
        return result.setting("metadata", to: metadata)
    }

    /// Checks that a body is an object of `type` named `name` in `namespace`.
    static func check(_ body: Value, fits type: ResourceType, namespace: String?, name: String) throws {
        guard body.objectValue != nil else {
            throw APIError.badRequest("the request body must be a JSON or YAML object")
        }
        if let apiVersion = body["apiVersion"]?.stringValue, apiVersion != type.apiVersion {
            throw APIError.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version "
                    + "(\(type.apiVersion))")
        }
        if let kind = body["kind"]?.stringValue, kind != type.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(type.kind))")
        }
        let bodyName = body.objectName
        if !bodyName.isEmpty, bodyName != name {
            throw APIError.badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if type.namespaced, let bodyNamespace = body.objectNamespace, !bodyNamespace.isEmpty,
            bodyNamespace != namespace
        {
            throw APIError.badRequest(
                "the namespace of the provided object does not match the namespace sent on the request")
        }
    }

    /// Checks that a new object's name is a DNS-1123 subdomain, as kube-apiserver requires.
    /// - Throws: ``APIError`` 422 Invalid on `metadata.name`.
    static func checkName(_ type: ResourceType, _ name: String) throws {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            name.count <= 253
            && labels.allSatisfy { label in
                guard let first = label.first, let last = label.last else { return false }
                return first != "-" && last != "-"
                    && label.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
            }
        guard !valid else { return }
        let message =
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'example.com')"
        throw APIError.invalid(type, name, causes: [.invalid("metadata.name", .string(name), message)])
    }

    static func checkResourceVersion(_ body: Value, against old: Value, type: ResourceType) throws {
        guard let sent = body[path: "metadata.resourceVersion"]?.scalarText, !sent.isEmpty else { return }
        if sent != old[path: "metadata.resourceVersion"]?.scalarText { throw APIError.conflict(type, old.objectName) }
    }
}
