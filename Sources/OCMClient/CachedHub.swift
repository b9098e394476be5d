import Foundation
import NIOConcurrencyHelpers

/// A ``Hub`` that answers reads from ``Informer`` caches and passes writes through, so a steady-state reconcile
/// sends the hub no request beyond the informers' open watches.
///
/// Reads:
/// - `get` of a kind an informer covers (its namespace holds the object's) answers from the cache once synced. A
///   miss is authoritative only for an informer without a label selector; a miss in a selected cache (Placer's
///   owned ManifestWorks) may be an object another owner holds, so it is asked of the hub.
/// - `listAll` answers from the cache when an informer covers the namespace and its selector is no narrower than
///   the one asked (the caller's selector is then applied on the client side).
/// - Anything not covered, or not yet synced, goes to the hub: a cache that has not listed once is never taken
///   for a complete view (nothing is pruned from a partial view).
///
/// Writes go to the hub; the stored object it answers is recorded in the cache at once. Around each write the
/// object is marked in flight, so its own watch event is not mistaken for someone else's change.
///
/// ``onForeignChange`` hears changes made by someone else to objects written through this hub: a DELETED event,
/// or a new `metadata.generation` (a spec edit) of an object whose last write here left another generation.
/// Status and metadata updates by others (the work agent's conditions) do not bump the generation and are not
/// reported. The reconciler repairs what is reported (drift) from the cache.
public final class CachedHub: Hub, Sendable {
    /// The hub written to and read from when no cache covers a read.
    public let base: any Hub
    /// The caches, in order of preference.
    public let informers: [Informer]
    private struct State {
        /// `kind/namespace/name` → generation after this hub's last write.
        var written: [String: Int] = [:]
        /// Keys with a write in flight.
        var inFlight: [String: Int] = [:]
        var onForeignChange: (@Sendable (ResourceKind, String?, String, WatchEvent.EventType) -> Void)?
        var foreignChanges = 0
        /// Whether ``run()`` has started the informers.
        var running = false
    }
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - base: the real hub (a ``KubeClient``).
    ///   - informers: caches over `base`; start them with ``run()``.
    public init(base: any Hub, informers: [Informer]) {
        self.base = base
        self.informers = informers
    }

    /// Sets who hears changes someone else made to objects this hub wrote (kind, namespace, name, event type).
    /// Called on an informer's executor: keep it short (e.g. request a reconcile).
    public func onForeignChange(
        _ handler: @escaping @Sendable (ResourceKind, String?, String, WatchEvent.EventType) -> Void
    ) {
        state.withLockedValue { $0.onForeignChange = handler }
    }

    /// Runs every informer until cancelled.
    /// - Throws: an informer's lasting failure (``KubeError`` 401, 403, 404), or `CancellationError`.
    public func run() async throws {
        state.withLockedValue { $0.running = true }
        defer { state.withLockedValue { $0.running = false } }
        for informer in informers {
            let kind = informer.kind
            await informer.setOnChange { [weak self] change in self?.heard(change, kind: kind) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for informer in informers { group.addTask { try await informer.run() } }
            for informer in informers where informer.labelSelector != nil {
                // Every object a selected cache holds is the selector's owner's (Placer's ManifestWorks): its
                // generation at the first list is the one to keep, even before this process writes it.
                group.addTask { [weak self] in
                    await informer.waitUntilSynced()
                    let generations = await informer.generations()
                    self?.state.withLockedValue { state in
                        for (namespace, name, generation) in generations {
                            let key = Self.key(informer.kind, namespace, name)
                            if state.written[key] == nil { state.written[key] = generation }
                        }
                    }
                }
            }
            // Informers run until cancelled; the first to fail for good ends them all.
            try await group.waitForAll()
        }
    }

    /// Returns once every informer has listed once.
    public func waitUntilSynced() async {
        for informer in informers { await informer.waitUntilSynced() }
    }

    /// Waits up to `timeout` for every informer to list once; returns at once when ``run()`` is not running.
    /// - Returns: whether they all have.
    public func waitUntilSynced(timeout: Duration) async -> Bool {
        guard state.withLockedValue({ $0.running }) else { return await isSynced() }
        let deadline = ContinuousClock.now + timeout
        while !(await isSynced()) {
            // A short poll of local state: the informers' sync waiters are not cancellable.
            guard ContinuousClock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// How many foreign changes (``onForeignChange(_:)``) were seen so far: a reconciler that compared at one
    /// count need not compare again until it moves.
    public func foreignChangeCount() -> Int {
        state.withLockedValue { $0.foreignChanges }
    }

    /// Whether every informer has listed once.
    public func isSynced() async -> Bool {
        for informer in informers {
            if !(await informer.isSynced) { return false }
        }
        return true
    }

    // MARK: Hub

    public func get(_ kind: ResourceKind, namespace: String?, name: String) async throws -> Data? {
        for informer in informers where informer.kind == kind && covers(informer, namespace) {
            guard case let .some(held) = await informer.object(namespace: namespace, name: name) else { continue }
            if let held { return held }
            if informer.labelSelector == nil { return nil }
        }
        return try await base.get(kind, namespace: namespace, name: name)
    }

    public func listAll(
        _ kind: ResourceKind, namespace: String?, labelSelector: String?, limit: Int?
    ) async throws -> ListPage {
        if let wanted = LabelSelectorRequirements.parse(labelSelector) {
            for informer in informers
            where informer.kind == kind && covers(informer, namespace) && wanted.isNarrower(than: informer.requirements)
            {
                if let items = await informer.items(namespace: namespace, selector: wanted) {
                    return ListPage(items: items)
                }
            }
        }
        return try await base.listAll(kind, namespace: namespace, labelSelector: labelSelector, limit: limit)
    }

    /// The cached objects of `kind` in every namespace that `labelSelector` selects, as `namespace/name` →
    /// `metadata.resourceVersion`, without decoding any: which objects exist and which changed since a caller last
    /// read them.
    /// - Returns: nil when no synced informer of `kind` covers every namespace with a selector no narrower than
    ///   `labelSelector` (ask ``listAll(_:namespace:labelSelector:limit:)`` then).
    public func versions(_ kind: ResourceKind, labelSelector: String?) async -> [String: String]? {
        guard let wanted = LabelSelectorRequirements.parse(labelSelector) else { return nil }
        for informer in informers
        where informer.kind == kind && informer.namespace == nil && wanted.isNarrower(than: informer.requirements) {
            if let versions = await informer.versions(selector: wanted) { return versions }
        }
        return nil
    }

    public func watch(
        _ kind: ResourceKind, namespace: String?, labelSelector: String?, resourceVersion: String?,
        timeoutSeconds: Int?, allowBookmarks: Bool
    ) -> AsyncThrowingStream<WatchEvent, Error> {
        base.watch(
            kind, namespace: namespace, labelSelector: labelSelector, resourceVersion: resourceVersion,
            timeoutSeconds: timeoutSeconds, allowBookmarks: allowBookmarks)
    }

    public func apply(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool
    ) async throws -> Data {
        try await written(kind, namespace, name) {
            try await base.apply(kind, namespace: namespace, name: name, body: body, force: force)
        }
    }

    public func applyStatus(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool
    ) async throws -> Data {
        try await written(kind, namespace, name) {
            try await base.applyStatus(kind, namespace: namespace, name: name, body: body, force: force)
        }
    }

    public func create(_ kind: ResourceKind, namespace: String?, body: Data) async throws -> Data {
        let stored = try await base.create(kind, namespace: namespace, body: body)
        await record(kind, stored, head: Informer.head(of: stored))
        return stored
    }

    public func delete(
        _ kind: ResourceKind, namespace: String?, name: String, propagationPolicy: PropagationPolicy?
    ) async throws {
        let key = Self.key(kind, namespace, name)
        try await inFlight(key) {
            try await base.delete(kind, namespace: namespace, name: name, propagationPolicy: propagationPolicy)
        }
        state.withLockedValue { _ = $0.written.removeValue(forKey: key) }
        for informer in informers where informer.kind == kind && covers(informer, namespace) {
            await informer.forget(namespace: namespace, name: name)
        }
    }

    // MARK: Bookkeeping

    private func written(
        _ kind: ResourceKind, _ namespace: String?, _ name: String, _ write: () async throws -> Data
    ) async throws -> Data {
        let key = Self.key(kind, namespace, name)
        return try await inFlight(key) {
            let stored = try await write()
            // The stored object's metadata, decoded once for the generation and every cache that records it.
            let head = Informer.head(of: stored)
            state.withLockedValue { $0.written[key] = head?.generation ?? 0 }
            await record(kind, stored, head: head)
            return stored
        }
    }

    /// Runs `body` with `key` marked in flight, so the watch event of this process's own write is not reported as
    /// a foreign change.
    private func inFlight<T>(_ key: String, _ body: () async throws -> T) async throws -> T {
        state.withLockedValue { $0.inFlight[key, default: 0] += 1 }
        defer {
            state.withLockedValue {
                $0.inFlight[key, default: 1] -= 1
                if $0.inFlight[key] == 0 { $0.inFlight[key] = nil }
            }
        }
        return try await body()
    }

    private func record(_ kind: ResourceKind, _ stored: Data, head: WatchEvent.Metadata?) async {
        guard let head else { return }
        for informer in informers where informer.kind == kind && covers(informer, head.namespace) {
            await informer.record(stored, head: head)
        }
    }

    private func covers(_ informer: Informer, _ namespace: String?) -> Bool {
        informer.namespace == nil || informer.namespace == namespace
    }

    /// An informer applied a change: report it when someone else made it to an object written here.
    private func heard(_ change: Informer.Change, kind: ResourceKind) {
        let key = Self.key(kind, change.namespace, change.name)
        let handler = state.withLockedValue {
            state -> (@Sendable (ResourceKind, String?, String, WatchEvent.EventType) -> Void)? in
            guard state.inFlight[key] == nil, let generation = state.written[key] else { return nil }
            switch change.type {
            case .deleted:
                state.written[key] = nil
                state.foreignChanges += 1
                return state.onForeignChange
            case .added, .modified:
                guard let now = change.generation, now != generation else { return nil }
                state.written[key] = now
                state.foreignChanges += 1
                return state.onForeignChange
            case .bookmark, .error:
                return nil
            }
        }
        handler?(kind, change.namespace, change.name, change.type)
    }

    static func key(_ kind: ResourceKind, _ namespace: String?, _ name: String) -> String {
        "\(kind.plural)/\(namespace ?? "")/\(name)"
    }
}
