import Foundation

/// A repository tree as Git records it: path → entry (a file, a symlink or a submodule), before any rule about
/// what Placer reads.
///
/// Both sources of a tree produce this one value, so `plan`/`reconcile` (a commit's tree from Git) and
/// `placer validate` (a folder on disk) load the same way through ``RepoLoader/load(tree:presets:kustomize:)``:
/// the reconciler builds it from `GitRepository.files(at:)` and `submodulePaths(at:)`; ``read(directory:)``
/// builds it from a checkout.
public struct RepoTree: Sendable, Equatable {
    /// What a tree entry is.
    public enum Kind: Sendable, Equatable {
        /// A regular or executable file; its bytes are the content.
        case file
        /// A symbolic link; its bytes are the link target.
        case symlink
        /// A submodule (a gitlink, mode 160000): Placer never has its files.
        case submodule
    }

    /// One entry of the tree.
    public struct Entry: Sendable, Equatable {
        /// What the entry is.
        public var kind: Kind
        /// The file's bytes, the symlink's target, or empty for a submodule.
        public var data: Data

        /// Creates an entry.
        /// - Parameters:
        ///   - kind: what the entry is.
        ///   - data: the file's bytes, the symlink's target, or empty for a submodule.
        public init(kind: Kind, data: Data = Data()) {
            self.kind = kind
            self.data = data
        }
    }

    /// Repository-relative, `/`-separated path → entry.
    public var entries: [String: Entry]

    /// Creates a tree from its entries.
    /// - Parameter entries: repository-relative path → entry.
    public init(entries: [String: Entry]) {
        self.entries = entries
    }

    /// A tree of regular files only (no symlinks, no submodules).
    /// - Parameter files: repository-relative path → bytes.
    public init(files: [String: Data]) {
        self.entries = files.mapValues { Entry(kind: .file, data: $0) }
    }

    /// The files Placer reads from this tree (path → bytes): regular files, and symlinks inside the repository
    /// followed as a checkout would present them; refused entries (symlinks leaving the repository, Git LFS
    /// pointers, submodules) are left out.
    public var readableFiles: [String: Data] {
        TreeReader.read(self).files
    }

    /// Paths of the submodules, sorted.
    public var submodulePaths: [String] {
        entries.filter { $0.value.kind == .submodule }.keys.sorted()
    }
}

extension RepoTree {
    /// Reads a checkout on disk the way Git would record it, so `placer validate` sees what a commit of the folder
    /// would hold.
    ///
    /// - Symlinks are entries of kind ``Kind/symlink`` holding their target, never followed here
    ///   (``RepoLoader`` follows them inside the repository, as for a Git tree).
    /// - A submodule is a folder named by `.gitmodules` (`path = …`) or a folder holding its own `.git` (file or
    ///   folder): it becomes one ``Kind/submodule`` entry and its content is not read.
    /// - The repository's own `.git` is skipped.
    ///
    /// - Parameter directory: the folder (a checkout, or any folder).
    /// - Returns: the tree.
    /// - Throws: ``ModelError`` when the folder or a file cannot be read.
    public static func read(directory: String) throws -> RepoTree {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        let manager = FileManager.default
        var entries: [String: Entry] = [:]
        var declared = Set<String>()
        if let gitmodules = try? Data(contentsOf: root.appendingPathComponent(".gitmodules")) {
            declared = submodulePaths(inGitmodules: gitmodules)
        }
        func walk(_ folder: URL, relative: String) throws {
            let names: [String]
            do {
                names = try manager.contentsOfDirectory(atPath: folder.path).sorted()
            } catch {
                throw ModelError(file: relative.isEmpty ? directory : relative, line: 1, message: "cannot read folder")
            }
            for name in names {
                let path = relative.isEmpty ? name : "\(relative)/\(name)"
                if relative.isEmpty, name == ".git" { continue }
                let url = folder.appendingPathComponent(name)
                let attributes = try? manager.attributesOfItem(atPath: url.path)
                let type = attributes?[.type] as? FileAttributeType
                if type == .typeSymbolicLink {
                    let target = (try? manager.destinationOfSymbolicLink(atPath: url.path)) ?? ""
                    entries[path] = Entry(kind: .symlink, data: Data(target.utf8))
                } else if type == .typeDirectory {
                    if declared.contains(path) || manager.fileExists(atPath: url.appendingPathComponent(".git").path) {
                        entries[path] = Entry(kind: .submodule)
                    } else {
                        try walk(url, relative: path)
                    }
                } else if type == .typeRegular {
                    do {
                        entries[path] = Entry(kind: .file, data: try Data(contentsOf: url))
                    } catch {
                        throw ModelError(file: path, line: 1, message: "cannot read file")
                    }
                }
            }
        }
        try walk(root, relative: "")
        // A declared submodule whose folder is missing (never checked out) is still a submodule of the tree.
        for path in declared where entries[path] == nil && !entries.keys.contains(where: { $0.hasPrefix(path + "/") }) {
            entries[path] = Entry(kind: .submodule)
        }
        return RepoTree(entries: entries)
    }

    /// The `path = …` values of a `.gitmodules` file.
    static func submodulePaths(inGitmodules data: Data) -> Set<String> {
        var paths = Set<String>()
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0] == "path", !parts[1].isEmpty else { continue }
            var path = parts[1]
            while path.hasSuffix("/") { path.removeLast() }
            paths.insert(path)
        }
        return paths
    }
}
