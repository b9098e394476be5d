import Foundation

/// Turns a ``RepoTree`` into the files the app model reads, the way a checkout would present them, and says which
/// entries it refuses and why. The one rule for Git trees and folders on disk alike.
///
/// - A symlink whose target stays inside the repository is followed (to a file or a folder, through at most
///   ``maxLinkDepth`` links); one that leaves it (absolute, or `..` above the root), dangles, or points into a
///   submodule is refused.
/// - A Git LFS pointer (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md) is refused, read directly or
///   through a symlink: Placer reads Git objects only, and an app read from a pointer would be silently empty.
/// - A submodule (gitlink, mode 160000) is refused for the same reason.
///
/// Pure: no file system; the same tree gives the same result.
enum TreeReader {
    static let maxLinkDepth = 8
    static let lfsPointerPrefix = Data("version https://git-lfs.github.com/spec/v1".utf8)

    /// - Parameter tree: the repository tree.
    /// - Returns: readable files (path → bytes) and refused paths (path → reason).
    static func read(_ tree: RepoTree) -> (files: [String: Data], refused: [String: String]) {
        var files: [String: Data] = [:]
        var refused: [String: String] = [:]
        let entries = tree.entries
        for (path, entry) in entries {
            switch entry.kind {
            case .submodule:
                refused[path] = submoduleReason(path)
            case .symlink:
                switch resolve(link: path, in: entries, depth: 0) {
                case let .file(data):
                    if isLFSPointer(data), !RepoLayout.isOutput(path) {
                        refused[path] =
                            "\(path) is a symlink to a Git LFS pointer, not the file: Placer reads Git objects only and does not fetch LFS content; commit the file itself (untrack it from LFS)"
                    } else {
                        files[path] = data
                    }
                case let .folder(target):
                    for (inner, innerEntry) in entries where inner.hasPrefix(target + "/") && innerEntry.kind == .file {
                        let linked = path + String(inner.dropFirst(target.count))
                        if isLFSPointer(innerEntry.data), !RepoLayout.isOutput(linked) {
                            refused[linked] =
                                "\(linked) is a Git LFS pointer (through the symlink \(path)), not the file: Placer reads Git objects only and does not fetch LFS content; commit the file itself (untrack it from LFS)"
                        } else {
                            files[linked] = innerEntry.data
                        }
                    }
                case let .refused(reason):
                    refused[path] = "\(path) is a symlink \(reason)"
                }
            case .file:
                if isLFSPointer(entry.data), !RepoLayout.isOutput(path) {
                    refused[path] =
                        "\(path) is a Git LFS pointer, not the file: Placer reads Git objects only and does not fetch LFS content; commit the file itself (untrack it from LFS)"
                } else {
                    files[path] = entry.data
                }
            }
        }
        return (files, refused)
    }

    /// Why a submodule is not read.
    static func submoduleReason(_ path: String) -> String {
        "\(path) is a Git submodule: Placer does not fetch submodules, so the app would be read without those files; copy them into the repository"
    }

    static func isLFSPointer(_ data: Data) -> Bool { data.starts(with: lfsPointerPrefix) }

    enum Resolution {
        case file(Data)
        case folder(String)
        case refused(String)
    }

    static func resolve(link path: String, in tree: [String: RepoTree.Entry], depth: Int) -> Resolution {
        guard let entry = tree[path] else { return .refused("to a missing path") }
        let target = String(decoding: entry.data, as: UTF8.self)
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
        if let submodule = tree.first(where: {
            $0.value.kind == .submodule && (resolved == $0.key || resolved.hasPrefix($0.key + "/"))
        }) {
            return .refused(
                "to \(target), inside the Git submodule \(submodule.key): Placer does not fetch submodules; copy the files into the repository"
            )
        }
        if let found = tree[resolved] {
            guard found.kind == .symlink else { return .file(found.data) }
            guard depth < maxLinkDepth else {
                return .refused("to \(target): more than \(maxLinkDepth) links in a chain")
            }
            return resolve(link: resolved, in: tree, depth: depth + 1)
        }
        if !resolved.isEmpty, tree.keys.contains(where: { $0.hasPrefix(resolved + "/") }) { return .folder(resolved) }
        return .refused("to \(target), which does not exist in the repository")
    }
}
