import AppModel
import Foundation

/// A simulated OCM work agent (klusterlet-work-agent) for every managed cluster at once.
///
/// Whenever a ManifestWork is created or its generation changes, the agent of its cluster (namespace) acts by
/// that cluster's ``AgentBehaviour``: a healthy agent waits `delay` and then writes the status a healthy agent
/// would: work conditions `Applied` and `Available` for the current generation and a
/// `resourceStatus.manifests[]` entry per manifest (names and reasons as ocm@00f84c3 writes them,
/// CONTRACT.md §2.2). Deployments whose `manifestConfigs` ask for `WellKnownStatus` feedback report
/// `ReadyReplicas`, `Replicas` and `AvailableReplicas` equal to `spec.replicas` (default 1). A failing agent
/// reports `Applied=False` and `Available=False`; an offline one writes nothing.
struct WorkAgent: Sendable {
    /// How long a healthy agent takes to "apply" a work.
    var delay: Duration

    /// Handles work events until the store's stream ends or the task is cancelled.
    func run(store: HubStore) async {
        let delay = self.delay
        let events = await store.openWorkEvents()
        await withDiscardingTaskGroup { group in
            for await event in events {
                group.addTask {
                    let behaviour = await store.agentBehaviour(cluster: event.namespace)
                    let wait: Duration
                    switch behaviour {
                    case .offline: return
                    case .delayed(let custom): wait = custom
                    case .healthy, .failing: wait = delay
                    }
                    do { try await Task.sleep(for: wait) } catch { return }
                    let now = HubStore.timestamp()
                    switch await store.agentBehaviour(cluster: event.namespace) {
                    case .offline: return
                    case .failing:
                        await store.recordAgentStatus(event) { work in Self.failedStatus(for: work, now: now) }
                    case .healthy, .delayed:
                        await store.recordAgentStatus(event) { work in Self.status(for: work, now: now) }
                    }
                }
            }
        }
    }

    /// The status an agent that cannot apply `work` writes.
    static func failedStatus(for work: Value, now: String) -> Value {
        let generation = Value.int(work.objectGeneration)
        let previous = work[path: "status.conditions"]
        let manifests = work[path: "spec.workload.manifests"]?.arrayValue ?? []
        let entries = manifests.enumerated().map { ordinal, manifest -> Value in
            let meta = resourceMeta(manifest, ordinal: ordinal)
            return .object([
                ("resourceMeta", meta),
                (
                    "conditions",
                    .array([
                        condition(
                            "Applied", status: "False", reason: "AppliedManifestFailed",
                            message: "Failed to apply manifest", generation: generation, now: now, previous: nil)
                    ])
                ),
                ("statusFeedback", .object([])),
            ])
        }
        return .object([
            (
                "conditions",
                .array([
                    condition(
                        "Applied", status: "False", reason: "AppliedManifestWorkFailed",
                        message: "Failed to apply manifest work", generation: generation, now: now,
                        previous: previous),
                    condition(
                        "Available", status: "False", reason: "ResourcesNotAvailable",
                        message: "Resources are not available", generation: generation, now: now,
                        previous: previous),
                ])
            ),
            ("resourceStatus", .object([("manifests", .array(entries))])),
        ])
    }

    /// `resourceStatus.manifests[].resourceMeta` of one manifest.
    static func resourceMeta(_ manifest: Value, ordinal: Int) -> Value {
        let apiVersion = manifest["apiVersion"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let kind = manifest["kind"]?.stringValue ?? ""
        return .object([
            ("ordinal", .int(ordinal)), ("group", .string(parts.count == 2 ? parts[0] : "")),
            ("version", .string(parts.last ?? "")), ("kind", .string(kind)),
            ("resource", .string(pluralResource(kind))), ("name", .string(manifest.objectName)),
            ("namespace", .string(manifest.objectNamespace ?? "")),
        ])
    }

    /// The status a healthy agent writes for `work`.
    static func status(for work: Value, now: String) -> Value {
        let generation = Value.int(work.objectGeneration)
        let previous = work["status"]
        let manifests = work[path: "spec.workload.manifests"]?.arrayValue ?? []
        let configs = work[path: "spec.manifestConfigs"]?.arrayValue ?? []
        let entries = manifests.enumerated().map { ordinal, manifest in
            manifestStatus(
                manifest, ordinal: ordinal, configs: configs, generation: generation, now: now,
                previous: previous?[path: "resourceStatus.manifests"]?.arrayValue?.first {
                    $0[path: "resourceMeta.ordinal"]?.scalarText == String(ordinal)
                }?["conditions"])
        }
        let conditions: [Value] = [
            condition(
                "Applied", reason: "AppliedManifestWorkComplete", message: "Apply manifest work complete",
                generation: generation, now: now, previous: previous?["conditions"]),
            condition(
                "Available", reason: "ResourcesAvailable", message: "All resources are available",
                generation: generation, now: now, previous: previous?["conditions"]),
        ]
        return .object([
            ("conditions", .array(conditions)),
            ("resourceStatus", .object([("manifests", .array(entries))])),
        ])
    }

    private static func manifestStatus(
        _ manifest: Value, ordinal: Int, configs: [Value], generation: Value, now: String, previous: Value?
    ) -> Value {
        let apiVersion = manifest["apiVersion"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", maxSplits: 1).map(String.init)
        let group = parts.count == 2 ? parts[0] : ""
        let version = parts.last ?? ""
        let kind = manifest["kind"]?.stringValue ?? ""
        let resource = pluralResource(kind)
        let name = manifest.objectName
        let namespace = manifest.objectNamespace ?? ""
        let rules =
            configs.first { config in
                let id = config["resourceIdentifier"]
                return (id?["group"]?.stringValue ?? "") == group && id?["resource"]?.stringValue == resource
                    && id?["name"]?.stringValue == name && (id?["namespace"]?.stringValue ?? "") == namespace
            }?["feedbackRules"]?.arrayValue ?? []
        var conditions = [
            condition(
                "Applied", reason: "AppliedManifestComplete", message: "Apply manifest complete",
                generation: generation, now: now, previous: previous),
            condition(
                "Available", reason: "ResourceAvailable", message: "Resource is available",
                generation: generation, now: now, previous: previous),
        ]
        var values: [Value] = []
        if !rules.isEmpty {
            if kind == "Deployment", rules.contains(where: { $0["type"]?.stringValue == "WellKnownStatus" }) {
                let replicas = manifest[path: "spec.replicas"]?.scalarText.flatMap { Int($0) } ?? 1
                values = ["ReadyReplicas", "Replicas", "AvailableReplicas"].map { field in
                    .object([
                        ("name", .string(field)),
                        ("fieldValue", .object([("type", .string("Integer")), ("integer", .int(replicas))])),
                    ])
                }
            }
            conditions.append(
                condition(
                    "StatusFeedbackSynced", reason: "StatusFeedbackSynced", message: "",
                    generation: generation, now: now, previous: previous))
        }
        let meta: Value = .object([
            ("ordinal", .int(ordinal)), ("group", .string(group)), ("version", .string(version)),
            ("kind", .string(kind)), ("resource", .string(resource)), ("name", .string(name)),
            ("namespace", .string(namespace)),
        ])
        let feedback: Value = values.isEmpty ? .object([]) : .object([("values", .array(values))])
        return .object([("resourceMeta", meta), ("conditions", .array(conditions)), ("statusFeedback", feedback)])
    }

    /// A `True` condition; its `lastTransitionTime` is kept from `previous` when that already had it `True`.
    static func condition(
        _ type: String, reason: String, message: String, generation: Value, now: String, previous: Value?
    ) -> Value {
        condition(
            type, status: "True", reason: reason, message: message, generation: generation, now: now,
            previous: previous)
    }

    /// A condition; its `lastTransitionTime` is kept from `previous` when that already had the same status.
    static func condition(
        _ type: String, status: String, reason: String, message: String, generation: Value, now: String,
        previous: Value?
    ) -> Value {
        let earlier = previous?.arrayValue?.first { $0["type"]?.stringValue == type }
        let since = earlier?["status"]?.stringValue == status ? earlier?["lastTransitionTime"] : nil
        return .object([
            ("type", .string(type)), ("status", .string(status)), ("reason", .string(reason)),
            ("message", .string(message)), ("observedGeneration", generation),
            ("lastTransitionTime", since ?? .string(now)),
        ])
    }

    /// The lower-case plural resource name of a kind, by the English rules Kubernetes' RESTMapper guesses with.
    static func pluralResource(_ kind: String) -> String {
        let lower = kind.lowercased()
        if lower == "endpoints" { return lower }
        if lower.hasSuffix("s") || lower.hasSuffix("x") || lower.hasSuffix("ch") || lower.hasSuffix("sh") {
            return lower + "es"
        }
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) {
            return lower.dropLast() + "ies"
        }
        return lower + "s"
    }
}
