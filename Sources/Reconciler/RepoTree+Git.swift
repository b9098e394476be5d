import AppModel
import Foundation
import GitStore

extension RepoTree {
    /// A commit's tree as ``RepoLoader/load(tree:presets:kustomize:)`` reads it.
    /// - Parameters:
    ///   - gitFiles: path → file, as `GitRepository.files(at:)` returns it (blobs with their modes).
    ///   - submodules: gitlink paths, as `GitRepository.submodulePaths(at:)` returns them.
    init(gitFiles: [String: TreeFile], submodules: [String]) {
        var entries = gitFiles.mapValues { file in
            RepoTree.Entry(kind: file.mode == .symlink ? .symlink : .file, data: file.data)
        }
        for path in submodules { entries[path] = RepoTree.Entry(kind: .submodule) }
        self.init(entries: entries)
    }
}
