import Foundation
import Logging

/// A client-go-style informer: a local copy of one collection on the hub, kept by LIST then WATCH from the list's
/// resourceVersion (with bookmarks), re-listed on 410 Gone, read without asking the hub.
///
/// Objects are kept as the server's JSON bytes (the most compact form; callers decode what they read). Until the
/// first LIST has completed the informer is not synced and every read answers nil ("not known"), never "absent":
/// a consumer must not prune or conclude from a partial view. Writes made through ``CachedHub`` are recorded at
/// once (``record(_:)``, ``forget(namespace:name:)``), so a read after a write sees it before its watch event.
///
/// Source: client-go `tools/cache` (Reflector, DeltaFIFO, Indexer) and the Kubernetes API concepts page
/// ("Efficient detection of changes", "Watch bookmarks", 410 Gone).
public actor Informer {
    /// One change the informer applied, for ``CachedHub``'s drift detection.
    public struct Change: Sendable {
        /// ADDED, MODIFIED or DELETED (a re-list reports what it found changed or missing the same way).
        public var type: WatchEvent.EventType
        public var namespace: String?
        public var name: String
        /// `metadata.generation` of the object after the change (before it, for DELETED).
        public var generation: Int?
        /// The object's JSON after the change (its last state for DELETED).
        public var object: Data
    }

    struct Entry {
        var data: Data
        var labels: [String: String]
        var resourceVersion: String?
        var generation: Int?
    }

    /// What the informer watches.
    public nonisolated let kind: ResourceKind
    /// One namespace, or nil for all (or a cluster-scoped kind).
    public nonisolated let namespace: String?
    /// The server-side selector of the LIST and WATCH; nil for every object.
    public nonisolated let labelSelector: String?
    /// ``labelSelector`` parsed (nil requirements for none).
    nonisolated let requirements: LabelSelectorRequirements
    /// Label keys indexed for equality lookups (e.g. a PlacementDecision's placement label).
    nonisolated let indexedLabels: [String]
    private let hub: any Hub
    private let retryPolicy: RetryPolicy
    private let logger: Logger
    private let timeoutSeconds: Int?
    private var objects: [String: Entry] = [:]
    /// Counts changes to ``objects`` (stores and drops), so an unchanged cache answers ``versions(selector:)`` from
    /// its last answer: every idle reconcile asks it, and matching 10,000 objects' labels each time cost tens of ms.
    private var mutations = 0
    private var lastVersions: (selector: LabelSelectorRequirements, mutations: Int, versions: [String: String])?
    /// label key → value → object keys, for ``indexedLabels``.
    private var index: [String: [String: Set<String>]] = [:]
    private var synced = false
    /// Callers of ``waitUntilSynced()`` by id, so a cancelled one can be resumed alone.
    private var syncWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    /// How many complete lists were taken (1 after the first sync; more after each 410).
    public private(set) var lists = 0
    private var onChange: (@Sendable (Change) -> Void)?

    /// - Parameters:
    ///   - hub: where to LIST and WATCH (a ``KubeClient``; never a ``CachedHub``).
    ///   - kind: the collection.
    ///   - namespace: one namespace, or nil for all.
    ///   - labelSelector: an equality-based selector (``LabelSelectorRequirements``), nil for all.
    ///   - indexedLabels: label keys to index for ``items(namespace:selector:)``.
    ///   - retryPolicy: backoff between failed LISTs and WATCHes (without end).
    ///   - timeoutSeconds: how long each WATCH request lasts; nil for 5–10 minutes.
    public init(
        hub: any Hub, kind: ResourceKind, namespace: String? = nil, labelSelector: String? = nil,
        indexedLabels: [String] = [], retryPolicy: RetryPolicy = .default, timeoutSeconds: Int? = nil,
        logger: Logger = Logger(label: "placer.informer")
    ) {
        self.hub = hub
        self.kind = kind
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.requirements = LabelSelectorRequirements.parse(labelSelector) ?? .init(requirements: [])
        self.indexedLabels = indexedLabels
        self.retryPolicy = retryPolicy
        self.timeoutSeconds = timeoutSeconds
        self.logger = logger
    }

    /// Sets who hears each applied change (called on the informer's executor; keep it short).
    public func setOnChange(_ handler: @escaping @Sendable (Change) -> Void) {
        onChange = handler
    }

    /// Lists and watches until cancelled. Transient failures back off and retry without end; a 410 re-lists.
    /// Any other failure (401, 403, 404, a stream cut mid-line) is logged and the informer starts over with a
    /// fresh LIST after 1 s doubling to 30 s: a daemon's cache outlives a hub's bad minute, and the view it keeps
    /// meanwhile stays the last complete one.
    /// - Throws: `CancellationError` once cancelled.
    public func run() async throws {
        var failures = 0
        // The hub's address for a watch error's text (a WATCH line names server and path, as the client's do).
        let server = (hub as? KubeClient)?.server ?? ""
        while !Task.isCancelled {
            var reflector = Reflector(
                hub: hub, retryPolicy: retryPolicy, logger: logger, server: server, kind: kind,
                namespace: namespace, labelSelector: labelSelector, limit: nil, timeoutSeconds: timeoutSeconds)
            do {
                try await reflector.run { event in await self.apply(event) }
            } catch is CancellationError {
                break
            } catch {
                if Task.isCancelled { break }
                failures += 1
                let wait = min(30, 1 << min(failures - 1, 5))
                logger.warning(
                    "informer failed; listing again",
                    metadata: [
                        "plural": "\(kind.plural)", "error": "\(error)", "retryInSeconds": "\(wait)",
                    ])
                try await Task.sleep(for: .seconds(wait))
            }
        }
        throw CancellationError()
    }

    /// Whether the first LIST has completed.
    public var isSynced: Bool { synced }

    /// Returns once the first LIST has completed (or at once if it has), or once the calling task is cancelled.
    ///
    /// Cancellable because ``CachedHub/run()`` waits on it in a child task: an informer cancelled before its first
    /// LIST (a SIGTERM early in `placer run`, a hub that never answered) would otherwise hold that task group, and
    /// with it the daemon's graceful shutdown, forever.
    public func waitUntilSynced() async {
        if synced { return }
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked on the actor: a cancel before this point resumes here, one after it through `onCancel`.
                if synced || Task.isCancelled {
                    continuation.resume()
                } else {
                    syncWaiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.resumeSyncWaiter(id) }
        }
    }

    private func resumeSyncWaiter(_ id: UUID) {
        syncWaiters.removeValue(forKey: id)?.resume()
    }

    /// One object's JSON.
    /// - Returns: nil until synced; `.some(nil)` when the synced view holds no such object.
    public func object(namespace: String?, name: String) -> Data?? {
        guard synced else { return nil }
        return .some(objects[Self.key(namespace, name)]?.data)
    }

    /// The objects in `namespace` (nil for every one held) that `selector` selects.
    /// - Returns: nil until synced.
    public func items(namespace: String?, selector: LabelSelectorRequirements) -> [Data]? {
        guard synced else { return nil }
        var keys: [String]?
        for case let .equals(label, value) in selector.requirements where indexedLabels.contains(label) {
            keys = (index[label]?[value]).map { Array($0) } ?? []
            break
        }
        let candidates: [(String, Entry)] =
            keys.map { $0.compactMap { key in objects[key].map { (key, $0) } } } ?? objects.map { ($0.key, $0.value) }
        return
            candidates
            .filter { key, entry in
                (namespace == nil || key.hasPrefix(namespace! + "/")) && selector.matches(entry.labels)
            }
            .sorted { $0.0 < $1.0 }
            .map(\.1.data)
    }

    /// The key (`namespace/name`, `/name` for a cluster-scoped object) and `metadata.resourceVersion` (empty when
    /// it has none) of each held object `selector` selects: what a caller needs to tell which objects changed
    /// without decoding any.
    /// - Returns: nil until synced.
    public func versions(selector: LabelSelectorRequirements) -> [String: String]? {
        guard synced else { return nil }
        if let last = lastVersions, last.mutations == mutations, last.selector == selector { return last.versions }
        var result: [String: String] = [:]
        result.reserveCapacity(objects.count)
        for (key, entry) in objects where selector.matches(entry.labels) { result[key] = entry.resourceVersion ?? "" }
        lastVersions = (selector, mutations, result)
        return result
    }

    /// Each held object's namespace, name and `metadata.generation` (0 when it has none).
    public func generations() -> [(String?, String, Int)] {
        objects.map { key, entry in
            let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            return (parts[0].isEmpty ? nil : String(parts[0]), String(parts[1]), entry.generation ?? 0)
        }
    }

    /// How many objects the informer holds.
    public var count: Int { objects.count }

    /// Records an object the caller has just written (the server's answer), unless the cache already holds a newer
    /// version. An object that no longer matches the selector is dropped.
    public func record(_ data: Data) {
        guard let head = Self.head(of: data) else { return }
        record(data, head: head)
    }

    /// ``record(_:)`` with the object's metadata already decoded (``CachedHub`` decodes it once per write).
    func record(_ data: Data, head: WatchEvent.Metadata) {
        let key = Self.key(head.namespace, head.name ?? "")
        if let held = objects[key], Self.isOlder(head.resourceVersion, than: held.resourceVersion) { return }
        if requirements.matches(head.labels ?? [:]) {
            store(
                key,
                Entry(
                    data: data, labels: head.labels ?? [:], resourceVersion: head.resourceVersion,
                    generation: head.generation))
        } else {
            drop(key)
        }
    }

    /// Forgets an object the caller has just deleted.
    public func forget(namespace: String?, name: String) {
        drop(Self.key(namespace, name))
    }

    // MARK: Applying what the reflector reports

    private func apply(_ event: WatchListEvent) {
        switch event {
        case let .listed(items), let .relisted(items):
            var fresh: [String: Entry] = [:]
            for item in items {
                guard let head = Self.head(of: item), let name = head.name else { continue }
                fresh[Self.key(head.namespace, name)] = Entry(
                    data: item, labels: head.labels ?? [:], resourceVersion: head.resourceVersion,
                    generation: head.generation)
            }
            let wasSynced = synced
            let old = objects
            objects = [:]
            index = [:]
            mutations &+= 1
            for (key, entry) in fresh { store(key, entry) }
            lists += 1
            if wasSynced, let onChange {
                // A re-list after 410: say what changed meanwhile, as client-go's DeltaFIFO Replace does.
                for (key, entry) in fresh where old[key]?.data != entry.data {
                    onChange(change(old[key] == nil ? .added : .modified, key: key, entry: entry))
                }
                for (key, entry) in old where fresh[key] == nil { onChange(change(.deleted, key: key, entry: entry)) }
            }
            synced = true
            let waiters = syncWaiters.values
            syncWaiters = [:]
            for waiter in waiters { waiter.resume() }
        case let .changed(event):
            guard let name = event.metadata.name else { return }
            let key = Self.key(event.metadata.namespace, name)
            let entry = Entry(
                data: event.object, labels: event.metadata.labels ?? [:],
                resourceVersion: event.metadata.resourceVersion, generation: event.metadata.generation)
            switch event.type {
            case .added, .modified:
                if let held = objects[key], Self.isOlder(entry.resourceVersion, than: held.resourceVersion) { return }
                store(key, entry)
            case .deleted:
                drop(key)
            case .bookmark, .error:
                return
            }
            onChange?(change(event.type, key: key, entry: entry))
        }
    }

    private func change(_ type: WatchEvent.EventType, key: String, entry: Entry) -> Change {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        return Change(
            type: type, namespace: parts[0].isEmpty ? nil : String(parts[0]), name: String(parts[1]),
            generation: entry.generation, object: entry.data)
    }

    private func store(_ key: String, _ entry: Entry) {
        mutations &+= 1
        if let old = objects[key] { unindex(key, old) }
        objects[key] = entry
        for label in indexedLabels {
            if let value = entry.labels[label] { index[label, default: [:]][value, default: []].insert(key) }
        }
    }

    private func drop(_ key: String) {
        mutations &+= 1
        if let old = objects.removeValue(forKey: key) { unindex(key, old) }
    }

    private func unindex(_ key: String, _ entry: Entry) {
        for label in indexedLabels {
            if let value = entry.labels[label] { index[label]?[value]?.remove(key) }
        }
    }

    static func key(_ namespace: String?, _ name: String) -> String { "\(namespace ?? "")/\(name)" }

    /// Whether resourceVersion `a` is older than `b`. Kubernetes calls resourceVersions opaque; etcd's (and
    /// EdgeSim's) are increasing integers, so two that parse are compared, and anything else counts as newer.
    static func isOlder(_ a: String?, than b: String?) -> Bool {
        guard let a = a.flatMap({ Int($0) }), let b = b.flatMap({ Int($0) }) else { return false }
        return a < b
    }

    private struct Head: Decodable { var metadata: WatchEvent.Metadata? }

    static func head(of data: Data) -> WatchEvent.Metadata? {
        (try? JSONDecoder().decode(Head.self, from: data))?.metadata
    }
}
