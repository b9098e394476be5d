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

/// The hub's object store: every stored object, the global resourceVersion counter, the client mutation count,
/// the change history watches replay, open watches, and the simulated agents' behaviour.
///
/// `resourceVersion` is one counter for the whole hub, bumped only when an object really changes; a write whose
/// result equals the stored object changes nothing. `metadata.generation` starts at 1 and is bumped when anything
/// outside `metadata` and `status` changes. `metadata.managedFields` records each field manager's fields.
actor HubStore {
    var objects: [ObjectKey: Value] = [:]
    private(set) var revision = 0
    /// Writes by API clients that changed state (seeds and work-agent writes are not counted).
    private(set) var mutationCount = 0
    /// When the hub was created; the creation time of namespaces the hub derives rather than stores.
    let createdAt = HubStore.timestamp()
    /// The hub's configuration (history limit, bookmark interval, admission limit, agent delay).
    let configuration: HubConfiguration
    /// The CRD schemas objects are validated against.
    let schemas: SchemaRegistry
    /// ManifestWorks the work agent has to apply, in the order they changed.
    private var workEventSink: AsyncStream<WorkEvent>.Continuation?
    /// Work events that came while no agent listened (before it started, or while the hub was stopped).
    private var undeliveredWorkEvents: [WorkEvent] = []
    /// The last ``HubConfiguration/watchHistoryLimit`` changes, oldest first.
    var history: [WatchRecord] = []
    /// The oldest resourceVersion a watch or continue token may start from.
    var historyFloor = 0
    /// Open watches by id.
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
    /// Per-cluster work agent behaviour; clusters not listed are healthy with the configured delay.
    var agentBehaviours: [String: AgentBehaviour] = [:]

    /// Creates an empty store, loading the CRD schemas from the configured folder.
    init(configuration: HubConfiguration = .init()) {
        self.configuration = configuration
        schemas = SchemaRegistry.loaded(from: configuration.crdFolder ?? HubConfiguration.defaultCRDFolder)
    }

    /// Ends the work event stream (the agent then stops) and every open watch.
    func finish() {
        workEventSink?.finish()
        endAllWatches()
    }

    /// A new stream of work events for a work agent that starts (a hub started again after ``EdgeSimHub/stop()``
    /// gets a fresh one: a cancelled iteration ends an `AsyncStream` for good). The previous stream ends.
    func openWorkEvents() -> AsyncStream<WorkEvent> {
        workEventSink?.finish()
        let (stream, sink) = AsyncStream<WorkEvent>.makeStream()
        workEventSink = sink
        for event in undeliveredWorkEvents { sink.yield(event) }
        undeliveredWorkEvents.removeAll()
        return stream
    }

    /// Hands a work event to the agent, or keeps it until one listens.
    private func sendWorkEvent(_ event: WorkEvent) {
        if case .enqueued = workEventSink?.yield(event) { return }
        undeliveredWorkEvents.append(event)
    }

    /// The current global resourceVersion.
    var resourceVersion: String { String(revision) }

    /// An RFC 3339 UTC timestamp with second precision, as Kubernetes writes them.
    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(.iso8601)
    }

    /// Stores `candidate` in place of `old` (nil when creating) and returns what is stored afterwards.
    ///
    /// Identity fields (`uid`, `creationTimestamp`, `generation`, `resourceVersion`) come from `old`; nothing is
    /// bumped when the result equals `old` (managed-fields times are kept when a manager's fields are unchanged). An object marked for deletion whose
    /// finalizers are gone is removed. Every change is recorded for watches.
    @discardableResult
    func commit(
        _ type: ResourceType, key: ObjectKey, old: Value?, candidate: Value, byClient: Bool, notifyAgent: Bool = true
    ) -> Value {
        var new =
            candidate
            .setting("apiVersion", to: .string(type.apiVersion))
            .setting("kind", to: .string(type.kind))
            .settingMetadata("name", to: .string(key.name))
            .settingMetadata("namespace", to: key.namespace.isEmpty ? nil : .string(key.namespace))
        if new[path: "metadata.managedFields"]?.arrayValue?.isEmpty == true {
            new = new.settingMetadata("managedFields", to: nil)
        }
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
            publish(type, key: key, event: "DELETED", object: new, previous: old)
        } else {
            objects[key] = new
            publish(type, key: key, event: old == nil ? "ADDED" : "MODIFIED", object: new, previous: old)
        }
        if byClient { mutationCount += 1 }
        if notifyAgent, type == ResourceCatalog.manifestWorks, old == nil || old?.objectGeneration != generation {
            sendWorkEvent(WorkEvent(namespace: key.namespace, name: key.name, generation: generation))
        }
        return new
    }

    /// Removes an object outright, counting it as a client mutation.
    /// - Returns: the object as it was last stored, with the deletion's resourceVersion.
    func remove(_ type: ResourceType, _ key: ObjectKey) -> Value? {
        guard let old = objects.removeValue(forKey: key) else { return nil }
        revision += 1
        mutationCount += 1
        let gone = old.settingMetadata("resourceVersion", to: .string(String(revision)))
        publish(type, key: key, event: "DELETED", object: gone, previous: old)
        return gone
    }

    /// Hands the work agent every current ManifestWork in `namespace` again (after its behaviour changed).
    func resyncWorks(namespace: String) {
        for (key, work) in objects
        where key.plural == ResourceCatalog.manifestWorks.plural && key.namespace == namespace {
            sendWorkEvent(WorkEvent(namespace: namespace, name: key.name, generation: work.objectGeneration))
        }
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
