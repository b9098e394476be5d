/// Flags unquoted scalars whose type depends on the YAML version (the "Norway problem").
///
/// Placer reads YAML 1.1 as `kubectl apply` does (``ScalarResolver``), but people copy values between YAML 1.2
/// readers, YAML 1.1 readers and their own expectations. A plain scalar is flagged when a YAML 1.1 reader and a
/// YAML 1.2 (core schema) reader give it different types or values:
///
/// - `y`, `n`, `yes`, `no`, `on`, `off` in each spelling YAML 1.1 accepts (lower, Capitalised, UPPER): booleans
///   under YAML 1.1, strings under YAML 1.2 (`true`/`false` are booleans under both and are not flagged);
/// - leading-zero octals (`0755` is 493 under YAML 1.1, 755 under YAML 1.2), `0b…` binary and numbers with `_`
///   (`1_000`): numbers under YAML 1.1, strings or other numbers under YAML 1.2;
/// - sexagesimal-looking values (`1:20`, `-1:30:00.5`): numbers in base 60 for YAML 1.1 readers that follow the
///   type registry (PyYAML, Ruby); go-yaml v2, and so `kubectl`, keeps the string, as Placer does.
///
/// Keys are not flagged; quoted scalars and scalars with an explicit tag are never flagged.
public enum YAML11Lint {
    /// The YAML 1.1 reading of a plain scalar that a YAML 1.2 reader would read differently.
    ///
    /// - Parameter text: the plain scalar's text.
    /// - Returns: what it reads as under YAML 1.1 (`bool false`, `number 493`), or `nil` when YAML 1.1 and 1.2 agree.
    public static func yaml11Reading(of text: String) -> String? {
        guard let first = text.first else { return nil }
        if let bool = ScalarResolver.booleans[text] {
            return text.lowercased() == "true" || text.lowercased() == "false" ? nil : "bool \(bool)"
        }
        guard first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        if let seconds = sexagesimal(text) {
            return "number \(seconds) (base 60, as PyYAML reads it; kubectl keeps the string)"
        }
        guard case let .number(number)? = ScalarResolver.resolvePlain(text) else { return nil }
        var digits = Substring(text)
        if digits.first == "-" || digits.first == "+" { digits = digits.dropFirst() }
        let lowered = digits.lowercased()
        if text.contains("_") || lowered.hasPrefix("0b") { return "number \(number)" }
        // A leading-zero integer: octal under YAML 1.1, decimal under YAML 1.2 (`0`, `0x…`, `0o…`, `0.5` agree).
        if digits.count > 1, lowered.hasPrefix("0"), !lowered.hasPrefix("0x"), !lowered.hasPrefix("0o"),
            digits.allSatisfy({ $0.isASCII && $0.isNumber })
        {
            return "number \(number)"
        }
        return nil
    }

    /// The warning for a plain scalar, or `nil` when it reads the same under YAML 1.1 and 1.2.
    static func warning(for text: String, file: String, at position: SourcePosition) -> ModelError? {
        guard let reading = yaml11Reading(of: text) else { return nil }
        return ModelError(
            file: file, line: position.line, column: position.column,
            message: "unquoted \(text) reads as \(reading) under YAML 1.1; quote it if you mean the string",
            severity: .warning)
    }

    /// YAML 1.1's base-60 integers and floats (`[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+` and `…(:[0-5]?[0-9])+\.[0-9_]*`),
    /// as PyYAML reads them.
    /// - Returns: the value as decimal text, or `nil` when `text` is not sexagesimal.
    static func sexagesimal(_ text: String) -> String? {
        var body = Substring(text)
        var negative = false
        if body.first == "-" || body.first == "+" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let head = parts.first, let headFirst = head.first, headFirst != "0" else { return nil }
        guard head.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return nil }
        var fraction = ""
        var total = Int(head.replacingOccurrences(of: "_", with: "")) ?? 0
        for (index, part) in parts.dropFirst().enumerated() {
            var digits = part
            if index == parts.count - 2, let dot = part.firstIndex(of: ".") {
                digits = part[..<dot]
                fraction = String(part[dot...]).replacingOccurrences(of: "_", with: "")
                guard fraction.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            }
            guard (1...2).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits), value < 60
            else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: 60)
            guard !overflow else { return nil }
            total = product + value
        }
        var result = String(total)
        if fraction.count > 1 { result += fraction }
        return negative && total != 0 ? "-" + result : result
    }
}
