import AppModel
import Foundation
import OCMClient

/// Carries round messages through the hub, as owner-labelled core/v1 ConfigMaps in each cluster's namespace.
///
/// Why ConfigMaps in the cluster namespace (docs/pdlc.md, "Federated rounds"): OCM already confines an add-on
/// agent's hub credentials to its cluster namespace, so an agent can read and write there and nowhere else, and
/// ConfigMaps need no CRD installed on the hub, are listed by `kubectl`, and hold 1 MiB (a message is a few KiB).
/// The coordinator relays what agents must see of each other (Bonawitz et al.'s server role), so no agent reads
/// another's namespace. Objects:
///
/// | ConfigMap (namespace `<cluster>`) | written by | key `message.json` |
/// | --- | --- | --- |
/// | `placer-fl-coordinator` | the leader | ``CoordinatorMessage`` |
/// | `placer-fl-agent` | that cluster's agent | ``AgentMessage`` |
///
/// Both carry `app.kubernetes.io/managed-by=placer` and their writer's `placer.dev/owner`.
public struct RoundTransport: Sendable {
    public static let coordinatorName = "placer-fl-coordinator"
    public static let agentName = "placer-fl-agent"
    static let key = "message.json"
    /// core/v1 ConfigMap.
    public static let configMap = ResourceKind(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)

    /// ε is infinite without noise: JSON has no infinity, so it is written as a string.
    static var floats: JSONEncoder.NonConformingFloatEncodingStrategy {
        JSONEncoder.NonConformingFloatEncodingStrategy.convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    }
    static var floatsIn: JSONDecoder.NonConformingFloatDecodingStrategy {
        .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    }

    public let hub: any Hub
    /// The writer's owner label value (the Placer instance for the coordinator, `agent-<cluster>` for an agent).
    public let owner: String

    public init(hub: any Hub, owner: String) {
        self.hub = hub
        self.owner = owner
    }

    /// Writes the coordinator's message for `cluster`.
    /// - Throws: ``KubeError``; `EncodingError`; ``NotOursError`` when another owner holds the ConfigMap.
    public func send(_ message: CoordinatorMessage, to cluster: String) async throws {
        try await write(message, name: Self.coordinatorName, namespace: cluster)
    }

    /// Writes an agent's message in its cluster namespace.
    /// - Throws: ``KubeError``; `EncodingError`; ``NotOursError`` when another owner holds the ConfigMap.
    public func send(_ message: AgentMessage, namespace: String) async throws {
        try await write(message, name: Self.agentName, namespace: namespace)
    }

    /// The coordinator's current message in `namespace`, nil when none.
    /// - Throws: ``KubeError``; `DecodingError` for a message that is not one.
    public func coordinatorMessage(namespace: String) async throws -> CoordinatorMessage? {
        try await read(CoordinatorMessage.self, name: Self.coordinatorName, namespace: namespace)
    }

    /// The agent's current message in `namespace`, nil when none.
    /// - Throws: ``KubeError``; `DecodingError` for a message that is not one.
    public func agentMessage(namespace: String) async throws -> AgentMessage? {
        try await read(AgentMessage.self, name: Self.agentName, namespace: namespace)
    }

    private func write<T: Encodable>(_ message: T, name: String, namespace: String) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = Self.floats
        let text = String(decoding: try encoder.encode(message), as: UTF8.self)
        let object: [String: Any] = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": name, "namespace": namespace,
                "labels": [Labels.managedBy: "placer", Labels.owner: owner],
            ],
            "data": [Self.key: text],
        ]
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try await hub.requireOwnedOrAbsent(Self.configMap, namespace: namespace, name: name, owner: owner)
        _ = try await hub.apply(Self.configMap, namespace: namespace, name: name, body: body)
    }

    private func read<T: Decodable>(_ type: T.Type, name: String, namespace: String) async throws -> T? {
        guard let data = try await hub.get(Self.configMap, namespace: namespace, name: name),
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let text = (object["data"] as? [String: Any])?[Self.key] as? String
        else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        decoder.nonConformingFloatDecodingStrategy = Self.floatsIn
        return try decoder.decode(T.self, from: Data(text.utf8))
    }
}
