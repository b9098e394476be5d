/// The `metadata` of a Kubernetes object, as far as Placer reads it (unknown fields are ignored).
public struct ObjectMeta: Decodable, Sendable, Equatable {
    public var name: String
    public var namespace: String?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    /// Opaque; compare only for equality.
    public var resourceVersion: String?
    /// Bumped by the server on every spec change.
    public var generation: Int64?
    public var uid: String?
    /// RFC 3339 text.
    public var creationTimestamp: String?
    /// RFC 3339 text; set while the object waits for its finalizers.
    public var deletionTimestamp: String?
    public var finalizers: [String]?

    public init(name: String, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}
