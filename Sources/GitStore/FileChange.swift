import Foundation

/// One change to a tree, for `GitRepository.commit(parent:fileChanges:...)` and `patch(base:fileChanges:under:)`.
public enum FileChange: Sendable, Equatable {
    /// Writes `data` at the path with `mode`, creating missing folders.
    case write(Data, FileMode)
    /// Writes `data` at the path, keeping the mode the file has in the base tree (regular if new).
    case update(Data)
    /// Deletes the file at the path (nothing happens if it is absent); folders left empty disappear.
    case delete
}
