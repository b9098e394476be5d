import AppModel
import Foundation

/// The identity of a stored object: resource plural, namespace (`""` when cluster-scoped) and name.
struct ObjectKey: Hashable, Sendable, Comparable {
    var plural: String
    var namespace: String
    var name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.plural, lhs.namespace, lhs.name) < (rhs.plural, rhs.namespace, rhs.name)
    }
}

/// A ManifestWork whose spec the simulated work agent has to apply (it was created or its generation changed).
struct WorkEvent: Sendable, Equatable {
    var namespace: String
    var name: String
    var generation: Int
}

/// Which part of an object a write may change: the main resource (never `status`) or the `/status` subresource.
enum WritePart: Sendable {
    case main
    case status
}

/// The hub's object store: every stored object, the global resourceVersion counter and the client mutation count.
///
/// `resourceVersion` is one counter for the whole hub, bumped only when an object really changes; a write whose
/// result equals the stored object changes nothing. `metadata.generation` starts at 1 and is bumped when anything
/// outside `metadata` and `status` changes. Managed fields are not kept.
actor HubStore {
    var objects: [ObjectKey: Value] = [:]
    private(set) var revision = 0
    /// Writes by API clients that changed state (seeds and work-agent writes are not counted).
    private(set) var mutationCount = 0
    /// When the hub was created; the creation time of namespaces the hub derives rather than stores.
    let createdAt = HubStore.timestamp()
    /// ManifestWorks the work agent has to apply, in the order they changed.
    nonisolated let workEvents: AsyncStream<WorkEvent>
    private let workEventSink: AsyncStream<WorkEvent>.Continuation

    init() {
        (workEvents, workEventSink) = AsyncStream.makeStream()
    }

    /// Ends the work event stream (the agent then stops).
    func finish() { workEventSink.finish() }

    /// The current global resourceVersion.
    var resourceVersion: String { String(revision) }

    /// An RFC 3339 UTC timestamp with second precision, as Kubernetes writes them.
    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(.iso8601)
    }

    /// Stores `candidate` in place of `old` (nil when creating) and returns what is stored afterwards.
    ///
    /// Identity fields (`uid`, `creationTimestamp`, `generation`, `resourceVersion`) come from `old`; nothing is
    /// bumped when the result equals `old`. An object marked for deletion whose finalizers are gone is removed.
    @discardableResult
    func commit(
        _ type: ResourceType, key: ObjectKey, old: Value?, candidate: Value, byClient: Bool, notifyAgent: Bool = true
    ) -> Value {
        var new =
            candidate
            .setting("apiVersion", to: .string(type.apiVersion))
            .setting("kind", to: .string(type.kind))
            .settingMetadata("managedFields", to: nil)
            .settingMetadata("name", to: .string(key.name))
            .settingMetadata("namespace", to: key.namespace.isEmpty ? nil : .string(key.namespace))
        var generation = new.objectGeneration
        if let old {
            for field in ["uid", "creationTimestamp", "generation", "resourceVersion"] {
                new = new.settingMetadata(field, to: old[path: "metadata.\(field)"])
            }
            if new == old { return old }
            generation = old.objectGeneration
            if new.specPart != old.specPart {
                generation += 1
                new = new.settingMetadata("generation", to: .int(generation))
            }
        } else {
            generation = max(generation, 1)
            new = new.settingMetadata("uid", to: .string(UUID().uuidString.lowercased()))
                .settingMetadata("generation", to: .int(generation))
            if new[path: "metadata.creationTimestamp"]?.stringValue == nil {
                new = new.settingMetadata("creationTimestamp", to: .string(Self.timestamp()))
            }
        }
        revision += 1
        new = new.settingMetadata("resourceVersion", to: .string(String(revision)))
        let finalizers = new[path: "metadata.finalizers"]?.arrayValue ?? []
        if new[path: "metadata.deletionTimestamp"] != nil, finalizers.isEmpty {
            objects[key] = nil
        } else {
            objects[key] = new
        }
        if byClient { mutationCount += 1 }
        if notifyAgent, type == ResourceCatalog.manifestWorks, old == nil || old?.objectGeneration != generation {
            workEventSink.yield(WorkEvent(namespace: key.namespace, name: key.name, generation: generation))
        }
        return new
    }

    /// Removes an object outright, counting it as a client mutation.
    func remove(_ key: ObjectKey) -> Value? {
        guard let old = objects.removeValue(forKey: key) else { return nil }
        revision += 1
        mutationCount += 1
        return old
    }

    /// Stored objects of one resource, sorted by namespace then name; `namespace` nil means all namespaces.
    func stored(_ plural: String, namespace: String?) -> [Value] {
        objects.filter { $0.key.plural == plural && (namespace == nil || $0.key.namespace == namespace) }
            .sorted { $0.key < $1.key }
            .map(\.value)
    }

    /// The namespaces the hub knows: stored Namespace objects plus every namespace that holds an object, the
    /// namespace of every ManagedCluster (the registration controller creates one per cluster) and `default`.
    func namespaceObjects() -> [Value] {
        var result: [String: Value] = [:]
        var names: Set<String> = ["default"]
        for key in objects.keys {
            if !key.namespace.isEmpty { names.insert(key.namespace) }
            if key.plural == ResourceCatalog.managedClusters.plural { names.insert(key.name) }
        }
        for name in names {
            result[name] = .object([
                ("apiVersion", .string("v1")), ("kind", .string("Namespace")),
                ("metadata", .object([("name", .string(name)), ("creationTimestamp", .string(createdAt))])),
                ("spec", .object([("finalizers", .array([.string("kubernetes")]))])),
                ("status", .object([("phase", .string("Active"))])),
            ])
        }
        for value in stored(ResourceCatalog.namespaces.plural, namespace: nil) { result[value.objectName] = value }
        return result.sorted { $0.key < $1.key }.map(\.value)
    }
}
