import AppModel
import Foundation
import NIOConcurrencyHelpers

/// The CRD schemas the hub validates against, keyed by `apiVersion` and kind, loaded once from a folder of CRD
/// YAML files (`apiextensions.k8s.io/v1` CustomResourceDefinitions, one or more per file).
struct SchemaRegistry: Sendable {
    /// One served version of a CRD.
    struct Entry: Sendable {
        var group: String
        var version: String
        var kind: String
        var plural: String
        var namespaced: Bool
        var schema: Schema
    }

    /// Every served version of every CRD found, in file order.
    let entries: [Entry]

    /// An empty registry (no validation).
    init() { entries = [] }

    private static let cache = NIOLockedValueBox([String: SchemaRegistry]())

    /// The registry of `folder`, parsed once per process (hubs in tests share it).
    static func loaded(from folder: String) -> SchemaRegistry {
        if let cached = cache.withLockedValue({ $0[folder] }) { return cached }
        let registry = SchemaRegistry(folder: folder)
        cache.withLockedValue { $0[folder] = registry }
        return registry
    }

    /// Loads every `*.yaml` file of `folder`; unreadable files and non-CRD documents are skipped.
    init(folder: String) {
        let manager = FileManager.default
        let names = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        var entries: [Entry] = []
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let data = manager.contents(atPath: path),
                let documents = try? YAMLLoader.load(data, file: name)
            else { continue }
            for document in documents { entries += Self.entries(of: document.value) }
        }
        self.entries = entries
    }

    private static func entries(of crd: Value) -> [Entry] {
        guard crd["kind"]?.stringValue == "CustomResourceDefinition", let spec = crd["spec"],
            let group = spec["group"]?.stringValue, let kind = spec[path: "names.kind"]?.stringValue,
            let plural = spec[path: "names.plural"]?.stringValue
        else { return [] }
        let namespaced = spec["scope"]?.stringValue == "Namespaced"
        return (spec["versions"]?.arrayValue ?? []).compactMap { version in
            guard version["served"]?.boolValue != false, let name = version["name"]?.stringValue,
                let schema = version[path: "schema.openAPIV3Schema"]
            else { return nil }
            return Entry(
                group: group, version: name, kind: kind, plural: plural, namespaced: namespaced,
                schema: Schema(schema))
        }
    }

    /// The schema of objects of `type`, if a CRD defines it.
    func schema(for type: ResourceType) -> Schema? {
        entries.first { $0.group == type.group && $0.version == type.version && $0.kind == type.kind }?.schema
    }
}
