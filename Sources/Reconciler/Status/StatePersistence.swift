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

    /// - Parameters:
    ///   - hub: the hub client (server-side apply with field manager `placer`).
    ///   - namespace: Placer's namespace on the hub (`placer` by default).
    ///   - name: the ConfigMap's name (``ReconcilerConfiguration/stateConfigMapName``).
    public init(hub: any Hub, namespace: String, name: String) {
        self.hub = hub
        self.namespace = namespace
        self.name = name
    }

    private struct ConfigMap: Decodable {
        var data: [String: String]?
    }

    /// The bytes under ``key``; nil when the ConfigMap or the key does not exist.
    /// - Throws: ``KubeError`` when the hub cannot be read; `DecodingError` for a body that is not a ConfigMap.
    public func load() async throws -> Data? {
        guard let body = try await hub.get(Self.kind, namespace: namespace, name: name) else { return nil }
        let object = try JSONDecoder().decode(ConfigMap.self, from: body)
        return object.data?[Self.key].map { Data($0.utf8) }
    }

    /// Server-side applies the ConfigMap (label `app.kubernetes.io/managed-by: placer`) with `data` under ``key``.
    /// - Throws: ``KubeError`` when the hub refuses the write or cannot be reached.
    public func save(_ data: Data) async throws {
        let object: Value = .object([
            ("apiVersion", .string("v1")), ("kind", .string("ConfigMap")),
            (
                "metadata",
                .object([
                    ("name", .string(name)), ("namespace", .string(namespace)),
                    ("labels", .object([(Labels.managedBy, .string("placer"))])),
                ])
            ),
            ("data", .object([(Self.key, .string(String(decoding: data, as: UTF8.self)))])),
        ])
        _ = try await hub.apply(Self.kind, namespace: namespace, name: name, body: object.canonicalJSONData())
    }
}
