/// Builds the Kubernetes objects Placer ships for a CAM microservice and the ManifestWork that carries an app.
public enum ManifestBuilder {
    /// Labels that tie an object to its app.
    static func appLabels(app: String, component: String? = nil) -> Value {
        var pairs: [(String, Value)] = [
            (Labels.managedBy, .string("placer")),
            (Labels.partOf, .string(app)),
            (Labels.app, .string(app)),
        ]
        if let component { pairs.append((Labels.component, .string(component))) }
        return .object(pairs)
    }

    static func namespace(_ name: String, app: String) -> Value {
        .object([
            ("apiVersion", .string("v1")), ("kind", .string("Namespace")),
            ("metadata", .object([("name", .string(name))])),
        ])
    }

    /// A Deployment for the service, and a Service when its containers declare ports.
    static func workload(service: String, app: String, namespace: String, podSpec: Value) -> [Value] {
        let selector: Value = .object([("app.kubernetes.io/name", .string(service)), (Labels.app, .string(app))])
        var podLabels = appLabels(app: app, component: service)
        podLabels = podLabels.setting("app.kubernetes.io/name", to: .string(service))
        let deployment: Value = .object([
            ("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")),
            (
                "metadata",
                .object([("name", .string(service)), ("namespace", .string(namespace)), ("labels", podLabels)])
            ),
            (
                "spec",
                .object([
                    ("replicas", .int(1)),
                    ("selector", .object([("matchLabels", selector)])),
                    ("template", .object([("metadata", .object([("labels", podLabels)])), ("spec", podSpec)])),
                ])
            ),
        ])
        var ports: [Value] = []
        for container in podSpec["containers"]?.arrayValue ?? [] {
            for port in container["ports"]?.arrayValue ?? [] {
                guard let number = port["containerPort"] else { continue }
                let name = port["name"]?.stringValue ?? "port-\(number.scalarText ?? "0")"
                ports.append(
                    .object([
                        ("name", .string(name)), ("port", number), ("targetPort", number),
                        ("protocol", port["protocol"] ?? .string("TCP")),
                    ]))
            }
        }
        guard !ports.isEmpty else { return [deployment] }
        let serviceObject: Value = .object([
            ("apiVersion", .string("v1")), ("kind", .string("Service")),
            (
                "metadata",
                .object([("name", .string(service)), ("namespace", .string(namespace)), ("labels", podLabels)])
            ),
            ("spec", .object([("selector", selector), ("ports", .array(ports))])),
        ])
        return [deployment, serviceObject]
    }

    /// The plural resource name of a manifest's kind, as ManifestWork resourceIdentifiers need it.
    public static func resourceName(kind: String) -> String {
        let lower = kind.lowercased()
        if lower.hasSuffix("s") { return lower + "es" }
        if lower.hasSuffix("y") { return String(lower.dropLast()) + "ies" }
        return lower + "s"
    }

    /// The ManifestWork (work.open-cluster-management.io/v1) that ships `app` to `cluster`.
    ///
    /// Shape per shared/reference/ocm/CONTRACT.md §2.1: in namespace `<cluster>`, labelled as Placer's,
    /// `deleteOption.propagationPolicy: Foreground` (leaving a cluster removes the app there), and a
    /// `WellKnownStatus` feedback rule for every Deployment so replica counts come back in status.
    public static func manifestWork(app: Application, cluster: String, decisionID: String) -> Value {
        var configs: [Value] = []
        for manifest in app.manifests {
            guard let kind = manifest["kind"]?.stringValue, ["Deployment", "StatefulSet", "DaemonSet"].contains(kind),
                let name = manifest["metadata"]?["name"]?.stringValue
            else { continue }
            let group =
                (manifest["apiVersion"]?.stringValue ?? "").split(separator: "/").dropLast().first.map(String.init)
                ?? ""
            configs.append(
                .object([
                    (
                        "resourceIdentifier",
                        .object([
                            ("group", .string(group)), ("resource", .string(resourceName(kind: kind))),
                            ("name", .string(name)),
                            ("namespace", manifest["metadata"]?["namespace"] ?? .string("")),
                        ])
                    ),
                    ("feedbackRules", .array([.object([("type", .string("WellKnownStatus"))])])),
                ]))
        }
        var spec: [(String, Value)] = [
            ("workload", .object([("manifests", .array(app.manifests))])),
            ("deleteOption", .object([("propagationPolicy", .string("Foreground"))])),
        ]
        if !configs.isEmpty { spec.append(("manifestConfigs", .array(configs))) }
        return .object([
            ("apiVersion", .string("work.open-cluster-management.io/v1")),
            ("kind", .string("ManifestWork")),
            (
                "metadata",
                .object([
                    ("name", .string(app.name)),
                    ("namespace", .string(cluster)),
                    (
                        "labels",
                        .object([
                            (Labels.managedBy, .string("placer")), (Labels.app, .string(app.name)),
                            ("placer.dev/qos-class", .string(app.qosClass.rawValue)),
                        ])
                    ),
                    ("annotations", .object([("placer.dev/decision", .string(decisionID))])),
                ])
            ),
            ("spec", .object(spec)),
        ])
    }
}
