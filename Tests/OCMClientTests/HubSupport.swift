import AppModel
import EdgeSim
import Foundation
import OCMClient

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
