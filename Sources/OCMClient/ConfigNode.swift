import Foundation
import Yams

/// A parsed configuration document: the tree a kubeconfig file decodes to, with every scalar kept as its text.
///
/// Parsing is Yams' (libyaml): any YAML 1.1 document, JSON included. Scalars are not converted to numbers or
/// booleans, so a token such as `0755` or `1e10` stays text; `null`, `~` and empty values read as `""`.
enum ConfigNode: Equatable, Sendable {
    case scalar(String)
    case mapping([(String, ConfigNode)])
    case sequence([ConfigNode])

    static func == (lhs: ConfigNode, rhs: ConfigNode) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): return a == b
        case (.sequence(let a), .sequence(let b)): return a == b
        case (.mapping(let a), .mapping(let b)): return a.elementsEqual(b) { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of a mapping.
    subscript(key: String) -> ConfigNode? {
        guard case .mapping(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// The scalar text, or nil for a collection.
    var string: String? {
        guard case .scalar(let text) = self else { return nil }
        return text
    }

    /// The items of a sequence (empty for anything else).
    var items: [ConfigNode] {
        guard case .sequence(let items) = self else { return [] }
        return items
    }

    /// Parses one YAML (or JSON) document; an empty file is an empty mapping.
    /// - Throws: ``KubeconfigError/syntax(line:message:)``.
    static func parse(_ data: Data) throws -> ConfigNode {
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeconfigError.syntax(line: 1, message: "the file is not UTF-8 text")
        }
        do {
            var budget = max(maxExpandedNodes, data.count)
            try AliasExpansion.check(text, budget: budget)
            guard let root = try Yams.compose(yaml: text) else { return .mapping([]) }
            return try convert(root, budget: &budget)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                throw KubeconfigError.syntax(line: mark.line, message: problem)
            default:
                throw KubeconfigError.syntax(
                    line: 1, message: "\(error)".split(separator: "\n").first.map(String.init) ?? "")
            }
        }
    }

    /// The most nodes a small kubeconfig may expand to through anchors and aliases (or its byte count, when
    /// larger: without aliases every node takes at least one byte). The same figure as AppModel's
    /// `YAMLLoader.maxExpandedNodes`, kept apart on purpose: OCMClient does not link AppModel, and this reader counts
    /// every node of Yams' tree where the loader counts only what aliases stand for.
    static let maxExpandedNodes = 250_000

    /// Converts Yams' tree. Aliases share nodes, but each one stands for a copy: a few hundred bytes of nested
    /// aliases (a "billion laughs" document) would expand to billions of nodes, so conversion stops at `budget`.
    /// - Throws: ``KubeconfigError/syntax(line:message:)`` past the budget, at the node where it ran out.
    private static func convert(_ node: Node, budget: inout Int) throws -> ConfigNode {
        budget -= 1
        guard budget >= 0 else {
            throw KubeconfigError.syntax(
                line: node.mark?.line ?? 1,
                message: "the document expands to too many nodes through anchors and aliases (excessive aliasing)")
        }
        switch node {
        case .mapping(let mapping):
            var pairs: [(String, ConfigNode)] = []
            for (key, value) in mapping {
                pairs.append((try convert(key, budget: &budget).string ?? "", try convert(value, budget: &budget)))
            }
            return .mapping(pairs)
        case .sequence(let sequence):
            var items: [ConfigNode] = []
            for item in sequence { items.append(try convert(item, budget: &budget)) }
            return .sequence(items)
        case .scalar, .alias:
            return .scalar(node.null == nil ? node.string ?? "" : "")
        }
    }
}
