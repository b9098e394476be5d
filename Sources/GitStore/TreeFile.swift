import Foundation

/// One file read from a commit's tree.
public struct TreeFile: Sendable, Equatable {
    /// The path from the tree's root, `/`-separated, e.g. `"apps/x/app.yaml"`.
    public let path: String
    /// The blob's bytes; for a symlink, the link target.
    public let data: Data
    /// The file's mode.
    public let mode: FileMode

    /// Creates a file value.
    ///
    /// - Parameters:
    ///   - path: The path from the root.
    ///   - data: The contents.
    ///   - mode: The mode.
    public init(path: String, data: Data, mode: FileMode) {
        self.path = path
        self.data = data
        self.mode = mode
    }
}
