import AppModel

/// Server-side apply and the managed-fields bookkeeping of every write.
extension HubStore {
    /// Server-side apply (PATCH `application/apply-patch+yaml`): creates the object when absent; otherwise merges
    /// the body into it as the field manager `options.manager`.
    ///
    /// A field another manager owns with a different value is a conflict (409) unless `options.force`, which
    /// takes it over. A field this manager applied before and now omits is removed unless another manager owns
    /// it. Lists are atomic unless the CRD marks them `map` or `set`.
    /// - Returns: the stored object and whether it was created.
    /// - Throws: ``APIError`` 400 for `managedFields` in the body, 404 for `/status` of a missing object,
    ///   409 for conflicts or a stale resourceVersion, 422 against the schema.
    func apply(
        _ type: ResourceType, namespace: String?, name: String, body: Value, part: WritePart, options: WriteOptions
    ) throws -> (object: Value, created: Bool) {
        try Self.check(body, fits: type, namespace: namespace, name: name)
        if let fields = body[path: "metadata.managedFields"], fields != .null {
            throw APIError.badRequest("metadata.managedFields must be nil")
        }
        let key = Self.key(type, namespace, name)
        let old = objects[key]
        if old == nil, part == .status { throw APIError.notFound(type, name) }
        if old == nil { try Self.checkName(type, name) }
        if let old { try Self.checkResourceVersion(body, against: old, type: type) }
        let schema = schemas.schema(for: type)
        let appliedPart = ManagedFields.writable(body, part: part, type: type)
        let applied = ManagedFields.leaves(appliedPart, schema: schema)
        var entries = Self.entries(of: old)
        let me = ManagedFieldsEntry(
            manager: options.manager, operation: "Apply", apiVersion: type.apiVersion, time: Self.timestamp(),
            subresource: part == .status ? "status" : nil)
        let previousEntry = entries.first { $0.sameOwner(me) }
        let previous = previousEntry?.fields ?? []

        var conflicts: [(index: Int, path: FieldPath)] = []
        for (index, entry) in entries.enumerated() where entry.manager != options.manager {
            for owned in entry.fields {
                for path in applied where owned.isWithin(path) || path.isWithin(owned) {
                    let longer = owned.elements.count >= path.elements.count ? owned : path
                    if longer.value(in: old ?? .object([])) != longer.value(in: appliedPart) {
                        conflicts.append((index, owned))
                        break
                    }
                }
            }
        }
        if !conflicts.isEmpty {
            guard options.force else { throw Self.applyConflict(conflicts.map { (entries[$0.index], $0.path) }) }
            for conflict in conflicts { entries[conflict.index].fields.remove(conflict.path) }
        }

        var result = old ?? .object([])
        let othersOwn = entries.filter { !$0.sameOwner(me) }.flatMap(\.fields)
        for path in previous.subtracting(applied)
        where !othersOwn.contains(where: { path.isWithin($0) || $0.isWithin(path) }) {
            result = path.removing(from: result)
        }
        result = ManagedFields.merge(appliedPart, into: result, schema: schema)
        result = try admit(type, name: name, result, part: part, options: options)

        var mine = me
        mine.fields = applied
        if let previousEntry, previousEntry.fields == applied { mine.time = previousEntry.time }
        if let index = entries.firstIndex(where: { $0.sameOwner(me) }) {
            entries[index] = mine
        } else {
            entries.append(mine)
        }
        result = result.settingMetadata("managedFields", to: Self.encode(entries, existingIn: result))
        return (write(type, key: key, old: old, candidate: result, options: options), old == nil)
    }

    /// The candidate with `managedFields` updated for an `Update` by `manager`: it takes over every field whose
    /// value it changed; fields that no longer exist leave every entry.
    func recordUpdate(_ type: ResourceType, old: Value?, new: Value, part: WritePart, manager: String) -> Value {
        var entries = Self.entries(of: old)
        let fields = ManagedFields.leaves(
            ManagedFields.writable(new, part: part, type: type), schema: schemas.schema(for: type))
        let changed = fields.filter { path in old.map { path.value(in: $0) != path.value(in: new) } ?? true }
        if !changed.isEmpty {
            for index in entries.indices { entries[index].fields.subtract(changed) }
            var mine = ManagedFieldsEntry(
                manager: manager, operation: "Update", apiVersion: type.apiVersion, time: Self.timestamp(),
                subresource: part == .status ? "status" : nil)
            if let index = entries.firstIndex(where: { $0.sameOwner(mine) }) {
                mine.fields = entries[index].fields.union(changed)
                entries[index] = mine
            } else {
                mine.fields = changed
                entries.append(mine)
            }
        }
        return new.settingMetadata("managedFields", to: Self.encode(entries, existingIn: new))
    }

    /// The managed-fields entries stored on `object`.
    static func entries(of object: Value?) -> [ManagedFieldsEntry] {
        (object?[path: "metadata.managedFields"]?.arrayValue ?? []).compactMap(ManagedFieldsEntry.init)
    }

    /// The `managedFields` array: entries cut to fields that exist in `object`, empty entries dropped.
    static func encode(_ entries: [ManagedFieldsEntry], existingIn object: Value) -> Value? {
        let kept = entries.compactMap { entry -> Value? in
            var entry = entry
            entry.fields = entry.fields.filter { $0.value(in: object) != nil }
            return entry.fields.isEmpty ? nil : entry.value
        }
        return kept.isEmpty ? nil : .array(kept)
    }

    /// The 409 an apply gets for fields other managers own.
    static func applyConflict(_ conflicts: [(entry: ManagedFieldsEntry, path: FieldPath)]) -> APIError {
        var groups: [(name: String, paths: [String])] = []
        for (entry, path) in conflicts {
            if let index = groups.firstIndex(where: { $0.name == entry.conflictName }) {
                groups[index].paths.append(path.display)
            } else {
                groups.append((entry.conflictName, [path.display]))
            }
        }
        let parts = groups.map { group in
            group.paths.count == 1
                ? "conflict with \(group.name): \(group.paths[0])"
                : "conflicts with \(group.name):\n" + group.paths.map { "- \($0)" }.joined(separator: "\n")
        }
        let count = conflicts.count
        let message = "Apply failed with \(count) conflict\(count == 1 ? "" : "s"): " + parts.joined(separator: "\n")
        let causes = conflicts.map { entry, path in
            Value.object([
                ("type", .string("FieldManagerConflict")),
                ("message", .string("conflict with \(entry.conflictName)")), ("field", .string(path.display)),
            ])
        }
        return APIError(code: 409, reason: "Conflict", message: message, details: .object([("causes", .array(causes))]))
    }
}
