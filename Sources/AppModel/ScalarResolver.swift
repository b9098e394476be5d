/// Resolves YAML scalars to typed values by the YAML 1.1 rule that go-yaml v2, and so sigs.k8s.io/yaml and
/// `kubectl apply`, use.
///
/// Plain scalars: `~`, `null`, empty → null; `y`/`yes`/`on`/`true` and `n`/`no`/`off`/`false` in any of the
/// three spellings (lower, Capitalised, UPPER) → booleans; `0b…` binary, `0…` octal, `0x…` hex and decimal
/// integers (underscores allowed) → integers; decimals and exponents, `.inf`, `.nan` → floats (infinite
/// and NaN become strings, since JSON cannot carry them); anything else, including `1:20`, → string.
/// Quoted scalars and `!!str` are strings. Source: yaml.org/type (YAML 1.1 types), go-yaml v2 resolve.go.
public enum ScalarResolver {
    static let booleans: [String: Bool] = {
        var table: [String: Bool] = [:]
        for word in ["y", "yes", "on", "true"] { table[word] = true }
        for word in ["n", "no", "off", "false"] { table[word] = false }
        var result: [String: Bool] = [:]
        for (word, value) in table {
            result[word] = value
            result[word.uppercased()] = value
            result[word.prefix(1).uppercased() + word.dropFirst()] = value
        }
        return result
    }()

    /// Resolves one scalar.
    /// - Parameters:
    ///   - text: the scalar's text.
    ///   - tag: its explicit tag (`tag:yaml.org,2002:str`), or `""`/`"!"` when none was written.
    ///   - plain: whether the scalar was written unquoted.
    /// - Returns: the typed value.
    public static func resolve(_ text: String, tag: String, plain: Bool) -> Value {
        switch tag {
        case "tag:yaml.org,2002:str": return .string(text)
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float":
            return resolvePlain(text) ?? .string(text)
        case "tag:yaml.org,2002:bool": return booleans[text].map(Value.bool) ?? .string(text)
        case "tag:yaml.org,2002:null": return .null
        default: break
        }
        guard plain else { return .string(text) }
        return resolvePlain(text) ?? .string(text)
    }

    /// Whether a plain (unquoted) scalar with this text would be read as something other than a string.
    public static func changesType(_ text: String) -> Bool {
        resolvePlain(text) != nil
    }

    static func resolvePlain(_ text: String) -> Value? {
        if text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL" { return .null }
        if let bool = booleans[text] { return .bool(bool) }
        guard let first = text.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        if let integer = integer(text) { return .number(integer) }
        return float(text)
    }

    private static func integer(_ raw: String) -> String? {
        var text = raw.replacingOccurrences(of: "_", with: "")
        var negative = false
        if text.hasPrefix("-") || text.hasPrefix("+") {
            negative = text.hasPrefix("-")
            text.removeFirst()
        }
        guard !text.isEmpty else { return nil }
        let magnitude: String?
        let prefix = text.prefix(2).lowercased()
        if prefix == "0b" {
            magnitude = convert(String(text.dropFirst(2)), radix: 2)
        } else if prefix == "0x" {
            magnitude = convert(String(text.dropFirst(2)), radix: 16)
        } else if prefix == "0o" {
            // Go's strconv.ParseInt(s, 0, 64), which go-yaml v2 falls back to, also takes 0o and upper-case prefixes.
            magnitude = convert(String(text.dropFirst(2)), radix: 8)
        } else if text.count > 1, text.hasPrefix("0") {
            magnitude = convert(String(text.dropFirst()), radix: 8)
        } else if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let trimmed = text.drop { $0 == "0" }
            magnitude = trimmed.isEmpty ? "0" : String(trimmed)
        } else {
            magnitude = nil
        }
        guard let magnitude else { return nil }
        return negative && magnitude != "0" ? "-" + magnitude : magnitude
    }

    /// Converts digits in `radix` to exact decimal text (arbitrary length).
    private static func convert(_ digits: String, radix: Int) -> String? {
        guard !digits.isEmpty else { return nil }
        var decimal: [Int] = [0]  // little-endian base-10 digits
        for character in digits {
            guard let digit = character.hexDigitValue, digit < radix else { return nil }
            var carry = digit
            for index in decimal.indices {
                let product = decimal[index] * radix + carry
                decimal[index] = product % 10
                carry = product / 10
            }
            while carry > 0 {
                decimal.append(carry % 10)
                carry /= 10
            }
        }
        while decimal.count > 1, decimal.last == 0 { decimal.removeLast() }
        return decimal.reversed().map(String.init).joined()
    }

    private static func float(_ raw: String) -> Value? {
        let text = raw.replacingOccurrences(of: "_", with: "")
        let lowered = text.lowercased()
        if [".inf", "+.inf", "-.inf", ".nan"].contains(lowered) { return .string(text) }
        // go-yaml v2 accepts what strconv.ParseFloat accepts among number-looking plain scalars.
        let allowed = Set("0123456789+-.eE")
        guard text.allSatisfy({ allowed.contains($0) }), text.contains(where: { $0.isNumber }),
            let double = Double(text), double.isFinite
        else { return nil }
        return .number(formatFloat(double))
    }

    /// Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` would for typical values.
    static func formatFloat(_ double: Double) -> String {
        if double == double.rounded(), abs(double) < 1e21 {
            return String(format: "%.0f", double)
        }
        return "\(double)"
    }
}
