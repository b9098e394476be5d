import Foundation

/// Reads an app repo checked out on disk into the `path → bytes` map the loader takes.
public enum RepoFiles {
    /// Every regular file under `directory` (recursively, skipping `.git`), keyed by relative path.
    /// - Throws: when the folder cannot be listed.
    public static func read(directory: String) throws -> [String: Data] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard
            let enumerator = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        else { throw ModelError(file: directory, line: 1, message: "cannot read folder") }
        var files: [String: Data] = [:]
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in enumerator {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(prefix) else { continue }
            let relative = String(path.dropFirst(prefix.count))
            if relative == ".git" || relative.hasPrefix(".git/") {
                enumerator.skipDescendants()
                continue
            }
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            files[relative] = try Data(contentsOf: url)
        }
        return files
    }
}
