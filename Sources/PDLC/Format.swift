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

    /// Rounds to `digits` decimals and drops trailing zeros (`2.50` → `2.5`, `3.0` → `3`), as `%.{digits}f` would
    /// print it (ties to even), without Foundation's formatter: explanations format millions of numbers.
    static func trim(_ value: Double, digits: Int = 2) -> String {
        guard value.isFinite else { return "∞" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let exact = abs(value) * scale
        // Near a half the product's rounding error decides; printf decides on the exact binary value.
        guard exact < 9e15, abs(exact - exact.rounded(.down) - 0.5) > 1e-6 else {
            return slowTrim(value, digits: digits)
        }
        let scaled = exact.rounded()
        var units = Int64(scaled)
        guard units != 0 else { return "0" }
        var fraction = digits
        while fraction > 0 && units % 10 == 0 {
            units /= 10
            fraction -= 1
        }
        var text = String(units)
        if fraction > 0 {
            if text.count <= fraction { text = String(repeating: "0", count: fraction - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -fraction))
        }
        return value < 0 ? "-" + text : text
    }

    /// The `String(format:)` path, for magnitudes past 64-bit integers.
    static func slowTrim(_ value: Double, digits: Int) -> String {
        var text = String(format: "%.\(digits)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
}
