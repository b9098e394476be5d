import AppModel
import Foundation
import OCMClient

/// What the leader publishes after every federated round: the ConfigMap `placer-fl-status` (key `status.json`) in
/// Placer's namespace on the hub, read by `placer explain` and the `/metrics` hook.
public struct FederationStatus: Codable, Sendable, Equatable {
    /// The privacy spent so far (today's ε, δ, rounds, budget, whether learning stopped).
    public var privacy: PrivacyStatus
    /// The last round's summary.
    public var lastRound: RoundSummary
    /// The global model's parameters as released (noised).
    public var globalParameters: [Double]

    public init(privacy: PrivacyStatus, lastRound: RoundSummary, globalParameters: [Double]) {
        self.privacy = privacy
        self.lastRound = lastRound
        self.globalParameters = globalParameters
    }

    public static let configMapName = "placer-fl-status"
    static let key = "status.json"

    /// Writes the status in `namespace`, owner-labelled with `owner`. - Throws: ``KubeError``; `EncodingError`.
    public func write(hub: any Hub, namespace: String, owner: String) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = RoundTransport.floats
        let object: [String: Any] = [
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": [
                "name": Self.configMapName, "namespace": namespace,
                "labels": [Labels.managedBy: "placer", Labels.owner: owner],
            ],
            "data": [Self.key: String(decoding: try encoder.encode(self), as: UTF8.self)],
        ]
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        _ = try await hub.apply(RoundTransport.configMap, namespace: namespace, name: Self.configMapName, body: body)
    }

    /// Reads the status from `namespace`.
    /// - Returns: nil when no round has run (no ConfigMap) or its content is not a status.
    /// - Throws: ``KubeError``.
    public static func read(hub: any Hub, namespace: String) async throws -> FederationStatus? {
        guard let data = try await hub.get(RoundTransport.configMap, namespace: namespace, name: configMapName),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let text = (object["data"] as? [String: Any])?[key] as? String
        else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = RoundTransport.floatsIn
        return try? decoder.decode(FederationStatus.self, from: Data(text.utf8))
    }

    /// Lines for `placer explain`: the model, ε spent, δ, rounds, the last round.
    public var lines: [String] {
        [
            "federated model: \(privacy.model), \(privacy.summary)",
            "last round: \(lastRound.line)",
        ]
    }
}
