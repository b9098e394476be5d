import Foundation

/// An equality-based Kubernetes label selector (`key=value`, `key==value`, `key!=value`, `key`, `!key`,
/// comma-separated, all must hold), evaluated on the client side by ``Informer``, ``CachedHub`` and the fake hub.
///
/// Source: "Labels and Selectors", Kubernetes documentation (equality-based requirements). Set-based
/// requirements (`in`, `notin`) are not parsed: ``parse(_:)`` returns nil and the caller asks the server instead.
public struct LabelSelectorRequirements: Sendable, Hashable {
    /// One requirement.
    public enum Requirement: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case notExists(String)

        /// The label key the requirement is about.
        public var key: String {
            switch self {
            case let .equals(key, _), let .notEquals(key, _), let .exists(key), let .notExists(key): key
            }
        }
    }

    /// Every requirement (all must hold).
    public var requirements: Set<Requirement>

    /// A selector of `requirements`; none selects everything.
    public init(requirements: Set<Requirement> = []) {
        self.requirements = requirements
    }

    /// Parses `selector`.
    /// - Returns: nil for a set-based or malformed selector (a term with an empty key); an empty set of requirements
    ///   for nil or "".
    public static func parse(_ selector: String?) -> LabelSelectorRequirements? {
        var result = Set<Requirement>()
        for raw in (selector ?? "").split(separator: ",") {
            let part = raw.trimmingCharacters(in: .whitespaces)
            if part.isEmpty { continue }
            if part.contains(" ") || part.contains("(") { return nil }
            let requirement: Requirement
            if let range = part.range(of: "!=") {
                requirement = .notEquals(String(part[..<range.lowerBound]), String(part[range.upperBound...]))
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                requirement = .equals(String(part[..<range.lowerBound]), String(part[range.upperBound...]))
            } else if part.hasPrefix("!") {
                requirement = .notExists(String(part.dropFirst()))
            } else {
                requirement = .exists(part)
            }
            if requirement.key.isEmpty { return nil }
            result.insert(requirement)
        }
        return LabelSelectorRequirements(requirements: result)
    }

    /// Whether `labels` satisfy every requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case let .equals(key, value): return labels[key] == value
            case let .notEquals(key, value): return labels[key] != value
            case let .exists(key): return labels[key] != nil
            case let .notExists(key): return labels[key] == nil
            }
        }
    }

    /// Whether every object this selector selects is also selected by `wider` (its requirements are a superset).
    public func isNarrower(than wider: LabelSelectorRequirements) -> Bool {
        wider.requirements.isSubset(of: requirements)
    }
}
