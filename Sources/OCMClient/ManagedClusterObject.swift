import Foundation

/// A ManagedCluster as read from the hub (CONTRACT.md §3; unknown fields are ignored).
public struct ManagedClusterObject: Decodable, Sendable, Equatable {
    public var metadata: ObjectMeta
    public var spec: Spec
    public var status: Status?

    /// `spec`.
    public struct Spec: Decodable, Sendable, Equatable {
        public var hubAcceptsClient: Bool
        public var taints: [Taint]

        public init(hubAcceptsClient: Bool = false, taints: [Taint] = []) {
            self.hubAcceptsClient = hubAcceptsClient
            self.taints = taints
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hubAcceptsClient = try container.decodeIfPresent(Bool.self, forKey: .hubAcceptsClient) ?? false
            taints = try container.decodeIfPresent([Taint].self, forKey: .taints) ?? []
        }

        private enum CodingKeys: String, CodingKey { case hubAcceptsClient, taints }
    }

    /// A taint: `effect` is `NoSelect`, `PreferNoSelect` or `NoSelectIfNew`.
    public struct Taint: Decodable, Sendable, Equatable {
        public var key: String
        public var value: String?
        public var effect: String
    }

    /// `status`. Resource quantities are Kubernetes quantity strings (`"4"`, `"8Gi"`, `"500m"`).
    public struct Status: Decodable, Sendable, Equatable {
        public var allocatable: [String: String]
        public var capacity: [String: String]
        public var conditions: [Condition]
        public var clusterClaims: [ClusterClaim]

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            allocatable = try container.decodeIfPresent([String: String].self, forKey: .allocatable) ?? [:]
            capacity = try container.decodeIfPresent([String: String].self, forKey: .capacity) ?? [:]
            conditions = try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? []
            clusterClaims = try container.decodeIfPresent([ClusterClaim].self, forKey: .clusterClaims) ?? []
        }

        private enum CodingKeys: String, CodingKey { case allocatable, capacity, conditions, clusterClaims }
    }

    /// A `status.clusterClaims[]` entry.
    public struct ClusterClaim: Decodable, Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decodeIfPresent(Spec.self, forKey: .spec) ?? Spec()
        status = try container.decodeIfPresent(Status.self, forKey: .status)
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// Decodes an object's JSON.
    /// - Throws: `DecodingError`.
    public static func decode(_ data: Data) throws -> ManagedClusterObject {
        try JSONDecoder().decode(ManagedClusterObject.self, from: data)
    }

    /// Whether the cluster's agent reports it available (`ManagedClusterConditionAvailable` is `True`).
    public var isAvailable: Bool {
        status?.conditions[type: "ManagedClusterConditionAvailable"]?.isTrue ?? false
    }
}
