/// A `metav1.Condition` (unknown fields are ignored).
public struct Condition: Decodable, Sendable, Equatable {
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: String
    public var reason: String?
    public var message: String?
    /// The `metadata.generation` the condition was computed for.
    public var observedGeneration: Int64?
    /// RFC 3339 text.
    public var lastTransitionTime: String?

    /// Whether `status` is `True`.
    public var isTrue: Bool { status == "True" }
}

extension Array where Element == Condition {
    /// The condition of `type`, if present.
    public subscript(type type: String) -> Condition? {
        first { $0.type == type }
    }
}
