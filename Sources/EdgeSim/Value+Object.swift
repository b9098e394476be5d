import AppModel

/// Helpers for Kubernetes-object-shaped values inside the hub.
extension Value {
    /// `metadata.name`, or `""`.
    var objectName: String { self[path: "metadata.name"]?.stringValue ?? "" }

    /// `metadata.namespace`, or `nil` for cluster-scoped objects.
    var objectNamespace: String? { self[path: "metadata.namespace"]?.stringValue }

    /// `metadata.labels` as a dictionary of strings (non-string values are skipped).
    var objectLabels: [String: String] {
        var labels: [String: String] = [:]
        for (key, value) in self[path: "metadata.labels"]?.objectValue ?? [] {
            if let text = value.scalarText { labels[key] = text }
        }
        return labels
    }

    /// `metadata.generation`, or 0.
    var objectGeneration: Int { self[path: "metadata.generation"]?.scalarText.flatMap { Int($0) } ?? 0 }

    /// Returns a copy with `metadata.<key>` set, or removed when `value` is `nil`.
    func settingMetadata(_ key: String, to value: Value?) -> Value {
        let metadata = self["metadata"] ?? .object([])
        let updated = value.map { metadata.setting(key, to: $0) } ?? metadata.removing(key)
        return setting("metadata", to: updated)
    }

    /// Returns a copy with `key` set, or removed when `value` is `nil`.
    func setting(_ key: String, toOptional value: Value?) -> Value {
        value.map { setting(key, to: $0) } ?? removing(key)
    }

    /// The object's top-level members other than `apiVersion`, `kind`, `metadata` and `status` (its "spec" part,
    /// whose change bumps `metadata.generation`).
    var specPart: Value {
        .object((objectValue ?? []).filter { !["apiVersion", "kind", "metadata", "status"].contains($0.0) })
    }

    /// Applies an RFC 7386 JSON merge patch.
    func mergePatched(with patch: Value) -> Value {
        guard case .object(let patchPairs) = patch else { return patch }
        var result: Value = objectValue == nil ? .object([]) : self
        for (key, patchValue) in patchPairs {
            if patchValue == .null {
                result = result.removing(key)
            } else {
                result = result.setting(key, to: (result[key] ?? .null).mergePatched(with: patchValue))
            }
        }
        return result
    }
}
