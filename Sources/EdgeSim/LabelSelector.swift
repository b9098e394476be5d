import Foundation

/// A Kubernetes label selector in its query-string form (`app=web,tier!=db,env in (a,b),!legacy,owner`).
struct LabelSelector: Sendable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case exists(String)
        case notExists(String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
    }

    var requirements: [Requirement]

    /// Parses the selector text.
    /// - Throws: ``APIError`` (400) for unparsable text.
    init(parsing text: String) throws {
        requirements = []
        for term in Self.splitTerms(text) {
            let term = term.trimmingCharacters(in: .whitespaces)
            if term.isEmpty { continue }
            requirements.append(try Self.requirement(term))
        }
    }

    /// Whether `labels` satisfy every requirement.
    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .exists(let key): return labels[key] != nil
            case .notExists(let key): return labels[key] == nil
            case .in(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return labels[key].map { !values.contains($0) } ?? true
            }
        }
    }

    /// Splits on commas outside parentheses.
    private static func splitTerms(_ text: String) -> [String] {
        var terms: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(":
                depth += 1
                current.append(character)
            case ")":
                depth -= 1
                current.append(character)
            case "," where depth == 0:
                terms.append(current)
                current = ""
            default: current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    private static func requirement(_ term: String) throws -> Requirement {
        if let range = term.range(of: "!=") {
            return .notEquals(key(term[..<range.lowerBound]), key(term[range.upperBound...]))
        }
        if let range = term.range(of: "==") {
            return .equals(key(term[..<range.lowerBound]), key(term[range.upperBound...]))
        }
        if let range = term.range(of: "=") {
            return .equals(key(term[..<range.lowerBound]), key(term[range.upperBound...]))
        }
        for (word, negated) in [(" notin ", true), (" in ", false)] {
            if let range = term.range(of: word) {
                let list = term[range.upperBound...].trimmingCharacters(in: .whitespaces)
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw APIError.badRequest("unable to parse requirement: \(term)")
                }
                let values = Set(list.dropFirst().dropLast().split(separator: ",").map { key($0) })
                let name = key(term[..<range.lowerBound])
                return negated ? .notIn(name, values) : .in(name, values)
            }
        }
        if term.hasPrefix("!") { return .notExists(key(term.dropFirst())) }
        if term.contains(where: { " ()".contains($0) }) {
            throw APIError.badRequest("unable to parse requirement: \(term)")
        }
        return .exists(term)
    }

    private static func key(_ text: Substring) -> String {
        text.trimmingCharacters(in: .whitespaces)
    }
}
