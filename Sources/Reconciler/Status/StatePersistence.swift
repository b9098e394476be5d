import AppModel
import Foundation
import OCMClient

/// Where the state that must survive a restart and a change of leader is kept (PDLC's stability state).
///
/// Contract: `load` returns exactly the bytes the last `save` stored, or nil when nothing was stored; both throw
/// when the store cannot be reached, and callers retry later. Implementations must be safe to call from any task.
public protocol StatePersistence: Sendable {
    /// - Returns: the stored bytes, nil when nothing is stored yet.
    /// - Throws: when the store cannot be read.
    func load() async throws -> Data?
    /// Replaces the stored bytes.
    /// - Throws: when the store cannot be written.
    func save(_ data: Data) async throws
}

/// Keeps the persisted state in a core/v1 ConfigMap on the OCM hub (key `state.json`), in Placer's namespace, so a
/// restarted daemon or a standby replica that takes the Lease continues with it.
public struct ConfigMapStatePersistence: StatePersistence {
    /// The ConfigMap's key holding the JSON.
    public static let key = "state.json"
    static let kind = ResourceKind(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)

    /// The hub the ConfigMap lives on.
    public let hub: any Hub
    /// Placer's namespace on the hub.
    public let namespace: String
    /// The ConfigMap's name.
    public let name: String

    /// This instance's owner label value (``Ownership``), stamped on the ConfigMap.
    public let instance: String
    /// The `placer.dev/source` annotation (repo without credentials, and branch).
    public let source: String

    /// - Parameters:
    ///   - hub: the hub client (server-side apply with field manager `placer`).
    ///   - namespace: Placer's namespace on the hub (`placer` by default).
    ///   - name: the ConfigMap's name (``ReconcilerConfiguration/stateConfigMapName``).
    ///   - instance: the owner label value (``ReconcilerConfiguration/instance``); a ConfigMap of that name owned
    ///     by anyone else is neither read nor written.
    ///   - source: the `placer.dev/source` annotation.
    public init(hub: any Hub, namespace: String, name: String, instance: String, source: String) {
        self.hub = hub
        self.namespace = namespace
        self.name = name
        self.instance = instance
        self.source = source
    }

    /// The stored ConfigMap as a value, when it exists and is this instance's (or a Placer's from before owner
    /// labels, which the next save adopts).
    /// - Throws: ``KubeError`` when the hub cannot be read; ``StateOwnershipError`` when another owner holds it.
    private func owned() async throws -> Value? {
        guard let body = try await hub.get(Self.kind, namespace: namespace, name: name) else { return nil }
        let object = try Value.parseJSON(body, file: "\(namespace)/\(name)")
        if case .foreign(let owner) = Ownership.claim(of: object, instance: instance) {
            throw StateOwnershipError(configMap: "\(namespace)/\(name)", owner: owner)
        }
        return object
    }

    /// The bytes under ``key``; nil when the ConfigMap or the key does not exist.
    /// - Throws: ``KubeError`` when the hub cannot be read; ``StateOwnershipError`` when another owner holds the
    ///   ConfigMap; ``ModelError`` for a body that is not JSON.
    public func load() async throws -> Data? {
        try await owned()?[path: "data"]?[Self.key]?.stringValue.map { Data($0.utf8) }
    }

    /// Server-side applies the ConfigMap, owner-labelled (``Ownership/stamp(_:instance:source:)``), with `data`
    /// under ``key``.
    /// - Throws: ``KubeError`` when the hub refuses the write or cannot be reached; ``StateOwnershipError`` when
    ///   another owner holds a ConfigMap of that name (it is never overwritten).
    public func save(_ data: Data) async throws {
        _ = try await owned()
        let object: Value = .object([
            ("apiVersion", .string("v1")), ("kind", .string("ConfigMap")),
            ("metadata", .object([("name", .string(name)), ("namespace", .string(namespace))])),
            ("data", .object([(Self.key, .string(String(decoding: data, as: UTF8.self)))])),
        ])
        let stamped = Ownership.stamp(object, instance: instance, source: source)
        _ = try await hub.apply(Self.kind, namespace: namespace, name: name, body: stamped.canonicalJSONData())
    }
}

/// The state ConfigMap's name is held by another owner: Placer neither reads nor overwrites it.
public struct StateOwnershipError: Error, CustomStringConvertible {
    /// `namespace/name`.
    public var configMap: String
    /// Who holds it, as ``Ownership/Claim/foreign(owner:)`` says.
    public var owner: String
    public var description: String { "ConfigMap \(configMap) is owned by \(owner); not reading or writing it" }
}
