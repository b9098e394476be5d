/// Refuses template placeholders (`{{ .Replica }}`, `$pod_name`) only where they make a manifest invalid, the way
/// `kubectl apply` and the API server would refuse it; elsewhere text that looks like a template is data.
///
/// Refused:
/// - an unquoted `{{ … }}` anywhere: YAML reads it as a mapping used as a mapping key, which go-yaml (and so
///   kubectl) refuses, and which no Kubernetes field accepts (`replicas: {{.Replica}}`);
/// - a placeholder inside a string whose format the API server checks: names, namespaces and images
///   (``identifierFields``), label values and label-selector values, and `replicas` (a number, so any string is
///   wrong). In objects of custom resource kinds only `metadata` has a schema Placer knows; in built-in kinds
///   (core, `apps`, `batch`, `*.k8s.io`, …) and in CodecoApps the whole object is checked.
///
/// Data, never refused: ConfigMap and Secret `data`/`stringData`, annotations, container args, env values and
/// every field of a custom resource's `spec` (an Argo CD notifications catalog's Go templates, a Flux
/// HelmRelease's `values`). A Helm chart folder is refused as a whole elsewhere (`Chart.yaml`).
enum TemplateCheck {
    static let message = "unrendered template placeholder: render it before committing"

    /// - Parameters:
    ///   - document: the loaded document.
    ///   - reported: paths whose unquoted `{{ … }}` the caller already reports in its own words (`metadata.name`
    ///     must be a string); quoted placeholders there are still refused.
    /// - Throws: ``ModelError`` at the first placeholder that makes the document invalid.
    static func rejectTemplates(in document: YAMLDocument, reported: Set<String> = []) throws {
        if let path = firstTemplate(in: document, reported: reported) { throw document.error(at: path, message) }
    }

    /// Fields where a template placeholder (`{{ … }}`, or a shell-style `$name`) can only be unrendered input: their
    /// values are names or images, whose format the API server checks (elsewhere, such as container args, `$(VAR)`
    /// and `$HOME` are legitimate).
    static let identifierFields: Set<String> = ["name", "serviceName", "appName", "namespace", "image", "generateName"]

    /// Fields whose schema type is not a string: a quoted placeholder there is a string where a number belongs.
    static let numberFields: Set<String> = ["replicas"]

    /// Top-level fields whose values are opaque data.
    static let dataFields: Set<String> = ["data", "stringData", "binaryData"]

    /// The path of the first placeholder that makes `document` invalid, or `nil`.
    static func firstTemplate(in document: YAMLDocument, reported: Set<String> = []) -> String? {
        let value = document.value
        let fullSchema =
            isBuiltIn(apiVersion: value["apiVersion"]?.stringValue)
            || value["kind"]?.stringValue == CodecoAppParser.kind
        return firstTemplate(in: value, path: "", key: "", scope: Scope(fullSchema: fullSchema, reported: reported))
    }

    /// What the walk needs to know about the whole document.
    private struct Scope {
        var fullSchema: Bool
        var reported: Set<String>
    }

    /// Whether an apiVersion belongs to a Kubernetes built-in group (`v1`, `apps/v1`, `networking.k8s.io/v1`).
    static func isBuiltIn(apiVersion: String?) -> Bool {
        guard let apiVersion else { return false }
        guard let slash = apiVersion.firstIndex(of: "/") else { return true }
        let group = apiVersion[..<slash]
        return !group.contains(".") || group.hasSuffix(".k8s.io")
    }

    /// Whether `pairs` is what YAML makes of an unquoted `{{ … }}`: a mapping whose only key was itself a mapping
    /// (the loader writes such a key as canonical JSON) with a null value.
    static func isUnquotedTemplate(_ pairs: [(String, Value)]) -> Bool {
        guard pairs.count == 1, case .null = pairs[0].1 else { return false }
        let key = pairs[0].0
        return key.hasPrefix("{") && key.hasSuffix("}")
    }

    private static func firstTemplate(in value: Value, path: String, key: String, scope: Scope) -> String? {
        switch value {
        case let .string(text):
            guard isChecked(path: path, key: key, fullSchema: scope.fullSchema) else { return nil }
            if text.contains("{{") && text.contains("}}") { return path }
            if identifierFields.contains(key), let dollar = text.firstIndex(of: "$") {
                let rest = text[text.index(after: dollar)...]
                if let next = rest.first, next == "{" || next.isLetter || next == "_" { return path }
            }
            return nil
        case let .array(items):
            for (index, item) in items.enumerated() {
                if let found = firstTemplate(in: item, path: "\(path)[\(index)]", key: key, scope: scope) {
                    return found
                }
            }
            return nil
        case let .object(pairs):
            if isUnquotedTemplate(pairs) { return scope.reported.contains(path) ? nil : path }
            for (childKey, item) in pairs {
                let childPath = path.isEmpty ? childKey : "\(path).\(childKey)"
                if let found = firstTemplate(in: item, path: childPath, key: childKey, scope: scope) {
                    return found
                }
            }
            return nil
        default: return nil
        }
    }

    /// Whether a string at `path` (under member `key`) has a format the API server checks.
    private static func isChecked(path: String, key: String, fullSchema: Bool) -> Bool {
        let top = String(path.prefix { $0 != "." && $0 != "[" })
        guard !dataFields.contains(top), !path.contains("annotations.") else { return false }
        guard fullSchema || top == "metadata" else { return false }
        if identifierFields.contains(key) || numberFields.contains(key) { return true }
        // Label values (`labels.app`, `matchLabels.app`) and selector values (`matchExpressions[0].values[1]`).
        if ["labels.", "matchLabels.", "nodeSelector."].contains(where: { path.contains($0) }) { return true }
        return key == "values" && path.contains("matchExpressions[")
    }
}
