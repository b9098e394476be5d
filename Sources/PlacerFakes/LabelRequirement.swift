import Foundation

/// One requirement of a Kubernetes equality-based label selector: `key=value` (or `==`), `key!=value`, `key`, `!key`.
struct LabelRequirement: Sendable, Equatable {
    enum Operator: Sendable, Equatable { case equals, notEquals, exists, doesNotExist }
    var key: String
    var op: Operator
    var value: String

    /// Parses a comma-separated selector; empty means everything.
    /// - Throws: ``SelectorError`` for an empty key.
    static func parse(_ selector: String) throws -> [LabelRequirement] {
        try selector.split(separator: ",").map { part -> LabelRequirement in
            let text = part.trimmingCharacters(in: .whitespaces)
            let requirement: LabelRequirement
            if let range = text.range(of: "!=") {
                requirement = .init(
                    key: String(text[..<range.lowerBound]), op: .notEquals, value: String(text[range.upperBound...]))
            } else if let range = text.range(of: "==") ?? text.range(of: "=") {
                requirement = .init(
                    key: String(text[..<range.lowerBound]), op: .equals, value: String(text[range.upperBound...]))
            } else if text.hasPrefix("!") {
                requirement = .init(key: String(text.dropFirst()), op: .doesNotExist, value: "")
            } else {
                requirement = .init(key: text, op: .exists, value: "")
            }
            guard !requirement.key.isEmpty else { throw SelectorError(selector: selector) }
            return requirement
        }
    }

    /// Whether `labels` satisfy the requirement.
    func matches(_ labels: [String: String]) -> Bool {
        switch op {
        case .equals: return labels[key] == value
        case .notEquals: return labels[key] != value
        case .exists: return labels[key] != nil
        case .doesNotExist: return labels[key] == nil
        }
    }
}

/// A label selector that cannot be parsed.
struct SelectorError: Error, CustomStringConvertible {
    var selector: String
    var description: String { "invalid label selector: \(selector)" }
}
