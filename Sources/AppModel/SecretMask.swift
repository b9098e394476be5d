import Foundation

/// Hides the values of Kubernetes Secrets in what Placer shows (a diff `placer plan` prints, a commit's diff on the
/// console), as Argo CD's diff does (`HideSecretData` in gitops-engine): each value under a `v1` Secret's `data` or
/// `stringData` becomes a run of `+`, the same run for the same value on both sides of a change and a longer one for
/// each different value, so a reader still sees which keys changed but not their values. The files themselves
/// (Git, the ManifestWork on the hub) are never changed: this is for display only.
///
/// A Secret is found at any depth (an app's manifest, a `List`'s items, a ManifestWork's `spec.workload.manifests`).
public enum SecretMask {
    /// The mask of the first distinct value of a key; each further distinct value gets 4 more `+`.
    public static let mask = "++++++++"

    /// Both sides of one file's change with Secret values masked, rendered as YAML (both sides the same way, so a
    /// diff of the two shows only real changes).
    ///
    /// - Parameters:
    ///   - old: the file before the change (nil: absent).
    ///   - new: the file after the change (nil: deleted).
    ///   - file: its path, for the YAML loader.
    /// - Returns: nil when neither side holds a Secret value (show the file as it is); otherwise the two sides
    ///   to show. A side that holds the word `Secret` but cannot be read as YAML is replaced by one comment line,
    ///   since its values cannot be found to mask.
    public static func masked(old: Data?, new: Data?, file: String) -> (old: Data?, new: Data?)? {
        var masks: [String: [String: String]] = [:]  // secret key → value → mask
        var found = false
        func side(_ data: Data?) -> Data?? {
            guard let data else { return .some(nil) }
            guard data.range(of: Data("Secret".utf8)) != nil else { return nil }
            guard let documents = try? YAMLLoader.load(data, file: file) else {
                found = true
                return .some(Data("# (not shown: \(file) may hold Secret values and is not valid YAML)\n".utf8))
            }
            var hidden = false
            let values = documents.map { mask($0.value, masks: &masks, hidden: &hidden) }
            guard hidden else { return nil }
            found = true
            let text: String
            if values.count == 1, let only = values.first, let rendered = try? YAMLRenderer.render(only) {
                text = rendered
            } else {
                text = (try? YAMLRenderer.renderAll(values)) ?? "# (not shown: \(file) holds Secret values)\n"
            }
            return .some(Data(text.utf8))
        }
        // Old first: an unchanged value keeps the shortest mask on both sides.
        let maskedOld = side(old)
        let maskedNew = side(new)
        guard found else { return nil }
        return (maskedOld ?? old, maskedNew ?? new)
    }

    /// `value` with the `data`/`stringData` values of every Secret in it masked.
    static func mask(_ value: Value, masks: inout [String: [String: String]], hidden: inout Bool) -> Value {
        switch value {
        case let .array(items):
            return .array(items.map { mask($0, masks: &masks, hidden: &hidden) })
        case let .object(pairs):
            if value["kind"]?.stringValue == "Secret", value["apiVersion"]?.stringValue == "v1" {
                let name =
                    (value[path: "metadata.namespace"]?.stringValue ?? "") + "/"
                    + (value[path: "metadata.name"]?.stringValue ?? "")
                return .object(
                    pairs.map { key, field in
                        guard key == "data" || key == "stringData", let entries = field.objectValue else {
                            return (key, field)
                        }
                        return (
                            key,
                            .object(
                                entries.map { entry, content in
                                    hidden = true
                                    let id = "\(name)|\(key)|\(entry)"
                                    let text = content.stringValue ?? "\(content)"
                                    if let known = masks[id]?[text] { return (entry, .string(known)) }
                                    let next = mask + String(repeating: "+", count: 4 * (masks[id]?.count ?? 0))
                                    masks[id, default: [:]][text] = next
                                    return (entry, .string(next))
                                })
                        )
                    })
            }
            return .object(pairs.map { ($0, mask($1, masks: &masks, hidden: &hidden)) })
        default:
            return value
        }
    }
}
