import AppModel

/// A Kubernetes field selector over `metadata.name` and `metadata.namespace` (what custom resources support):
/// comma-separated `field=value`, `field==value` or `field!=value` terms, all of which must hold.
struct FieldSelector: Sendable, Equatable {
    /// One term: the field, the value, and whether it must equal (true) or differ (false).
    struct Term: Sendable, Equatable {
        var field: String
        var value: String
        var equals: Bool
    }

    var terms: [Term]

    /// Parses a selector.
    /// - Throws: ``APIError`` 400 for a malformed term or a field other than `metadata.name` / `metadata.namespace`.
    init(parsing text: String) throws {
        terms = try text.split(separator: ",").map { part in
            let term = part.trimmingCharacters(in: .whitespaces)
            let (separator, equals) =
                term.contains("!=") ? ("!=", false) : term.contains("==") ? ("==", true) : ("=", true)
            let pieces = term.components(separatedBy: separator)
            guard pieces.count == 2, !pieces[0].isEmpty else {
                throw APIError.badRequest("invalid field selector term \"\(term)\"")
            }
            let field = pieces[0].trimmingCharacters(in: .whitespaces)
            guard field == "metadata.name" || field == "metadata.namespace" else {
                throw APIError.badRequest("field label not supported: \(field)")
            }
            return Term(field: field, value: pieces[1].trimmingCharacters(in: .whitespaces), equals: equals)
        }
    }

    /// Whether `object` satisfies every term.
    func matches(_ object: Value) -> Bool {
        terms.allSatisfy { term in
            let actual = term.field == "metadata.name" ? object.objectName : (object.objectNamespace ?? "")
            return (actual == term.value) == term.equals
        }
    }
}
