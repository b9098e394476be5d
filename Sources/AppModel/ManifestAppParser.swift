/// Reads an app made of plain Kubernetes manifests (every document of every `.yaml`, `.yml` and `.json` file).
///
/// Placement hints come from Placer annotations on any of its objects (`placer.dev/qos-class`,
/// `placer.dev/latency-budget-ms`, `placer.dev/user-zones`, `placer.dev/cluster-selector`); requests are summed
/// over workload containers times replicas.
public enum ManifestAppParser {
    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"]

    /// An object's identity within a ManifestWork: `apiVersion/kind/namespace/name` (OCM refuses duplicates).
    public static func identity(of object: Value) -> String {
        let metadata = object["metadata"]
        return "\(object["apiVersion"]?.stringValue ?? "")/\(object["kind"]?.stringValue ?? "")/"
            + "\(metadata?["namespace"]?.stringValue ?? "")/\(metadata?["name"]?.stringValue ?? "")"
    }

    /// - Parameters:
    ///   - documents: all documents of the app's files, in path order.
    ///   - directoryName: the app's folder under `apps/`.
    /// - Throws: ``ModelError`` for objects without apiVersion, kind or name, `generateName`, duplicates or bad hints.
    public static func parse(
        _ documents: [YAMLDocument], directoryName: String, sourceDigest: String, warnings: inout [ModelError]
    ) throws -> Application {
        guard let first = documents.first else {
            throw ModelError(file: "apps/\(directoryName)", line: 1, message: "app folder has no manifests")
        }
        var seen: [String: String] = [:]
        var cpu = 0.0
        var memory = 0.0
        var annotations: [(String, Value)] = []
        for document in documents {
            try TemplateCheck.rejectTemplates(in: document)
            try StringFieldCheck.rejectNonStrings(in: document)
            let object = document.value
            guard object["apiVersion"]?.stringValue != nil else {
                throw document.error(at: "", "manifest has no apiVersion")
            }
            guard let kind = object["kind"]?.stringValue else { throw document.error(at: "", "manifest has no kind") }
            if let warning = FolderValidator.plainSecretWarning(
                document, apiVersion: object["apiVersion"]?.stringValue, kind: kind)
            {
                warnings.append(warning)
            }
            if object["metadata"]?["generateName"] != nil {
                throw document.error(
                    at: "metadata.generateName", "generateName is refused by OCM ManifestWork: set metadata.name")
            }
            guard let name = object["metadata"]?["name"]?.stringValue, !name.isEmpty else {
                throw document.error(at: "metadata", "manifest has no metadata.name")
            }
            if let problem = NameCheck.problem(name: name, kind: kind) {
                throw document.error(at: "metadata.name", problem)
            }
            let identity = Self.identity(of: object)
            if let earlier = seen[identity] {
                throw document.error(at: "metadata.name", "duplicate object \(kind) \(name) (also at \(earlier))")
            }
            let position = document.position(of: "")
            seen[identity] = "\(document.file):\(position.line)"
            annotations.append(contentsOf: object["metadata"]?["annotations"]?.objectValue ?? [])
            if workloadKinds.contains(kind) {
                let replicas = object["spec"]?["replicas"]?.doubleValue ?? 1
                let containers = object["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
                for (index, container) in containers.enumerated() {
                    let path = "spec.template.spec.containers[\(index)].resources"
                    let cores = try CodecoAppParser.requestedQuantity("cpu", in: container, at: path, document)
                    let bytes = try CodecoAppParser.requestedQuantity("memory", in: container, at: path, document)
                    cpu += replicas * (cores ?? CodecoAppParser.defaultContainerCPUCores)
                    memory += replicas * (bytes ?? CodecoAppParser.defaultContainerMemoryBytes)
                }
            }
        }
        let hints = Value.object(annotations)
        var qosClass = QoSClass.bestEffort
        if let raw = hints[Labels.qosClass]?.stringValue {
            guard let parsed = QoSClass(rawValue: raw) else {
                throw first.error(
                    at: "metadata.annotations", "\(Labels.qosClass) \"\(raw)\" is not Gold, Silver or BestEffort")
            }
            qosClass = parsed
        }
        var budget: Double?
        if let raw = hints[Labels.latencyBudget]?.scalarText {
            guard let parsed = Double(raw), parsed > 0 else {
                throw first.error(
                    at: "metadata.annotations", "\(Labels.latencyBudget) \"\(raw)\" is not a positive number")
            }
            budget = parsed
        }
        var app = Application(
            name: directoryName, appName: directoryName, sourceFile: first.file, qosClass: qosClass, cpuCores: cpu,
            memoryBytes: memory, latencyBudgetMilliseconds: budget,
            userZones: AnnotationReader.list(hints[Labels.userZones]),
            clusterSelector: AnnotationReader.selector(hints[Labels.clusterSelector]),
            manifests: ManifestOrder.sorted(documents.map(\.value)), sourceDigest: sourceDigest)
        app.objectSources = seen
        return app
    }
}

/// The order of an app's objects in its ManifestWork: by kind as kustomize's legacy order applies them
/// (namespaces and CRDs before what lives in them, workloads after their config; sigs.k8s.io/kustomize
/// `api/resid/gvk.go` orderFirst), then by identity. It depends on the objects only, never on file names, so
/// renaming or splitting a file leaves the rendered ManifestWork byte-identical.
public enum ManifestOrder {
    static let first = [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
        "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
        "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
        "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
    ]
    static let last = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    /// `objects` in apply order (stable for equal keys, which identities make impossible within one app).
    public static func sorted(_ objects: [Value]) -> [Value] {
        func rank(_ object: Value) -> Int {
            let kind = object["kind"]?.stringValue ?? ""
            if let index = first.firstIndex(of: kind) { return index }
            if let index = last.firstIndex(of: kind) { return first.count + 1 + index }
            return first.count
        }
        return objects.map { (rank($0), ManifestAppParser.identity(of: $0), $0) }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            .map(\.2)
    }
}
