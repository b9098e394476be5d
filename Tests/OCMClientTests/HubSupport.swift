import AppModel
import EdgeSim
import Foundation
import OCMClient

/// Runs `body` with a hub started from `configuration` and a client for it; always stops both.
func withHub<T>(
    _ configuration: HubConfiguration, retryPolicy: RetryPolicy = .default,
    _ body: (EdgeSimHub, KubeClient) async throws -> T
) async throws -> T {
    let hub = EdgeSimHub(configuration: configuration)
    try await hub.start()
    let client: KubeClient
    do {
        client = try KubeClient(
            kubeconfig: Kubeconfig(server: hub.baseURL, token: configuration.token), retryPolicy: retryPolicy)
    } catch {
        await hub.stop()
        throw error
    }
    do {
        let result = try await body(hub, client)
        try? await client.shutdown()
        await hub.stop()
        return result
    } catch {
        try? await client.shutdown()
        await hub.stop()
        throw error
    }
}

/// A minimal ManagedCluster body.
func clusterJSON(_ name: String, labels: [String: String] = [:]) -> Data {
    let labelValue = Value.object(labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })
    return Value.object([
        ("apiVersion", .string("cluster.open-cluster-management.io/v1")), ("kind", .string("ManagedCluster")),
        ("metadata", .object([("name", .string(name)), ("labels", labelValue)])),
        ("spec", .object([("hubAcceptsClient", .bool(true))])),
    ]).canonicalJSONData()
}

/// The `metadata.name` of each object.
func names(_ items: [Data]) throws -> [String] {
    try items.map { try JSONDecoder().decode(NameOnly.self, from: $0).metadata.name }
}

private struct NameOnly: Decodable {
    struct Metadata: Decodable { var name: String }
    var metadata: Metadata
}
