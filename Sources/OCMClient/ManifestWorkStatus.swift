/// `ManifestWork.status` as the work agent writes it (CONTRACT.md §2.2; unknown fields are ignored).
public struct ManifestWorkStatus: Decodable, Sendable, Equatable {
    /// Work-level conditions: `Applied`, `Available`, and any aggregated from conditionRules.
    public var conditions: [Condition]
    public var resourceStatus: ResourceStatus?

    /// `status.resourceStatus`.
    public struct ResourceStatus: Decodable, Sendable, Equatable {
        public var manifests: [ManifestCondition]

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            manifests = try container.decodeIfPresent([ManifestCondition].self, forKey: .manifests) ?? []
        }

        private enum CodingKeys: String, CodingKey { case manifests }
    }

    /// The status of one manifest of the work.
    public struct ManifestCondition: Decodable, Sendable, Equatable {
        public var resourceMeta: ResourceMeta
        public var conditions: [Condition]
        public var statusFeedback: StatusFeedback?

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resourceMeta = try container.decode(ResourceMeta.self, forKey: .resourceMeta)
            conditions = try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? []
            statusFeedback = try container.decodeIfPresent(StatusFeedback.self, forKey: .statusFeedback)
        }

        private enum CodingKeys: String, CodingKey { case resourceMeta, conditions, statusFeedback }
    }

    /// Which manifest a ``ManifestCondition`` is about; `ordinal` is its index in `spec.workload.manifests`.
    public struct ResourceMeta: Decodable, Sendable, Equatable {
        public var ordinal: Int
        public var group: String?
        public var version: String?
        public var kind: String?
        /// Lower-case plural resource name.
        public var resource: String?
        public var name: String?
        public var namespace: String?
    }

    /// `statusFeedback`: the values the manifest's feedback rules asked for.
    public struct StatusFeedback: Decodable, Sendable, Equatable {
        public var values: [FeedbackValue]

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            values = try container.decodeIfPresent([FeedbackValue].self, forKey: .values) ?? []
        }

        /// The value named `name` (`ReadyReplicas`, ...).
        public subscript(name: String) -> FieldValue? {
            values.first { $0.name == name }?.fieldValue
        }

        private enum CodingKeys: String, CodingKey { case values }
    }

    /// One named feedback value.
    public struct FeedbackValue: Decodable, Sendable, Equatable {
        public var name: String
        public var fieldValue: FieldValue
    }

    /// A feedback value: `type` is `Integer`, `String`, `Boolean` or `JsonRaw`, and the matching member is set.
    public struct FieldValue: Decodable, Sendable, Equatable {
        public var type: String
        public var integer: Int64?
        public var string: String?
        public var boolean: Bool?
        public var jsonRaw: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        conditions = try container.decodeIfPresent([Condition].self, forKey: .conditions) ?? []
        resourceStatus = try container.decodeIfPresent(ResourceStatus.self, forKey: .resourceStatus)
    }

    private enum CodingKeys: String, CodingKey { case conditions, resourceStatus }
}
