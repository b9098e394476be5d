import CLibGit2

/// The mode of a file in a Git tree.
public enum FileMode: Sendable, Equatable {
    /// A plain file (100644).
    case regular
    /// An executable file (100755).
    case executable
    /// A symbolic link (120000); its blob holds the link target.
    case symlink

    /// Classifies a libgit2 tree-entry mode; nil for trees and submodules (not files).
    init?(_ mode: git_filemode_t) {
        switch mode {
        case GIT_FILEMODE_BLOB:
            self = .regular
        case GIT_FILEMODE_BLOB_EXECUTABLE:
            self = .executable
        case GIT_FILEMODE_LINK:
            self = .symlink
        default:
            return nil
        }
    }

    /// The libgit2 mode for this file mode.
    var gitMode: git_filemode_t {
        switch self {
        case .regular: GIT_FILEMODE_BLOB
        case .executable: GIT_FILEMODE_BLOB_EXECUTABLE
        case .symlink: GIT_FILEMODE_LINK
        }
    }
}
