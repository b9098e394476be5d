import AppModel
import Foundation
import GitStore

/// Turns a commit's tree into the files the app model reads, the way a checkout would present them, and says
/// which entries it refuses and why.
///
/// - A symlink whose target stays inside the repository is followed (to a file or a folder, through at most
///   ``maxLinkDepth`` links); one that leaves it (absolute, or `..` above the root) or dangles is refused.
/// - A Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md) is refused: Placer reads Git
///   objects only, and an app read from a pointer would be silently empty.
/// - A submodule (gitlink, mode 160000) is refused for the same reason.
enum TreeReader {
    static let maxLinkDepth = 8
    static let lfsPointerPrefix = Data("version https://git-lfs.github.com/spec/v1".utf8)

    /// - Parameters:
    ///   - tree: path → file, as `GitRepository.files(at:)` returns it.
    ///   - submodules: gitlink paths, as `GitRepository.submodulePaths(at:)` returns them.
    /// - Returns: readable files (path → bytes) and refused paths (path → reason).
    static func read(tree: [String: TreeFile], submodules: [String]) -> (files: [String: Data], refused: [String: String]) {
        var files: [String: Data] = [:]
        var refused: [String: String] = [:]
        for path in submodules {
            refused[path] = "\(path) is a Git submodule: Placer does not fetch submodules, so the app would be read without those files; copy them into the repository"
        }
        for (path, file) in tree {
            switch file.mode {
            case .symlink:
                switch resolve(link: path, in: tree, depth: 0) {
                case let .file(data):
                    files[path] = data
                case let .folder(target):
                    for (inner, innerFile) in tree where inner.hasPrefix(target + "/") && innerFile.mode != .symlink {
                        files[path + String(inner.dropFirst(target.count))] = innerFile.data
                    }
                case let .refused(reason):
                    refused[path] = "\(path) is a symlink \(reason)"
                }
            case .regular, .executable:
                if file.data.starts(with: lfsPointerPrefix), !RepoLayout.isOutput(path) {
                    refused[path] = "\(path) is a Git LFS pointer, not the file: Placer reads Git objects only and does not fetch LFS content; commit the file itself (untrack it from LFS)"
                } else {
                    files[path] = file.data
                }
            }
        }
        return (files, refused)
    }

    enum Resolution {
        case file(Data)
        case folder(String)
        case refused(String)
    }

    static func resolve(link path: String, in tree: [String: TreeFile], depth: Int) -> Resolution {
        guard let file = tree[path] else { return .refused("to a missing path") }
        let target = String(decoding: file.data, as: UTF8.self)
        guard !target.hasPrefix("/") else { return .refused("to \(target), an absolute path outside the repository") }
        var parts = path.split(separator: "/").dropLast().map(String.init)
        for component in target.split(separator: "/") {
            switch component {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return .refused("to \(target), which leaves the repository") }
                parts.removeLast()
            default: parts.append(String(component))
            }
        }
        let resolved = parts.joined(separator: "/")
        if let entry = tree[resolved] {
            guard entry.mode == .symlink else { return .file(entry.data) }
            guard depth < maxLinkDepth else { return .refused("to \(target): more than \(maxLinkDepth) links in a chain") }
            return resolve(link: resolved, in: tree, depth: depth + 1)
        }
        if !resolved.isEmpty, tree.keys.contains(where: { $0.hasPrefix(resolved + "/") }) { return .folder(resolved) }
        return .refused("to \(target), which does not exist in the repository")
    }
}
