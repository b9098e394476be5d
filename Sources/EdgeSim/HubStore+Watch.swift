import AppModel

/// One change kept in the hub's history: the event type, the object after the change (as last stored, for
/// DELETED) and the object before it (nil when created).
struct WatchRecord: Sendable {
    var revision: Int
    var type: String
    var key: ObjectKey
    var object: Value
    var previous: Value?
}

/// One line of a watch stream: `{"type": ..., "object": ...}`.
struct WatchMessage: Sendable {
    /// ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.
    var type: String
    var object: Value
}

/// An open watch: what it selects and where its events go.
struct Watcher: Sendable {
    var type: ResourceType
    var namespace: String?
    var selector: LabelSelector?
    var fields: FieldSelector?
    var sink: AsyncStream<WatchMessage>.Continuation

    func selects(_ key: ObjectKey, _ object: Value) -> Bool {
        key.plural == type.plural && (namespace == nil || key.namespace == namespace)
            && (selector?.matches(object.objectLabels) ?? true) && (fields?.matches(object) ?? true)
    }

    /// The event this watch sees for a change, as kube-apiserver's watch cache reports it through a label
    /// selector: an object that starts matching is ADDED, one that stops matching is DELETED; nil when the
    /// watch sees nothing.
    func message(for record: WatchRecord) -> WatchMessage? {
        let now = selects(record.key, record.object)
        let before = record.previous.map { selects(record.key, $0) } ?? false
        switch record.type {
        case "MODIFIED" where now && !before: return WatchMessage(type: "ADDED", object: record.object)
        case "MODIFIED" where !now && before: return WatchMessage(type: "DELETED", object: record.object)
        case _ where now: return WatchMessage(type: record.type, object: record.object)
        default: return nil
        }
    }
}

/// Watches: the bounded change history, replay from a resourceVersion, live events and bookmarks.
extension HubStore {
    /// Records a change and sends it to the watches that select it.
    func publish(_ type: ResourceType, key: ObjectKey, event: String, object: Value, previous: Value?) {
        let record = WatchRecord(revision: revision, type: event, key: key, object: object, previous: previous)
        history.append(record)
        let excess = history.count - configuration.watchHistoryLimit
        if excess > 0 {
            historyFloor = history[excess - 1].revision
            history.removeFirst(excess)
        }
        for watcher in watchers.values {
            if let message = watcher.message(for: record) { watcher.sink.yield(message) }
        }
    }

    /// Opens a watch.
    ///
    /// With no resourceVersion (or `"0"`) the stream starts with a synthetic ADDED event per existing object;
    /// otherwise it replays every kept change after `resourceVersion`. Live changes follow in order.
    /// - Returns: the watch id (for ``bookmark(_:)`` and ``endWatch(_:)``) and its event stream.
    /// - Throws: ``APIError`` 410 Expired when `resourceVersion` is older than the kept history, 400 when it is
    ///   not a resourceVersion this hub issued.
    func startWatch(
        _ type: ResourceType, namespace: String?, selector: LabelSelector?, fields: FieldSelector? = nil,
        resourceVersion: String?
    ) throws -> (id: Int, stream: AsyncStream<WatchMessage>) {
        let (stream, sink) = AsyncStream<WatchMessage>.makeStream()
        let watcher = Watcher(type: type, namespace: namespace, selector: selector, fields: fields, sink: sink)
        if let resourceVersion, !resourceVersion.isEmpty, resourceVersion != "0" {
            guard let start = Int(resourceVersion), start >= 0 else {
                throw APIError.badRequest("invalid resourceVersion \"\(resourceVersion)\"")
            }
            guard start >= historyFloor else { throw APIError.expired(resourceVersion: start, oldest: historyFloor) }
            for record in history where record.revision > start {
                if let message = watcher.message(for: record) { sink.yield(message) }
            }
        } else {
            for object in list(type, namespace: namespace, selector: selector) where fields?.matches(object) ?? true {
                sink.yield(WatchMessage(type: "ADDED", object: object))
            }
        }
        nextWatcherID += 1
        watchers[nextWatcherID] = watcher
        return (nextWatcherID, stream)
    }

    /// Sends a BOOKMARK with the current resourceVersion to one watch.
    func bookmark(_ id: Int) {
        guard let watcher = watchers[id] else { return }
        let object: Value = .object([
            ("apiVersion", .string(watcher.type.apiVersion)), ("kind", .string(watcher.type.kind)),
            ("metadata", .object([("resourceVersion", .string(resourceVersion))])),
        ])
        watcher.sink.yield(WatchMessage(type: "BOOKMARK", object: object))
    }

    /// Ends one watch's stream.
    func endWatch(_ id: Int) {
        watchers.removeValue(forKey: id)?.sink.finish()
    }

    /// Ends every open watch (the hub is stopping).
    func endAllWatches() {
        for watcher in watchers.values { watcher.sink.finish() }
        watchers.removeAll()
    }

    /// How many watches are open.
    var openWatchCount: Int { watchers.count }
}
