/// Renders values as canonical YAML: keys sorted, two-space indent, no line folding, strings quoted exactly
/// when a YAML 1.1 reader would otherwise take them for another type (`"yes"`, `"0755"`, `"1.10"`).
///
/// The same value always gives the same bytes, so unchanged decisions make unchanged files and no commit.
///
/// The text is written directly from the ``Value``, with no node tree or event stream in between (issue 15: the
/// Yams node tree and libyaml emitter made rendering 20,000 files cost five times their commit). The bytes are
/// those libyaml's emitter (0.2.5, as Yams embeds it) writes for the same value with indent 2, unlimited width,
/// Unicode allowed and LF breaks: ``YAMLEmitter`` follows its layout rules (`yaml_emitter_emit_*`, scalar analysis
/// and style selection, the plain, quoted and literal writers) for the subset of YAML a ``Value`` needs, and a test
/// compares both on the corpus and the example repo.
public enum YAMLRenderer {
    /// Renders one document (no `---` marker), ending in a newline.
    /// - Throws: never for values of this module; kept so callers need not change if a value cannot be written.
    public static func render(_ value: Value) throws -> String {
        var emitter = YAMLEmitter()
        emitter.document(value)
        return String(decoding: emitter.output, as: UTF8.self)
    }

    /// Renders documents as one multi-document stream, each introduced by `---`.
    public static func renderAll(_ values: [Value]) throws -> String {
        try values.map { "---\n" + (try render($0)) }.joined()
    }

    /// How a string is asked to be written (the style the emitter then confirms or overrides).
    enum Requested {
        case any, plain, doubleQuoted, literal
    }

    /// The style asked for `text`: literal with a line break, double-quoted when a reader could retype it.
    static func requestedStyle(forString text: String) -> Requested {
        if text.utf8.contains(0x0A) { return .literal }
        if ScalarResolver.changesType(text) || looksNumeric(text) { return .doubleQuoted }
        return .any
    }

    /// Strings a YAML 1.2 reader or PyYAML (sexagesimal `1:20`) might take for numbers are quoted too.
    static func looksNumeric(_ s: String) -> Bool {
        guard let first = s.first, first.isNumber || first == "." || first == "-" || first == "+" else { return false }
        return s.allSatisfy { $0.isNumber || ":._-+eExXoObB".contains($0) || $0.isHexDigit }
    }
}

/// libyaml's block emitter for one ``Value`` document, written out directly (see ``YAMLRenderer``).
///
/// State and rules are libyaml's (emitter.c): `column`, `whitespace` (the last character written was blank),
/// `indention` (only indentation on this line so far), the indent stack (flow collections are only `[]` and `{}`) and
/// `openEnded` (a kept final line break, which ends the stream with `...`). Width is unlimited, so no writer folds.
struct YAMLEmitter {
    private(set) var output: [UInt8] = []
    private var column = 0
    private var whitespace = true
    private var indention = true
    private var indent = -1
    private var indents: [Int] = []
    private var openEnded = 0
    private static let bestIndent = 2

    init() { output.reserveCapacity(1024) }

    /// Stream start, an implicit document start, the root node, an implicit document end and the stream end.
    mutating func document(_ value: Value) {
        node(value, mapping: false, simpleKey: false)
        writeIndent()  // document end
        if openEnded == 2 {  // stream end after a kept final line break
            writeIndicator("...", needWhitespace: true, isWhitespace: false, isIndention: false)
            openEnded = 0
            writeIndent()
        }
    }

    // MARK: nodes

    private mutating func node(_ value: Value, mapping: Bool, simpleKey: Bool) {
        switch value {
        case .null: scalar(Array("null".utf8), requested: .plain, simpleKey: simpleKey)
        case let .bool(flag): scalar(Array((flag ? "true" : "false").utf8), requested: .plain, simpleKey: simpleKey)
        case let .number(text): scalar(Array(text.utf8), requested: .plain, simpleKey: simpleKey)
        case let .string(text):
            scalar(Array(text.utf8), requested: YAMLRenderer.requestedStyle(forString: text), simpleKey: simpleKey)
        case let .array(items):
            if items.isEmpty {
                emptyFlow(open: "[", close: "]")
                return
            }
            // yaml_emitter_emit_block_sequence_item: a sequence in a mapping value, after a key on its own line
            // (no `? `), is not indented further.
            increaseIndent(flow: false, indentless: mapping && !indention)
            for item in items {
                writeIndent()
                writeIndicator("-", needWhitespace: true, isWhitespace: false, isIndention: true)
                node(item, mapping: false, simpleKey: false)
            }
            indent = indents.removeLast()
        case let .object(pairs):
            if pairs.isEmpty {
                emptyFlow(open: "{", close: "}")
                return
            }
            increaseIndent(flow: false, indentless: false)
            // Yams sorted keys with String's `<` (Unicode canonical order), which is what the bytes follow.
            for (key, item) in pairs.sorted(by: { $0.0 < $1.0 }) {
                writeIndent()
                let keyBytes = Array(key.utf8)
                let analysis = ScalarAnalysis(keyBytes)
                if !analysis.multiline, keyBytes.count <= 128 {
                    node(.string(key), mapping: true, simpleKey: true)
                    writeIndicator(":", needWhitespace: false, isWhitespace: false, isIndention: false)
                } else {
                    writeIndicator("?", needWhitespace: true, isWhitespace: false, isIndention: true)
                    node(.string(key), mapping: true, simpleKey: false)
                    writeIndent()
                    writeIndicator(":", needWhitespace: true, isWhitespace: false, isIndention: true)
                }
                node(item, mapping: true, simpleKey: false)
            }
            indent = indents.removeLast()
        }
    }

    private mutating func emptyFlow(open: String, close: String) {
        writeIndicator(open, needWhitespace: true, isWhitespace: true, isIndention: false)
        // Nothing is written inside an empty flow collection, so the flow level never shows.
        increaseIndent(flow: true, indentless: false)
        indent = indents.removeLast()
        writeIndicator(close, needWhitespace: false, isWhitespace: false, isIndention: false)
    }

    private enum Style { case plain, singleQuoted, doubleQuoted, literal }

    /// yaml_emitter_emit_scalar: select the style (yaml_emitter_select_scalar_style), then write at one more indent.
    private mutating func scalar(_ bytes: [UInt8], requested: YAMLRenderer.Requested, simpleKey: Bool) {
        let analysis = ScalarAnalysis(bytes)
        var style: Style
        switch requested {
        case .any, .plain: style = .plain
        case .doubleQuoted: style = .doubleQuoted
        case .literal: style = .literal
        }
        if simpleKey, analysis.multiline { style = .doubleQuoted }
        if style == .plain {
            // Scalars are only ever written in block context (the flow level is 0).
            if !analysis.blockPlainAllowed { style = .singleQuoted }
            if bytes.isEmpty, simpleKey { style = .singleQuoted }
        }
        if style == .singleQuoted, !analysis.singleQuotedAllowed { style = .doubleQuoted }
        if style == .literal, !analysis.blockAllowed || simpleKey { style = .doubleQuoted }
        increaseIndent(flow: true, indentless: false)
        switch style {
        case .plain: writePlain(bytes)
        case .singleQuoted: writeSingleQuoted(bytes)
        case .doubleQuoted: writeDoubleQuoted(bytes)
        case .literal: writeLiteral(bytes)
        }
        indent = indents.removeLast()
    }

    // MARK: layout primitives (emitter.c)

    private mutating func increaseIndent(flow: Bool, indentless: Bool) {
        indents.append(indent)
        if indent < 0 {
            indent = flow ? Self.bestIndent : 0
        } else if !indentless {
            indent += Self.bestIndent
        }
    }

    private mutating func putBreak() {
        output.append(0x0A)
        column = 0
    }

    private mutating func writeIndent() {
        let target = max(indent, 0)
        if !indention || column > target || (column == target && !whitespace) { putBreak() }
        while column < target {
            output.append(0x20)
            column += 1
        }
        whitespace = true
        indention = true
    }

    private mutating func writeIndicator(
        _ indicator: String, needWhitespace: Bool, isWhitespace: Bool, isIndention: Bool
    ) {
        if needWhitespace, !whitespace {
            output.append(0x20)
            column += 1
        }
        output.append(contentsOf: indicator.utf8)
        column += indicator.utf8.count
        whitespace = isWhitespace
        indention = indention && isIndention
    }

    /// Copies one character (its UTF-8 bytes) from `bytes` at `index`; returns the index after it.
    private mutating func write(_ bytes: [UInt8], at index: Int) -> Int {
        let width = ScalarAnalysis.width(bytes[index])
        let end = min(index + max(width, 1), bytes.count)
        output.append(contentsOf: bytes[index..<end])
        column += 1
        return end
    }

    /// WRITE_BREAK: `\n` becomes the line break; other breaks (CR, NEL, LS, PS) are copied.
    private mutating func writeBreak(_ bytes: [UInt8], at index: Int) -> Int {
        if bytes[index] == 0x0A {
            putBreak()
            return index + 1
        }
        let next = write(bytes, at: index)
        column = 0
        return next
    }

    private mutating func writePlain(_ bytes: [UInt8]) {
        if !whitespace, !bytes.isEmpty {
            output.append(0x20)
            column += 1
        }
        writeRun(bytes, doubling: nil)
        whitespace = false
        indention = false
    }

    private mutating func writeSingleQuoted(_ bytes: [UInt8]) {
        writeIndicator("'", needWhitespace: true, isWhitespace: false, isIndention: false)
        if writeRun(bytes, doubling: UInt8(ascii: "'")) { writeIndent() }
        writeIndicator("'", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    /// The character loop that emitter.c's `yaml_emitter_write_plain` and `yaml_emitter_write_single_quoted` share
    /// (without line folding: the best width is unlimited): spaces and other characters are copied, a run of breaks
    /// is written as breaks then an indent before the next character, and `doubling` (`'` when single-quoted) is
    /// written twice.
    /// - Returns: whether `bytes` ended in a run of breaks (the single-quoted writer then indents its closing quote).
    @discardableResult
    private mutating func writeRun(_ bytes: [UInt8], doubling: UInt8?) -> Bool {
        var index = 0
        var breaks = false
        while index < bytes.count {
            if bytes[index] == 0x20 {
                index = write(bytes, at: index)
            } else if ScalarAnalysis.isBreak(bytes, index) {
                if !breaks, bytes[index] == 0x0A { putBreak() }
                index = writeBreak(bytes, at: index)
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent() }
                if let doubling, bytes[index] == doubling {
                    output.append(doubling)
                    column += 1
                }
                index = write(bytes, at: index)
                indention = false
                breaks = false
            }
        }
        return breaks
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private mutating func writeDoubleQuoted(_ bytes: [UInt8]) {
        writeIndicator("\"", needWhitespace: true, isWhitespace: false, isIndention: false)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if !ScalarAnalysis.isPrintable(bytes, index) || ScalarAnalysis.isBOM(bytes, index)
                || ScalarAnalysis.isBreak(bytes, index) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            {
                let width = ScalarAnalysis.width(byte)
                var value: UInt32 =
                    byte & 0x80 == 0
                    ? UInt32(byte & 0x7F)
                    : byte & 0xE0 == 0xC0
                        ? UInt32(byte & 0x1F)
                        : byte & 0xF0 == 0xE0 ? UInt32(byte & 0x0F) : byte & 0xF8 == 0xF0 ? UInt32(byte & 0x07) : 0
                var offset = 1
                while offset < width, index + offset < bytes.count {
                    value = (value << 6) + UInt32(bytes[index + offset] & 0x3F)
                    offset += 1
                }
                index += max(width, 1)
                output.append(UInt8(ascii: "\\"))
                column += 1
                let escape: String?
                switch value {
                case 0x00: escape = "0"
                case 0x07: escape = "a"
                case 0x08: escape = "b"
                case 0x09: escape = "t"
                case 0x0A: escape = "n"
                case 0x0B: escape = "v"
                case 0x0C: escape = "f"
                case 0x0D: escape = "r"
                case 0x1B: escape = "e"
                case 0x22: escape = "\""
                case 0x5C: escape = "\\"
                case 0x85: escape = "N"
                case 0xA0: escape = "_"
                case 0x2028: escape = "L"
                case 0x2029: escape = "P"
                default: escape = nil
                }
                if let escape {
                    output.append(contentsOf: escape.utf8)
                    column += 1
                } else {
                    let (letter, digits): (UInt8, Int) =
                        value <= 0xFF
                        ? (UInt8(ascii: "x"), 2) : value <= 0xFFFF ? (UInt8(ascii: "u"), 4) : (UInt8(ascii: "U"), 8)
                    output.append(letter)
                    column += 1
                    for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                        output.append(Self.hexDigits[Int((value >> UInt32(shift)) & 0x0F)])
                        column += 1
                    }
                }
            } else {
                index = write(bytes, at: index)
            }
        }
        writeIndicator("\"", needWhitespace: false, isWhitespace: false, isIndention: false)
        whitespace = false
        indention = false
    }

    private mutating func writeLiteral(_ bytes: [UInt8]) {
        writeIndicator("|", needWhitespace: true, isWhitespace: false, isIndention: false)
        // yaml_emitter_write_block_scalar_hints
        if let first = bytes.first, first == 0x20 || ScalarAnalysis.isBreak(bytes, 0) {
            writeIndicator(String(Self.bestIndent), needWhitespace: false, isWhitespace: false, isIndention: false)
        }
        openEnded = 0
        var chomp: String?
        if bytes.isEmpty {
            chomp = "-"
        } else {
            var last = bytes.count - 1
            while last > 0, bytes[last] & 0xC0 == 0x80 { last -= 1 }
            if !ScalarAnalysis.isBreak(bytes, last) {
                chomp = "-"
            } else if last == 0 {
                chomp = "+"
                openEnded = 2
            } else {
                var previous = last - 1
                while previous > 0, bytes[previous] & 0xC0 == 0x80 { previous -= 1 }
                if ScalarAnalysis.isBreak(bytes, previous) {
                    chomp = "+"
                    openEnded = 2
                }
            }
        }
        if let chomp { writeIndicator(chomp, needWhitespace: false, isWhitespace: false, isIndention: false) }
        putBreak()
        indention = true
        whitespace = true
        var index = 0
        var breaks = true
        while index < bytes.count {
            if ScalarAnalysis.isBreak(bytes, index) {
                index = writeBreak(bytes, at: index)
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent() }
                index = write(bytes, at: index)
                indention = false
                breaks = false
            }
        }
    }
}

/// yaml_emitter_analyze_scalar: which styles can carry a scalar's text unchanged. Only the block-context answers
/// are kept (``YAMLEmitter`` writes every scalar at flow level 0), so the flow indicators and `flow_plain_allowed`
/// are not tracked.
struct ScalarAnalysis {
    var multiline = false
    var blockPlainAllowed = true
    var singleQuotedAllowed = true
    var blockAllowed = true

    init(_ bytes: [UInt8]) {
        if bytes.isEmpty {
            blockAllowed = false
            return
        }
        var blockIndicators = false
        var lineBreaks = false
        var specialCharacters = false
        var leadingSpace = false
        var leadingBreak = false
        var trailingSpace = false
        var trailingBreak = false
        var breakSpace = false
        var spaceBreak = false
        var previousSpace = false
        var previousBreak = false
        if bytes.starts(with: Array("---".utf8)) || bytes.starts(with: Array("...".utf8)) {
            blockIndicators = true
        }
        var precededByWhitespace = true
        var followedByWhitespace = Self.isBlankZ(bytes, Self.width(bytes[0]))
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if index == 0 {
                switch byte {
                case UInt8(ascii: "#"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                    UInt8(ascii: "}"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"),
                    UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "%"), UInt8(ascii: "@"),
                    UInt8(ascii: "`"):
                    blockIndicators = true
                case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: "-"):
                    if followedByWhitespace { blockIndicators = true }
                default: break
                }
            } else {
                switch byte {
                case UInt8(ascii: ":"):
                    if followedByWhitespace { blockIndicators = true }
                case UInt8(ascii: "#"):
                    if precededByWhitespace { blockIndicators = true }
                default: break
                }
            }
            // Unicode is allowed: only non-printable characters are special.
            if !Self.isPrintable(bytes, index) { specialCharacters = true }
            let isBreak = Self.isBreak(bytes, index)
            if isBreak { lineBreaks = true }
            let width = Self.width(byte)
            if byte == 0x20 {
                if index == 0 { leadingSpace = true }
                if index + width == bytes.count { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if isBreak {
                if index == 0 { leadingBreak = true }
                if index + width == bytes.count { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = Self.isBlankZ(bytes, index)
            index += max(width, 1)
            if index < bytes.count {
                followedByWhitespace = Self.isBlankZ(bytes, index + Self.width(bytes[index]))
            }
        }
        multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak { blockPlainAllowed = false }
        if trailingSpace { blockAllowed = false }
        if breakSpace {
            blockPlainAllowed = false
            singleQuotedAllowed = false
        }
        if spaceBreak || specialCharacters {
            blockPlainAllowed = false
            singleQuotedAllowed = false
            blockAllowed = false
        }
        if lineBreaks { blockPlainAllowed = false }
        if blockIndicators { blockPlainAllowed = false }
    }

    /// The UTF-8 width of a character from its first byte (0 for a continuation byte, as libyaml's WIDTH).
    static func width(_ byte: UInt8) -> Int {
        byte & 0x80 == 0x00 ? 1 : byte & 0xE0 == 0xC0 ? 2 : byte & 0xF0 == 0xE0 ? 3 : byte & 0xF8 == 0xF0 ? 4 : 0
    }

    private static func at(_ bytes: [UInt8], _ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }

    /// IS_PRINTABLE: LF, ASCII printable, and the printable Unicode ranges (not the BOM, not U+FFFE/U+FFFF).
    static func isPrintable(_ bytes: [UInt8], _ index: Int) -> Bool {
        let b0 = at(bytes, index)
        let b1 = at(bytes, index + 1)
        let b2 = at(bytes, index + 2)
        return b0 == 0x0A || (b0 >= 0x20 && b0 <= 0x7E) || (b0 == 0xC2 && b1 >= 0xA0) || (b0 > 0xC2 && b0 < 0xED)
            || (b0 == 0xED && b1 < 0xA0) || b0 == 0xEE
            || (b0 == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)))
    }

    static func isBOM(_ bytes: [UInt8], _ index: Int) -> Bool {
        at(bytes, index) == 0xEF && at(bytes, index + 1) == 0xBB && at(bytes, index + 2) == 0xBF
    }

    /// IS_BREAK: CR, LF, NEL (U+0085), LS (U+2028), PS (U+2029).
    static func isBreak(_ bytes: [UInt8], _ index: Int) -> Bool {
        let b0 = at(bytes, index)
        if b0 == 0x0D || b0 == 0x0A { return true }
        let b1 = at(bytes, index + 1)
        if b0 == 0xC2 && b1 == 0x85 { return true }
        let b2 = at(bytes, index + 2)
        return b0 == 0xE2 && b1 == 0x80 && (b2 == 0xA8 || b2 == 0xA9)
    }

    /// IS_BLANKZ: space, tab, a break, or the end of the text (NUL).
    static func isBlankZ(_ bytes: [UInt8], _ index: Int) -> Bool {
        let b0 = at(bytes, index)
        return b0 == 0x20 || b0 == 0x09 || b0 == 0x00 || isBreak(bytes, index)
    }
}
