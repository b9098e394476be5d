import Foundation

/// One or more kubeconfig files merged the way client-go merges `KUBECONFIG`: the first file to define a cluster,
/// user or context name, or `current-context`, wins. Each entry remembers the folder of the file that defined it, so
/// relative paths in it resolve against that file (client-go's `ResolveLocalPaths`).
struct KubeconfigDocument: Sendable {
    /// A named `clusters`, `users` or `contexts` entry: its inner mapping and where it came from.
    struct Entry: Sendable {
        var node: ConfigNode
        /// The folder of the defining file; nil for text parsed without one (the current directory).
        var directory: String?
    }

    var clusters: [String: Entry] = [:]
    var users: [String: Entry] = [:]
    var contexts: [String: Entry] = [:]
    var currentContext: String?

    init() {}

    /// Parses one file's text.
    /// - Throws: ``KubeconfigError/syntax(line:message:)``.
    init(parsing data: Data, directory: String?) throws {
        let root = try ConfigNode.parse(data)
        func entries(_ list: String, _ inner: String) -> [String: Entry] {
            var result: [String: Entry] = [:]
            for item in root[list]?.items ?? [] {
                guard let name = item["name"]?.string, result[name] == nil else { continue }
                result[name] = Entry(node: item[inner] ?? .mapping([]), directory: directory)
            }
            return result
        }
        clusters = entries("clusters", "cluster")
        users = entries("users", "user")
        contexts = entries("contexts", "context")
        currentContext = root["current-context"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Reads and parses one file.
    /// - Throws: ``KubeconfigError/unreadable(path:reason:)``, ``KubeconfigError/invalidFile(path:line:message:)``.
    static func load(file path: String) throws -> KubeconfigDocument {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KubeconfigError.unreadable(path: path, reason: Kubeconfig.reason(error))
        }
        do {
            return try KubeconfigDocument(
                parsing: data, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        } catch KubeconfigError.syntax(let line, let message) {
            throw KubeconfigError.invalidFile(path: path, line: line, message: message)
        }
    }

    /// Adds what `later` defines and this document does not (first definition wins).
    mutating func merge(_ later: KubeconfigDocument) {
        clusters.merge(later.clusters) { first, _ in first }
        users.merge(later.users) { first, _ in first }
        contexts.merge(later.contexts) { first, _ in first }
        if currentContext == nil { currentContext = later.currentContext }
    }
}
