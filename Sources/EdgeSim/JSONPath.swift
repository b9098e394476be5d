import AppModel
import Foundation

/// The JSONPath subset CRD printer columns use: `.a.b`, `[*]`, `[N]` and `[?(@.key=="value")]`.
enum JSONPath {
    /// Every value `path` selects in `root`, in document order.
    static func evaluate(_ path: String, on root: Value) -> [Value] {
        var current = [root]
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let field = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(field.count)
                if !field.isEmpty { current = current.compactMap { $0[String(field)] } }
            } else if rest.hasPrefix("[") {
                guard let close = closingBracket(rest) else { return [] }
                let inner = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
                current = current.flatMap { select(inner, from: $0) }
            } else {
                return []
            }
        }
        return current
    }

    private static func closingBracket(_ text: Substring) -> Substring.Index? {
        var quoted = false
        for index in text.indices {
            let character = text[index]
            if character == "\"" { quoted.toggle() }
            if character == "]", !quoted { return index }
        }
        return nil
    }

    private static func select(_ selector: Substring, from value: Value) -> [Value] {
        let items = value.arrayValue ?? []
        if selector == "*" { return items }
        if let index = Int(selector) { return items.indices.contains(index) ? [items[index]] : [] }
        // ?(@.key=="value")
        guard selector.hasPrefix("?(@."), selector.hasSuffix(")"), let equals = selector.range(of: "==") else {
            return []
        }
        let key = selector[selector.index(selector.startIndex, offsetBy: 4)..<equals.lowerBound]
        let expected = selector[equals.upperBound..<selector.index(before: selector.endIndex)]
            .trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        return items.filter { $0[path: String(key)]?.scalarText == expected }
    }
}
