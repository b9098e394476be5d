/// Refuses unquoted scalars that YAML 1.1 resolves to a boolean or a number in fields whose schema type is string.
///
/// `country: NO` in a ConfigMap's `data` reads as `false` (kubectl reads YAML the same way), and the API server
/// then refuses the object on the cluster, far from the author. The rule is keyed to the fields the Kubernetes
/// schema types as strings, so a boolean where a boolean belongs is never touched:
/// - ConfigMap and Secret `data` and `stringData` values;
/// - `metadata.labels` and `metadata.annotations` values, of the object and of its pod templates;
/// - container `env[].value` (containers and init containers of pod specs, and CodecoApp podspecs).
///
/// `null` (an empty value) is left alone: the API server reads it as an empty string.
enum StringFieldCheck {
    /// Kinds whose top-level `data` and `stringData` are string maps.
    static let dataKinds: Set<String> = ["ConfigMap", "Secret"]

    /// - Throws: ``ModelError`` at the first value that is not a string, `file:line:column: <field>: value resolves
    ///   to a boolean; quote it`.
    static func rejectNonStrings(in document: YAMLDocument) throws {
        if let error = error(in: document) { throw error }
    }

    /// The error for the first value that is not a string, or `nil`.
    static func error(in document: YAMLDocument) -> ModelError? {
        guard let (path, type) = firstNonString(in: document) else { return nil }
        return document.error(at: path, "\(path): value resolves to a \(type); quote it")
    }

    /// The first string-typed field whose value is a boolean or a number, and that type's name.
    static func firstNonString(in document: YAMLDocument) -> (path: String, type: String)? {
        let value = document.value
        let kind = value["kind"]?.stringValue ?? ""
        var maps: [String] = []
        if dataKinds.contains(kind) { maps += ["data", "stringData"] }
        var metadata = ["metadata"]
        var podSpecs: [String] = []
        switch kind {
        case "Pod":
            podSpecs.append("spec")
        case "CronJob":
            metadata.append("spec.jobTemplate.spec.template.metadata")
            podSpecs.append("spec.jobTemplate.spec.template.spec")
        case CodecoAppParser.kind:
            for index in (lookup(value, "spec.codecoapp-msspec")?.arrayValue ?? []).indices {
                podSpecs.append("spec.codecoapp-msspec[\(index)].podspec")
            }
        default:
            if lookup(value, "spec.template.spec") != nil {
                metadata.append("spec.template.metadata")
                podSpecs.append("spec.template.spec")
            }
        }
        maps += metadata.flatMap { ["\($0).labels", "\($0).annotations"] }
        for map in maps {
            for (key, item) in lookup(value, map)?.objectValue ?? [] {
                if let type = nonStringType(item) { return ("\(map).\(key)", type) }
            }
        }
        for podSpec in podSpecs {
            for list in ["containers", "initContainers"] {
                for (containerIndex, container) in (lookup(value, "\(podSpec).\(list)")?.arrayValue ?? []).enumerated()
                {
                    for (envIndex, variable) in (container["env"]?.arrayValue ?? []).enumerated() {
                        if let item = variable["value"], let type = nonStringType(item) {
                            return ("\(podSpec).\(list)[\(containerIndex)].env[\(envIndex)].value", type)
                        }
                    }
                }
            }
        }
        return nil
    }

    /// Follows a path of object keys and `[index]` list positions (`spec.codecoapp-msspec[0].podspec`).
    static func lookup(_ value: Value, _ path: String) -> Value? {
        var current: Value? = value
        for part in path.split(separator: ".") {
            var name = Substring(part)
            var indices: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "["),
                let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
            {
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            current = current?[String(name)]
            for index in indices {
                guard let items = current?.arrayValue, items.indices.contains(index) else { return nil }
                current = items[index]
            }
        }
        return current
    }

    private static func nonStringType(_ value: Value) -> String? {
        switch value {
        case .bool: return "boolean"
        case .number: return "number"
        default: return nil
        }
    }
}
