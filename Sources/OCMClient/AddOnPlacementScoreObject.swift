import Foundation

/// An AddOnPlacementScore as read from the hub (CONTRACT.md §6): scores an add-on publishes for one managed
/// cluster (the object's namespace), valid until `validUntil`. Unknown fields are ignored.
public struct AddOnPlacementScoreObject: Decodable, Sendable, Equatable {
    public var metadata: ObjectMeta
    public var status: Status

    /// `status`.
    public struct Status: Decodable, Sendable, Equatable {
        /// The scores, each in -100...100.
        public var scores: [Score]
        /// When the scores stop being valid; nil means they never expire.
        public var validUntil: Date?
        /// The provider's conditions.
        public var conditions: [Condition]

        /// Creates a status.
        public init(scores: [Score] = [], validUntil: Date? = nil, conditions: [Condition] = []) {
            self.scores = scores
            self.validUntil = validUntil
            self.conditions = conditions
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            scores = try container.decodeIfPresent([Score].self, forKey: .scores) ?? []
            conditions = try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? []
            if let text = try container.decodeIfPresent(String.self, forKey: .validUntil) {
                guard let date = MicroTime.parse(text) else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .validUntil, in: container, debugDescription: "not an RFC 3339 date-time: \(text)")
                }
                validUntil = date
            }
        }

        private enum CodingKeys: String, CodingKey { case scores, validUntil, conditions }
    }

    /// One named score.
    public struct Score: Decodable, Sendable, Equatable {
        public var name: String
        /// In -100...100.
        public var value: Int32
    }

    /// The managed cluster the scores are about (the object's namespace).
    public var clusterName: String? { metadata.namespace }

    /// The score named `name`, if present.
    public subscript(score name: String) -> Int32? {
        status.scores.first { $0.name == name }?.value
    }

    /// Whether the scores may be used at `date`: `validUntil` is absent or later.
    public func isValid(at date: Date) -> Bool {
        status.validUntil.map { date < $0 } ?? true
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        status = try container.decodeIfPresent(Status.self, forKey: .status) ?? Status()
    }

    private enum CodingKeys: String, CodingKey { case metadata, status }

    /// Decodes an object's JSON.
    /// - Throws: `DecodingError` (also for a `validUntil` that is not an RFC 3339 date-time).
    public static func decode(_ data: Data) throws -> AddOnPlacementScoreObject {
        try JSONDecoder().decode(AddOnPlacementScoreObject.self, from: data)
    }
}
