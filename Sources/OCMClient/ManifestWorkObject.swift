import Foundation

/// A ManifestWork as read from the hub: its metadata and the agent's status (the spec is Placer's own output
/// and is not decoded).
public struct ManifestWorkObject: Decodable, Sendable, Equatable {
    public var metadata: ObjectMeta
    public var status: ManifestWorkStatus?

    /// Decodes an object's JSON.
    /// - Throws: `DecodingError`.
    public static func decode(_ data: Data) throws -> ManifestWorkObject {
        try JSONDecoder().decode(ManifestWorkObject.self, from: data)
    }

    /// Whether the agent's status reflects the current spec: `Applied` observed at `metadata.generation`.
    public var isStatusCurrent: Bool {
        guard let generation = metadata.generation,
            let applied = status?.conditions[type: "Applied"]
        else { return false }
        return applied.observedGeneration == generation
    }
}
