import Foundation

/// A `coordination.k8s.io/v1` Lease as read from the hub (unknown fields are ignored).
public struct LeaseObject: Decodable, Sendable, Equatable {
    public var metadata: ObjectMeta
    public var spec: Spec

    /// `spec`: who holds the lease and since when. Times are MicroTime text (``MicroTime``).
    public struct Spec: Codable, Sendable, Equatable {
        /// The current holder; nil or empty when the lease is free.
        public var holderIdentity: String?
        /// How long, in seconds, a candidate waits after the last renewal it saw before it takes over.
        public var leaseDurationSeconds: Int?
        /// When the current holder acquired the lease.
        public var acquireTime: String?
        /// When the holder last renewed it.
        public var renewTime: String?
        /// How many times the lease changed holder.
        public var leaseTransitions: Int?

        /// Creates a spec.
        public init(
            holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: String? = nil,
            renewTime: String? = nil, leaseTransitions: Int? = nil
        ) {
            self.holderIdentity = holderIdentity
            self.leaseDurationSeconds = leaseDurationSeconds
            self.acquireTime = acquireTime
            self.renewTime = renewTime
            self.leaseTransitions = leaseTransitions
        }

        /// `renewTime` as a date.
        public var renewDate: Date? { renewTime.flatMap(MicroTime.parse) }
        /// `acquireTime` as a date.
        public var acquireDate: Date? { acquireTime.flatMap(MicroTime.parse) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decodeIfPresent(Spec.self, forKey: .spec) ?? Spec()
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec }

    /// Decodes an object's JSON.
    /// - Throws: `DecodingError`.
    public static func decode(_ data: Data) throws -> LeaseObject {
        try JSONDecoder().decode(LeaseObject.self, from: data)
    }
}
