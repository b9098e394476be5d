/// Number formatting for reasons: fixed decimals, so explanations are byte-stable.
enum Format {
    static func ms(_ value: Double) -> String { "\(trim(value)) ms" }
    static func cores(_ value: Double) -> String { trim(value) }
    static func percent(_ value: Double) -> String { "\(trim(value))%" }
    static func money(_ value: Double) -> String { "€" + trim(value, digits: 3) }

    static func bytes(_ value: Double) -> String {
        let gib = value / 1_073_741_824
        if gib >= 1 { return "\(trim(gib))Gi" }
        return "\(trim(value / 1_048_576))Mi"
    }

    /// Rounds to `digits` decimals and drops trailing zeros (`2.50` → `2.5`, `3.0` → `3`).
    static func trim(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return "∞" }
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}

import Foundation
