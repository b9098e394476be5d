import AppModel
import Foundation
import OCMClient

/// Refused: the hub already holds an object of that name written by another owner.
public struct NotOursError: Error, CustomStringConvertible, Sendable {
    public var kind: String
    public var namespace: String
    public var name: String
    /// The other owner's `placer.dev/owner` value (`nil`: the object carries none, so nobody proved it ours).
    public var holder: String?

    public var description: String {
        "\(kind) \(namespace)/\(name) belongs to \(holder.map { "owner \($0)" } ?? "no Placer owner"); not overwritten"
    }
}

extension Hub {
    /// Checks that `namespace/name` of `kind` is absent or carries `owner` as its `placer.dev/owner` label, so a
    /// write never takes over another Placer's (or a human's) object of the same name on a shared hub.
    /// - Throws: ``NotOursError`` when it belongs to someone else; ``KubeError`` when the hub cannot be read.
    func requireOwnedOrAbsent(_ kind: ResourceKind, namespace: String, name: String, owner: String) async throws {
        guard let data = try await get(kind, namespace: namespace, name: name) else { return }
        let metadata = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["metadata"] as? [String: Any]
        let holder = (metadata?["labels"] as? [String: String])?[Labels.owner]
        guard holder == owner else {
            throw NotOursError(kind: kind.kind, namespace: namespace, name: name, holder: holder)
        }
    }
}
