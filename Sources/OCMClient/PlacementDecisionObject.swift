import Foundation

/// A PlacementDecision as read from the hub (CONTRACT.md §5): up to 100 chosen clusters of one Placement.
/// Unknown fields are ignored.
public struct PlacementDecisionObject: Decodable, Sendable, Equatable {
    /// The label naming the Placement a decision belongs to.
    public static let placementLabel = "cluster.open-cluster-management.io/placement"
    /// The label with the decision group's index.
    public static let decisionGroupIndexLabel = "cluster.open-cluster-management.io/decision-group-index"
    /// The label with the decision group's name.
    public static let decisionGroupNameLabel = "cluster.open-cluster-management.io/decision-group-name"
    /// Most decisions one object holds.
    public static let maximumDecisions = 100

    public var metadata: ObjectMeta
    /// `status.decisions`.
    public var decisions: [Decision]

    /// One chosen cluster.
    public struct Decision: Decodable, Sendable, Equatable {
        public var clusterName: String
        /// Why it was chosen (OCM's controller writes "").
        public var reason: String
        /// The cluster's score, when the writer gives one.
        public var score: Int64?

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            clusterName = try container.decodeIfPresent(String.self, forKey: .clusterName) ?? ""
            reason = try container.decodeIfPresent(String.self, forKey: .reason) ?? ""
            score = try container.decodeIfPresent(Int64.self, forKey: .score)
        }

        private enum CodingKeys: String, CodingKey { case clusterName, reason, score }
    }

    /// The Placement this decision belongs to (its label).
    public var placementName: String? { metadata.labels?[Self.placementLabel] }

    /// The chosen cluster names, in order, without empty names.
    public var clusterNames: [String] { decisions.map(\.clusterName).filter { !$0.isEmpty } }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        struct Status: Decodable { var decisions: [Decision]? }
        decisions = try container.decodeIfPresent(Status.self, forKey: .status)?.decisions ?? []
    }

    private enum CodingKeys: String, CodingKey { case metadata, status }

    /// Decodes an object's JSON.
    /// - Throws: `DecodingError`.
    public static func decode(_ data: Data) throws -> PlacementDecisionObject {
        try JSONDecoder().decode(PlacementDecisionObject.self, from: data)
    }

    /// The union of the cluster names of several decision objects of one Placement (the consumer recipe of
    /// CONTRACT.md §5): sorted, without duplicates or empty names.
    public static func clusterNames(of objects: [PlacementDecisionObject]) -> [String] {
        Array(Set(objects.flatMap(\.clusterNames))).sorted()
    }
}
