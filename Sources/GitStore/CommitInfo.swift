/// The metadata of one commit.
public struct CommitInfo: Sendable {
    /// The commit's id.
    public let id: ObjectID
    /// The full message, including trailers.
    public let message: String
    /// Who wrote the change.
    public let author: GitSignature
    /// Who made the commit.
    public let committer: GitSignature
    /// The parents' ids, first parent first; empty for a root commit.
    public let parents: [ObjectID]

    /// Creates a commit description.
    ///
    /// - Parameters:
    ///   - id: The commit's id.
    ///   - message: The full message.
    ///   - author: The author.
    ///   - committer: The committer.
    ///   - parents: The parents' ids.
    public init(id: ObjectID, message: String, author: GitSignature, committer: GitSignature, parents: [ObjectID]) {
        self.id = id
        self.message = message
        self.author = author
        self.committer = committer
        self.parents = parents
    }
}
