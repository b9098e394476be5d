import Foundation

extension FolderValidator {
    /// Checks that one document is a Kubernetes object Placer can put into a ManifestWork.
    ///
    /// Errors: not a mapping; no apiVersion or kind; `generateName` (OCM refuses it); no `metadata.name`; a name or
    /// namespace that is not a string (an unquoted `{{ … }}` parses as a mapping) or breaks apimachinery's name
    /// rules; unrendered template placeholders (``TemplateCheck``; an ApplicationSet's own `spec.template` is exempt).
    /// - Parameters:
    ///   - document: the loaded document.
    ///   - index: its 1-based number among the file's non-empty documents (for messages).
    /// - Returns: its findings, empty when it is a valid object.
    static func check(_ document: YAMLDocument, index: Int) -> [FolderFinding] {
        let value = document.value
        func finding(_ path: String, _ message: String) -> FolderFinding {
            FolderFinding(document.error(at: path, message))
        }
        guard case let .object(pairs) = value else {
            return [
                finding("", "document \(index) is not a Kubernetes object: a \(typeName(of: value)), not a mapping")
            ]
        }
        let apiVersion = value["apiVersion"]?.stringValue
        let kind = value["kind"]?.stringValue
        if apiVersion == nil, kind == nil {
            let keys = pairs.map(\.0).prefix(5).joined(separator: ", ")
            return [finding("", "document \(index) is not a Kubernetes object: no apiVersion or kind (keys: \(keys))")]
        }
        var findings: [FolderFinding] = []
        if apiVersion == nil { findings.append(finding("", "document \(index) (\(kind ?? "")) has no apiVersion")) }
        guard let kind else { return findings + [finding("", "document \(index) has no kind")] }
        let metadata = value["metadata"]
        if metadata?["generateName"] != nil {
            findings.append(
                finding("metadata.generateName", "generateName is refused by OCM ManifestWork: set metadata.name"))
        } else if let name = metadata?["name"] {
            if let text = name.stringValue {
                if let problem = NameCheck.problem(name: text, kind: kind) {
                    findings.append(finding("metadata.name", problem))
                }
            } else {
                findings.append(finding("metadata.name", notAString("metadata.name", name)))
            }
        } else {
            findings.append(
                finding(metadata == nil ? "" : "metadata", "\(kind) (document \(index)) has no metadata.name"))
        }
        if let namespace = metadata?["namespace"] {
            if let text = namespace.stringValue {
                if !NameCheck.isDNS1123Label(text) {
                    findings.append(
                        finding(
                            "metadata.namespace",
                            "namespace \"\(text)\" is not a valid Kubernetes name (RFC 1123 label: a-z, 0-9, '-', at most 63)"
                        ))
                }
            } else {
                findings.append(finding("metadata.namespace", notAString("metadata.namespace", namespace)))
            }
        }
        do {
            // A non-string name or namespace is reported above, in its own words.
            try TemplateCheck.rejectTemplates(
                in: withoutControllerTemplates(document, kind: kind), reported: ["metadata.name", "metadata.namespace"])
        } catch let error as ModelError {
            findings.append(FolderFinding(error))
        } catch {
            findings.append(finding("", "\(error)"))
        }
        if let error = StringFieldCheck.error(in: document) { findings.append(FolderFinding(error)) }
        if let warning = plainSecretWarning(document, apiVersion: apiVersion, kind: kind) {
            findings.append(FolderFinding(warning))
        }
        return findings
    }

    /// Warns on a plain `v1` Secret with values: they are only base64 in Git, in every clone and in the ManifestWork
    /// on the hub. Placer applies it as written (as Argo CD and Flux do) and says so once per object; SOPS-encrypted
    /// Secrets (a top-level `sops` block) and references such as SealedSecret or ExternalSecret are other kinds or
    /// carry no plain values, and pass without a word. Policy: docs/app-model.md, "Secrets".
    static func plainSecretWarning(_ document: YAMLDocument, apiVersion: String?, kind: String) -> ModelError? {
        guard kind == "Secret", apiVersion == "v1", document.value["sops"] == nil else { return nil }
        let fields = ["data", "stringData"].filter { field in
            guard case let .object(pairs) = document.value[field] else { return false }
            return !pairs.isEmpty
        }
        guard let field = fields.first else { return nil }
        let name = document.value["metadata"]?["name"]?.stringValue ?? "?"
        return document.error(
            at: field,
            "Secret \(name) holds plain values in Git (\(field)): they travel base64-encoded in every clone and in the ManifestWork; use a SealedSecret, SOPS or an ExternalSecret",
            severity: .warning)
    }

    /// The document without the fields whose `{{ … }}` placeholders a controller fills in on the cluster (an Argo CD
    /// ApplicationSet's `spec.template` and `spec.templatePatch`): those are the object's content, not unrendered input.
    static func withoutControllerTemplates(_ document: YAMLDocument, kind: String) -> YAMLDocument {
        guard kind == "ApplicationSet", let spec = document.value["spec"] else { return document }
        let value = document.value.setting("spec", to: spec.removing("template").removing("templatePatch"))
        return YAMLDocument(file: document.file, value: value, sourceMap: document.sourceMap)
    }

    /// Whether a document is kustomize's own configuration (`Kustomization` or `Component`), not an object.
    static func isKustomize(_ document: YAMLDocument) -> Bool {
        document.value["apiVersion"]?.stringValue?.hasPrefix("kustomize.config.k8s.io/") == true
    }

    /// Warns where an object without a namespace has the kind and name of one in namespace `default`: applied to
    /// the default namespace, the two are one object.
    static func defaultNamespaceOverlaps(_ documents: [YAMLDocument], seen: [String: SourcePosition]) -> [FolderFinding]
    {
        var findings: [FolderFinding] = []
        for document in documents where document.value["metadata"]?["namespace"] == nil {
            let object = document.value
            guard let name = object["metadata"]?["name"]?.stringValue, let kind = object["kind"]?.stringValue else {
                continue
            }
            let apiVersion = object["apiVersion"]?.stringValue ?? ""
            guard let other = seen["\(apiVersion)/\(kind)/default/\(name)"] else { continue }
            findings.append(
                FolderFinding(
                    path: document.file, position: document.position(of: "metadata.name"), severity: .warning,
                    message:
                        "\(kind) \(name) has no namespace: applied to namespace default it is the object at line \(other.line)"
                ))
        }
        return findings
    }

    /// `Deployment web in namespace shop`, for duplicate messages.
    static func describe(_ object: Value) -> String {
        let kind = object["kind"]?.stringValue ?? "object"
        let name = object["metadata"]?["name"]?.scalarText ?? "?"
        guard let namespace = object["metadata"]?["namespace"]?.stringValue else { return "\(kind) \(name)" }
        return "\(kind) \(name) in namespace \(namespace)"
    }

    static func notAString(_ field: String, _ value: Value) -> String {
        let hint =
            typeName(of: value) == "mapping"
            ? " (an unquoted {{ … }} template parses as a mapping: quote or render it)" : ""
        return "\(field) must be a string, found a \(typeName(of: value))\(hint)"
    }

    static func typeName(of value: Value) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "list"
        case .object: return "mapping"
        }
    }

    // MARK: Helm charts

    /// Folders holding a `Chart.yaml` that are not inside another chart (`""` is the root), sorted.
    static func chartDirectories(in paths: Dictionary<String, Data>.Keys) -> [String] {
        let all = paths.filter { basename($0) == "Chart.yaml" || basename($0) == "Chart.yml" }.map(directory(of:))
        return Set(all).filter { candidate in !all.contains { $0 != candidate && isInside(candidate, $0) } }.sorted()
    }

    /// The chart folder `path` belongs to, if any.
    static func chart(of path: String, in charts: [String]) -> String? {
        charts.first { isInside(path, $0) }
    }

    static func helmRole(of path: String, chart: String) -> String {
        let relative = chart.isEmpty ? path : String(path.dropFirst(chart.count + 1))
        let name = chart.isEmpty ? "." : chart
        if relative == "Chart.yaml" || relative == "Chart.yml" { return "Helm chart metadata of \(name)" }
        if relative.hasPrefix("templates/") {
            return "Helm template of \(name), a Go template that is YAML only once rendered"
        }
        if !relative.contains("/"), relative.hasPrefix("values") { return "Helm values of \(name), not a manifest" }
        return "part of the Helm chart \(name)"
    }

    // MARK: kustomize

    /// The patch files a kustomization names (`patches[].path`, `patchesStrategicMerge[]`, `patchesJson6902[].path`).
    static func patchPaths(in documents: [YAMLDocument]) -> [String] {
        var paths: [String] = []
        for document in documents {
            for key in ["patches", "patchesJson6902"] {
                for item in document.value[key]?.arrayValue ?? [] {
                    if let path = item["path"]?.stringValue { paths.append(path) }
                }
            }
            for item in document.value["patchesStrategicMerge"]?.arrayValue ?? [] {
                // Entries are file paths or inline patches; only single-line entries can be paths.
                if let path = item.stringValue, !path.contains("\n") { paths.append(path) }
            }
        }
        return paths
    }

    // MARK: paths

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The folder of `path` (`""` for a top-level file).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Whether `path` lies under `folder` (`""` holds everything).
    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder.isEmpty || path.hasPrefix(folder + "/")
    }

    /// `folder` joined with a relative `path`, with `.` and `..` segments resolved.
    static func join(_ folder: String, _ path: String) -> String {
        var parts = folder.split(separator: "/").map(String.init)
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}
