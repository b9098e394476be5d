import AppModel
import Foundation
import OCMClient

/// An in-memory ``Hub``: objects by kind, namespace and name with resourceVersions and generations, label-selector
/// lists, server-side apply as a replace of everything but `status`, and a work agent that marks every applied
/// ManifestWork Applied and Available at its generation (turn it off with `workAgent: false`).
///
/// For unit tests of the reconcile loop: no server, no sockets, every call returns at once. ``writes`` counts
/// mutations (apply, status apply, create, delete) so a test can assert that an unchanged world writes nothing;
/// ``failNext(_:)`` makes calls throw as an unreachable hub does. `watch` yields an ADDED event for each current
/// object, then finishes.
///
/// With ``writeDelay`` set, each write waits that long before it takes effect, so concurrent writers overlap (the
/// actor is re-entered while one waits): ``maxWritesInFlight`` then tells how many a caller had in flight at once,
/// and ``writeLog`` the order in which writes took effect.
public actor FakeHub: Hub {
    private struct Key: Hashable, Comparable {
        var plural: String
        var namespace: String
        var name: String
        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.plural, lhs.namespace, lhs.name) < (rhs.plural, rhs.namespace, rhs.name)
        }
    }

    private var objects: [Key: Value] = [:]
    private var resourceVersion = 0
    private var failures = 0
    /// Whether applied ManifestWorks get Applied and Available conditions at once.
    public var workAgent: Bool
    /// Mutations served (apply, status apply, create, delete of an existing object).
    public private(set) var writes = 0
    /// How long each write (apply, status apply, create, delete) waits before it takes effect; nil: none.
    public var writeDelay: Duration?
    /// Writes started and not yet finished.
    public private(set) var writesInFlight = 0
    /// The most writes in flight at once so far.
    public private(set) var maxWritesInFlight = 0
    /// Every write in the order it took effect: `VERB plural namespace/name` (VERB is APPLY, STATUS, CREATE or
    /// DELETE; the namespace is empty for cluster-scoped kinds).
    public private(set) var writeLog: [String] = []

    /// - Parameter workAgent: mark applied ManifestWorks Available at their generation.
    public init(workAgent: Bool = true) {
        self.workAgent = workAgent
    }

    // MARK: Test controls

    /// Stores `object` (JSON-shaped, with apiVersion, kind, metadata.name and, when namespaced, metadata.namespace)
    /// as the server would after a create; not counted in ``writes``.
    public func seed(_ object: Value, kind: ResourceKind) {
        let namespace = kind.namespaced ? object[path: "metadata.namespace"]?.stringValue ?? "" : ""
        let name = object[path: "metadata.name"]?.stringValue ?? ""
        objects[Key(plural: kind.plural, namespace: namespace, name: name)] = stamped(object, previous: nil)
    }

    /// The stored objects of `kind` (in one namespace, or all), sorted by namespace and name.
    public func objects(_ kind: ResourceKind, namespace: String? = nil) -> [Value] {
        objects.filter { $0.key.plural == kind.plural && (namespace == nil || $0.key.namespace == namespace) }
            .sorted { $0.key < $1.key }.map(\.value)
    }

    /// Makes the next `count` calls throw ``KubeError`` `.unreachable`.
    public func failNext(_ count: Int) { failures = count }

    /// Objects (by name) whose server-side apply is refused with 422 Invalid, as an admission webhook refusing one
    /// object would; other objects are written as usual.
    public private(set) var rejectedNames: Set<String> = []

    /// Sets ``rejectedNames``.
    public func rejectApplies(named names: Set<String>) { rejectedNames = names }

    /// Sets ``writeDelay``.
    public func setWriteDelay(_ delay: Duration?) { writeDelay = delay }

    /// Counts one write in flight for its wait (``writeDelay``), then logs it as taking effect.
    private func writing(_ verb: String, _ kind: ResourceKind, _ namespace: String?, _ name: String) async {
        writesInFlight += 1
        maxWritesInFlight = max(maxWritesInFlight, writesInFlight)
        if let writeDelay { try? await Task.sleep(for: writeDelay) }
        writesInFlight -= 1
        writeLog.append("\(verb) \(kind.plural) \(namespace ?? "")/\(name)")
    }

    /// Replaces a stored object's `status` (as an agent would), bumping its resourceVersion; not counted in
    /// ``writes``. Nothing happens when the object does not exist.
    public func setStatus(_ status: Value, kind: ResourceKind, namespace: String?, name: String) {
        let key = Key(plural: kind.plural, namespace: namespace ?? "", name: name)
        guard let object = objects[key] else { return }
        resourceVersion += 1
        objects[key] = Self.setting(
            Self.setting(object, "status", status), path: ["metadata", "resourceVersion"],
            .string(String(resourceVersion)))
    }

    // MARK: Hub

    /// ``Hub``'s `get`, in memory.
    public func get(_ kind: ResourceKind, namespace: String?, name: String) async throws -> Data? {
        try checkReachable("GET")
        return objects[Key(plural: kind.plural, namespace: namespace ?? "", name: name)]?.canonicalJSONData()
    }

    /// ``Hub``'s `listAll`, in memory.
    public func listAll(
        _ kind: ResourceKind, namespace: String?, labelSelector: String?, limit: Int?
    ) async throws -> ListPage {
        try checkReachable("LIST")
        guard let selector = LabelSelectorRequirements.parse(labelSelector) else {
            throw SelectorError(selector: labelSelector ?? "")
        }
        let items = objects(kind, namespace: namespace).filter { selector.matches(Self.labels(of: $0)) }
        return ListPage(items: items.map { $0.canonicalJSONData() }, resourceVersion: String(resourceVersion))
    }

    /// ``Hub``'s `watch`, in memory.
    public nonisolated func watch(
        _ kind: ResourceKind, namespace: String?, labelSelector: String?, resourceVersion: String?,
        timeoutSeconds: Int?, allowBookmarks: Bool
    ) -> AsyncThrowingStream<WatchEvent, Error> {
        AsyncThrowingStream { continuation in
            Task {
                do {
                    for item in try await self.listAll(
                        kind, namespace: namespace, labelSelector: labelSelector, limit: nil
                    ).items {
                        continuation.yield(WatchEvent(type: .added, object: item))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    /// ``Hub``'s `apply`, in memory.
    public func apply(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool
    ) async throws -> Data {
        try checkReachable("PATCH")
        await writing("APPLY", kind, namespace, name)
        guard !rejectedNames.contains(name) else {
            throw KubeError(
                kind: .status, statusCode: 422, reason: "Invalid",
                message: "\(kind.plural) \"\(name)\" is invalid (fake)",
                request: "PATCH", server: "fake")
        }
        let key = Key(plural: kind.plural, namespace: namespace ?? "", name: name)
        var intent = try Value.parseJSON(body, file: "apply")
        if let status = objects[key]?["status"] { intent = Self.setting(intent, "status", status) }
        var object = stamped(intent, previous: objects[key])
        if workAgent, kind.plural == ResourceKind.manifestWork.plural {
            object = Self.available(object)
        }
        objects[key] = object
        writes += 1
        return object.canonicalJSONData()
    }

    /// ``Hub``'s `applyStatus`, in memory.
    public func applyStatus(
        _ kind: ResourceKind, namespace: String?, name: String, body: Data, force: Bool
    ) async throws -> Data {
        try checkReachable("PATCH")
        await writing("STATUS", kind, namespace, name)
        let key = Key(plural: kind.plural, namespace: namespace ?? "", name: name)
        guard let object = objects[key] else { throw notFound(kind, name) }
        let status = try Value.parseJSON(body, file: "status")["status"] ?? .object([])
        resourceVersion += 1
        let updated = Self.setting(
            Self.setting(object, "status", status), path: ["metadata", "resourceVersion"],
            .string(String(resourceVersion)))
        objects[key] = updated
        writes += 1
        return updated.canonicalJSONData()
    }

    /// ``Hub``'s `create`, in memory.
    public func create(_ kind: ResourceKind, namespace: String?, body: Data) async throws -> Data {
        try checkReachable("POST")
        var object = try Value.parseJSON(body, file: "create")
        var name = object[path: "metadata.name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = object[path: "metadata.generateName"]?.stringValue {
            name = prefix + String(resourceVersion + 1)
            object = Self.setting(object, path: ["metadata", "name"], .string(name))
        }
        await writing("CREATE", kind, namespace, name)
        let key = Key(plural: kind.plural, namespace: namespace ?? "", name: name)
        guard objects[key] == nil else {
            throw KubeError(
                kind: .status, statusCode: 409, reason: "AlreadyExists",
                message: "\(kind.plural) \"\(name)\" already exists",
                request: "POST", server: "fake")
        }
        object = stamped(object, previous: nil)
        objects[key] = object
        writes += 1
        return object.canonicalJSONData()
    }

    /// ``Hub``'s `delete`, in memory.
    public func delete(
        _ kind: ResourceKind, namespace: String?, name: String, propagationPolicy: PropagationPolicy?
    ) async throws {
        try checkReachable("DELETE")
        await writing("DELETE", kind, namespace, name)
        if objects.removeValue(forKey: Key(plural: kind.plural, namespace: namespace ?? "", name: name)) != nil {
            writes += 1
        }
    }

    // MARK: Internals

    private func checkReachable(_ method: String) throws {
        guard failures > 0 else { return }
        failures -= 1
        throw KubeError(kind: .unreachable, message: "connection refused (fake)", request: method, server: "fake")
    }

    private func notFound(_ kind: ResourceKind, _ name: String) -> KubeError {
        KubeError(
            kind: .status, statusCode: 404, reason: "NotFound", message: "\(kind.plural) \"\(name)\" not found",
            request: "PATCH",
            server: "fake")
    }

    /// A new resourceVersion, and a generation bumped when `spec` changed.
    private func stamped(_ object: Value, previous: Value?) -> Value {
        resourceVersion += 1
        let oldGeneration = previous?[path: "metadata.generation"]?.scalarText.flatMap { Int($0) } ?? 0
        let generation = previous == nil || previous?["spec"] != object["spec"] ? oldGeneration + 1 : oldGeneration
        var result = Self.setting(object, path: ["metadata", "resourceVersion"], .string(String(resourceVersion)))
        result = Self.setting(result, path: ["metadata", "generation"], .int(generation))
        if let uid = previous?[path: "metadata.uid"] {
            result = Self.setting(result, path: ["metadata", "uid"], uid)
        } else {
            result = Self.setting(result, path: ["metadata", "uid"], .string("uid-\(resourceVersion)"))
        }
        return result
    }

    /// The object with Applied and Available conditions True at its generation.
    private static func available(_ object: Value) -> Value {
        let generation = object[path: "metadata.generation"] ?? .int(1)
        let conditions: [Value] = ["Applied", "Available"].map { type in
            .object([
                ("type", .string(type)), ("status", .string("True")), ("reason", .string("Fake")),
                ("message", .string("fake work agent")), ("observedGeneration", generation),
                ("lastTransitionTime", .string("2026-01-01T00:00:00Z")),
            ])
        }
        return setting(object, "status", .object([("conditions", .array(conditions))]))
    }

    private static func labels(of object: Value) -> [String: String] {
        var labels: [String: String] = [:]
        for (key, value) in object[path: "metadata.labels"]?.objectValue ?? [] { labels[key] = value.scalarText ?? "" }
        return labels
    }

    static func setting(_ object: Value, _ key: String, _ value: Value) -> Value {
        var pairs = object.objectValue ?? []
        if let index = pairs.firstIndex(where: { $0.0 == key }) {
            pairs[index].1 = value
        } else {
            pairs.append((key, value))
        }
        return .object(pairs)
    }

    static func setting(_ object: Value, path: [String], _ value: Value) -> Value {
        guard let first = path.first else { return value }
        if path.count == 1 { return setting(object, first, value) }
        return setting(object, first, setting(object[first] ?? .object([]), path: Array(path.dropFirst()), value))
    }
}

/// A label selector the fake cannot parse (a set-based one, or a term with an empty key).
struct SelectorError: Error, CustomStringConvertible {
    var selector: String
    var description: String { "invalid label selector: \(selector)" }
}
