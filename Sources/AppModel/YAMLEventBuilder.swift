import CYaml

/// Builds ``Value`` trees straight from libyaml's parser events (`yaml_parser_parse`), for ``YAMLLoader``.
///
/// What it keeps from the node-tree loader it replaces, and why each rule sits where it does:
/// - Errors come in the order a compose-then-convert loader meets them: syntax errors, undefined aliases and keys
///   written twice (same text, same tag: go-yaml's and libyaml-composer's duplicate check) stop the load where they
///   are found; keys equal only after resolution (`yes` and `true`), a `<<` that merges no mapping and an alias
///   bomb are noted and reported at the end of their document, so a syntax error later in the same document wins.
///   A mapping with two keys each written twice reports the lesser key (`a` before `b`), as the composer did.
/// - Anchors stay defined across the documents of a stream, a later anchor of the same name shadows the earlier,
///   and an anchor is defined once its node ends (an alias inside its own anchor is undefined).
/// - Positions: every node's start mark, recorded compactly (``SourceMap``); a field's position is its value's.
/// - YAML 1.1 scalars (``ScalarResolver``) and lints (``YAML11Lint``) for plain values; keys are never linted.
///
/// Source: libyaml's event API (yaml.h, `yaml_parser_parse`); YAML 1.1 merge keys (yaml.org/type/merge.html).
final class YAMLEventBuilder {
    private let file: String
    private let limit: Int
    /// Bytes of JSON text a collection used as a mapping key may take (64 KiB).
    static let collectionKeyLimit = 65_536
    /// Collections one inside another a document may hold (128 levels; the deepest file in ../shared/corpus has 10).
    /// The builder recurses once per level, at up to about 9 KiB of stack per level in an instrumented debug build:
    /// libyaml's own bound (1,000 levels) let 946 nested `{` overflow an 8 MiB stack (fuzz, yaml and codecoapp
    /// targets; fuzz/regressions/yaml/nested-flow-mapping-keys.yaml).
    static let nestingLimit = 128
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private var hasEvent = false

    /// An anchored node, kept for the aliases that name it.
    private struct Anchor {
        var value: Value
        /// Its entry index in document `document`'s source map.
        var node: Int32
        var document: Int
        var line: Int32
        var column: Int32
        /// The nodes the value stands for, aliases inside it expanded.
        var weight: Int
        /// For an anchored scalar: its text and whether it was plain (for `<<` and key resolution).
        var scalarText: String?
        var plain: Bool
    }

    /// One key of an open mapping, for duplicate checks.
    private struct KeyRecord {
        var key: String
        /// The key as written and its effective tag (`nil`: `str`), or `nil` for a collection key.
        var raw: String?
        var tag: String?
        var line: Int32
        var column: Int32
    }

    private var anchors: [String: Anchor] = [:]
    private var documentIndex = 0
    private var entries: [SourceMap.Entry] = []
    private var lints: [ModelError] = []
    private var keyLog: [KeyRecord] = []
    /// Nodes built so far in this document, aliases counted at their anchored value's weight.
    private var weight = 0
    /// Nodes that aliases stood for so far in this document.
    private var expanded = 0
    /// The first error of this document found after composing (see the type's notes), thrown at its end.
    private var deferred: ModelError?
    /// Collections open around the current event.
    private var depth = 0

    static let strTag = "tag:yaml.org,2002:str"

    init(file: String, limit: Int) {
        self.file = file
        self.limit = limit
        parser = .allocate(capacity: 1)
        event = .allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        event.initialize(to: yaml_event_t())
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    }

    deinit {
        if hasEvent { yaml_event_delete(event) }
        yaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
    }

    /// Loads every non-empty document of `text` (UTF-8, LF line ends); `text` must outlive the call.
    func load(_ text: UnsafeBufferPointer<UInt8>) throws -> [YAMLDocument] {
        yaml_parser_set_input_string(parser, text.baseAddress, text.count)
        try advance()  // STREAM-START
        var documents: [YAMLDocument] = []
        while true {
            try advance()
            if event.pointee.type == YAML_STREAM_END_EVENT { break }
            // DOCUMENT-START
            entries = []
            entries.reserveCapacity(64)
            lints = []
            weight = 0
            expanded = 0
            deferred = nil
            try advance()
            let value = try node(parent: -1, label: .hidden, inKey: false)
            try advance()  // DOCUMENT-END
            if let deferred { throw deferred }
            let documentLints = lints
            let map = SourceMap(entries: entries)
            documentIndex += 1
            if value == .null { continue }
            documents.append(YAMLDocument(file: file, value: value, sourceMap: map, lints: documentLints))
        }
        return documents
    }

    // MARK: events

    private func advance() throws {
        if hasEvent {
            yaml_event_delete(event)
            hasEvent = false
        }
        guard yaml_parser_parse(parser, event) == 1 else { throw parseError() }
        hasEvent = true
    }

    private func parseError() -> ModelError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        switch state.error {
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
            let line = state.problem_mark.line + 1
            let column = state.problem_mark.column + 1
            var detail = problem
            if let context = state.context.map({ String(cString: $0) }) {
                // libyaml notices an unclosed `[` or `{` where the file goes wrong, often lines later: name where
                // the construct was opened too, which is where the fix usually is.
                let openedLine = state.context_mark.line + 1
                let openedColumn = state.context_mark.column + 1
                let opened =
                    openedLine != line || openedColumn != column
                    ? " (opened at line \(openedLine), column \(openedColumn))" : ""
                detail = "\(problem) \(context)\(opened)"
            }
            return ModelError(file: file, line: line, column: column, message: "invalid YAML: \(detail)")
        case YAML_MEMORY_ERROR:
            return ModelError(file: file, line: 1, column: 1, message: "invalid YAML: memory error")
        default:
            return ModelError(file: file, line: 1, column: 1, message: "invalid YAML: \(problem)")
        }
    }

    private var startLine: Int32 { Int32(truncatingIfNeeded: event.pointee.start_mark.line + 1) }
    private var startColumn: Int32 { Int32(truncatingIfNeeded: event.pointee.start_mark.column + 1) }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    // MARK: nodes

    /// Builds the node whose first event is current; on return its last event is current.
    private func node(parent: Int32, label: SourceMap.Label, inKey: Bool) throws -> Value {
        switch event.pointee.type {
        case YAML_SCALAR_EVENT:
            return scalar(parent: parent, label: label, inKey: inKey)
        case YAML_SEQUENCE_START_EVENT:
            let anchor = Self.string(event.pointee.data.sequence_start.anchor)
            let line = startLine
            let column = startColumn
            try enterCollection(line: line, column: column)
            defer { depth -= 1 }
            let index = record(parent: parent, label: label, line: line, column: column)
            let before = weight
            weight += 1
            var items: [Value] = []
            while true {
                try advance()
                if event.pointee.type == YAML_SEQUENCE_END_EVENT { break }
                items.append(try node(parent: index, label: .index(items.count), inKey: inKey))
            }
            let value = Value.array(items)
            if let anchor {
                define(anchor, value: value, node: index, line: line, column: column, weight: weight - before)
            }
            return value
        case YAML_MAPPING_START_EVENT:
            return try mapping(parent: parent, label: label, inKey: inKey)
        case YAML_ALIAS_EVENT:
            return try alias(parent: parent, label: label).value
        default:
            // libyaml emits only nodes here; anything else is a bug in it, reported rather than trapped.
            throw ModelError(file: file, line: Int(startLine), column: Int(startColumn), message: "invalid YAML event")
        }
    }

    /// Counts one more collection open; throws ``ModelError`` at the collection's position past ``nestingLimit``.
    private func enterCollection(line: Int32, column: Int32) throws {
        depth += 1
        if depth > Self.nestingLimit {
            depth -= 1
            throw ModelError(
                file: file, line: Int(line), column: Int(column),
                message: "collections are nested more than \(Self.nestingLimit) levels deep")
        }
    }

    /// Appends the source-map entry of a node that is not an alias; returns its index.
    private func record(parent: Int32, label: SourceMap.Label, line: Int32, column: Int32) -> Int32 {
        entries.append(SourceMap.Entry(parent: parent, alias: -1, line: line, column: column, label: label))
        return Int32(entries.count - 1)
    }

    private func define(
        _ name: String, value: Value, node: Int32, line: Int32, column: Int32, weight: Int,
        scalarText: String? = nil, plain: Bool = false
    ) {
        anchors[name] = Anchor(
            value: value, node: node, document: documentIndex, line: line, column: column, weight: weight,
            scalarText: scalarText, plain: plain)
    }

    /// The current alias event: its anchor, counted against the expansion bound, and its source-map entry.
    private func alias(parent: Int32, label: SourceMap.Label) throws -> Anchor {
        let line = startLine
        let column = startColumn
        let name = Self.string(event.pointee.data.alias.anchor) ?? ""
        guard let anchor = anchors[name] else {
            throw ModelError(
                file: file, line: Int(line), column: Int(column), message: "invalid YAML: found undefined alias")
        }
        entries.append(
            SourceMap.Entry(
                parent: parent, alias: anchor.document == documentIndex ? anchor.node : -1, line: anchor.line,
                column: anchor.column, label: label))
        weight += anchor.weight
        expanded += anchor.weight
        // Aliases share the anchored value, but whoever walks it walks every copy: a few hundred bytes of nested
        // aliases can stand for billions of nodes (a "billion laughs"). go-yaml refuses such documents as
        // "excessive aliasing"; Placer refuses any whose aliases stand for more nodes than the bound.
        if expanded > limit, deferred == nil {
            deferred = ModelError(
                file: file, line: Int(line), column: Int(column),
                message:
                    "the document expands to more than \(limit) nodes through anchors and aliases (excessive aliasing)")
        }
        return anchor
    }

    /// The current scalar event's text.
    private func scalarText() -> String {
        let data = event.pointee.data.scalar
        return String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
    }

    /// The current scalar event's effective tag: `str` for a quoted scalar without one, `nil` for a plain one.
    private func scalarTag() -> String? {
        let data = event.pointee.data.scalar
        if data.quoted_implicit == 1 { return Self.strTag }
        return Self.string(data.tag)
    }

    private func scalar(parent: Int32, label: SourceMap.Label, inKey: Bool) -> Value {
        let data = event.pointee.data.scalar
        let line = startLine
        let column = startColumn
        let index = record(parent: parent, label: label, line: line, column: column)
        weight += 1
        let plain = data.style == YAML_PLAIN_SCALAR_STYLE
        if data.quoted_implicit == 1, data.anchor == nil {
            // Quoted without a tag: a string, never linted (the common case after plain scalars).
            return .string(scalarText())
        }
        let tag = scalarTag()
        let value: Value
        var text: String?
        if inKey, tag == nil || tag == "!" {
            // Inside a collection used as a key, the composer's duplicate check resolved every untagged scalar's
            // tag to `str` before conversion, so they read as strings (`? {a: }` has the key `{"a":""}`).
            let string = scalarText()
            text = string
            value = .string(string)
        } else if tag == nil, plain {
            value = Self.resolvePlain(UnsafeBufferPointer(start: data.value, count: data.length))
        } else if data.quoted_implicit == 1 {
            let string = scalarText()
            text = string
            value = .string(string)
        } else {
            let string = scalarText()
            text = string
            value = ScalarResolver.resolve(string, tag: tag ?? "", plain: plain)
        }
        if plain, !inKey, tag == nil || tag == "!" || tag == "?",
            Self.mayLint(value, UnsafeBufferPointer(start: data.value, count: data.length))
        {
            let string = text ?? scalarText()
            let position = SourcePosition(line: Int(line), column: Int(column))
            if let lint = YAML11Lint.warning(for: string, file: file, at: position) { lints.append(lint) }
        }
        if let anchor = Self.string(data.anchor) {
            define(
                anchor, value: value, node: index, line: line, column: column, weight: 1,
                scalarText: text ?? scalarText(), plain: plain)
        }
        return value
    }

    /// Whether ``YAML11Lint`` can flag this plain scalar: only booleans and numbers (as YAML 1.1 reads them) and
    /// sexagesimal-looking text (with a `:`) can read differently under YAML 1.2.
    /// `true` and `false` read the same under both, and so do decimal integers without a leading zero or `_`.
    private static func mayLint(_ value: Value, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch value {
        case let .bool(flag):
            return !bytes.elementsEqual((flag ? "true" : "false").utf8)
        case .number:
            guard let first = bytes.first, first >= UInt8(ascii: "1"), first <= UInt8(ascii: "9") else { return true }
            return !bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        case .string: return bytes.contains(UInt8(ascii: ":"))
        default: return false
        }
    }

    /// ``ScalarResolver/resolve(_:tag:plain:)`` for an untagged plain scalar, on its bytes: text that cannot be a
    /// null, boolean or number (by its first byte, or digits mixed with other letters) skips the resolver.
    static func resolvePlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Value {
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            // Decimal integers without a leading zero are themselves (the common case: ports, replicas).
            if bytes.count <= 18, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                return .number(String(decoding: bytes, as: UTF8.self))
            }
            fallthrough
        case UInt8(ascii: "0"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            // A number has only digits, signs, `.`, `_`, exponents and radix letters; anything else is a string.
            if !bytes.allSatisfy(isNumberByte) { return .string(String(decoding: bytes, as: UTF8.self)) }
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
            UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"),
            UInt8(ascii: "O"):
            // Only `~`, the null words and the YAML 1.1 booleans (at most five bytes) are not strings here.
            if bytes.count <= 5, let word = words.first(where: { $0.0.elementsEqual(bytes) }) { return word.1 }
            return .string(String(decoding: bytes, as: UTF8.self))
        default:
            return .string(String(decoding: bytes, as: UTF8.self))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        return ScalarResolver.resolvePlain(text) ?? .string(text)
    }

    /// The plain words that are not strings: `~` and the null words, and the YAML 1.1 booleans in their three
    /// spellings (``ScalarResolver``'s table).
    private static let words: [([UInt8], Value)] =
        [("~", Value.null), ("null", .null), ("Null", .null), ("NULL", .null)].map { (Array($0.0.utf8), $0.1) }
        + ScalarResolver.booleans.sorted { $0.key < $1.key }.map { (Array($0.key.utf8), Value.bool($0.value)) }

    /// Bytes that can occur in a YAML 1.1 integer or float: digits, hex letters, signs, `.`, `_`, `x`, `o`.
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"), UInt8(ascii: "O"):
            return true
        default:
            return false
        }
    }

    // MARK: mappings

    /// A mapping key as the duplicate check and the merge rule see it.
    private struct Key {
        var value: Value
        var raw: String?
        var tag: String?
        var merge: Bool
        var line: Int32
        var column: Int32
    }

    /// Reads the key whose first event is current. Plain keys always take the YAML 1.1 rule, whatever their tag.
    private func key(parent: Int32) throws -> Key {
        let line = startLine
        let column = startColumn
        switch event.pointee.type {
        case YAML_SCALAR_EVENT:
            let data = event.pointee.data.scalar
            let plain = data.style == YAML_PLAIN_SCALAR_STYLE
            let rawTag = scalarTag()
            // A key's duplicate check resolves an untagged, quoted or `!` key's tag to `str` (kept here as `nil`).
            let tag = rawTag == "!" || rawTag == Self.strTag ? nil : rawTag
            let value: Value
            let text: String
            if plain {
                value = Self.resolvePlain(UnsafeBufferPointer(start: data.value, count: data.length))
                if case let .string(string) = value { text = string } else { text = scalarText() }
            } else {
                text = scalarText()
                value = ScalarResolver.resolve(text, tag: tag ?? Self.strTag, plain: false)
            }
            if let anchor = Self.string(data.anchor) {
                let index = record(parent: parent, label: .hidden, line: line, column: column)
                // Used as a value, an anchored key reads as the string it was checked as (its tag resolved to `str`).
                let anchored = tag.map { ScalarResolver.resolve(text, tag: $0, plain: plain) } ?? .string(text)
                define(
                    anchor, value: anchored, node: index, line: line, column: column, weight: 1, scalarText: text,
                    plain: plain)
            }
            return Key(
                value: value, raw: text, tag: tag, merge: plain && text == "<<", line: line, column: column)
        case YAML_ALIAS_EVENT:
            let anchor = try alias(parent: parent, label: .transparent)
            if let text = anchor.scalarText {
                let value = anchor.plain ? ScalarResolver.resolve(text, tag: "", plain: true) : anchor.value
                return Key(
                    value: value, raw: text, tag: nil, merge: anchor.plain && text == "<<", line: anchor.line,
                    column: anchor.column)
            }
            return Key(value: anchor.value, raw: nil, tag: nil, merge: false, line: anchor.line, column: anchor.column)
        default:
            let value = try node(parent: parent, label: .transparent, inKey: true)
            return Key(value: value, raw: nil, tag: nil, merge: false, line: line, column: column)
        }
    }

    private func mapping(parent: Int32, label: SourceMap.Label, inKey: Bool) throws -> Value {
        let anchor = Self.string(event.pointee.data.mapping_start.anchor)
        let line = startLine
        let column = startColumn
        try enterCollection(line: line, column: column)
        defer { depth -= 1 }
        let index = record(parent: parent, label: label, line: line, column: column)
        let before = weight
        weight += 1
        let logStart = keyLog.count
        var lookup: [String: Int]?
        var pairs: [(String, Value)] = []
        var merged: [(String, Value)] = []
        var written: (key: String, first: KeyRecord, second: Int32)?
        while true {
            try advance()
            if event.pointee.type == YAML_MAPPING_END_EVENT { break }
            let key = try key(parent: index)
            // A collection key is compared by its JSON text, which walks every aliased copy: past the expansion
            // bound the document is refused anyway, so refuse it now rather than write out each huge key (a 339-byte
            // input of alias keys took 15 s; fuzz/regressions/yaml/alias-keys-past-the-bound.yaml).
            if key.value.scalarText == nil, key.value != .null, expanded > limit, let deferred { throw deferred }
            let text = key.value.scalarText ?? (key.value == .null ? "null" : key.value.canonicalJSON())
            // A collection key is held as its JSON text, so a key nested in a key is escaped once more at each level
            // and the text doubles per level: 200 nested `{` (330 bytes) ran for minutes (fuzz, codecoapp target;
            // fuzz/regressions/yaml/nested-collection-keys.yaml). Bounding each key's text bounds the work.
            if key.value.scalarText == nil, key.value != .null, text.utf8.count > Self.collectionKeyLimit {
                throw ModelError(
                    file: file, line: Int(key.line), column: Int(key.column),
                    message:
                        "a collection used as a mapping key is more than \(Self.collectionKeyLimit / 1024) KiB once "
                        + "written out (keys nested in keys)")
            }
            // Earlier key with the same resolved text, by scan while the mapping is small, by table once large.
            var earlier: Int?
            if let table = lookup {
                earlier = table[text]
            } else {
                for position in logStart..<keyLog.count where keyLog[position].key == text {
                    earlier = position
                    break
                }
            }
            if let earlier {
                let first = keyLog[earlier]
                if first.raw == key.raw, first.tag == key.tag {
                    // Written twice: reported when the mapping ends, the first such key in text order.
                    if let raw = key.raw, written == nil || raw < written!.key {
                        written = (raw, first, key.line)
                    } else if key.raw == nil, written == nil {
                        written = (text, first, key.line)
                    }
                } else if deferred == nil, !key.merge {
                    deferred = ModelError(
                        file: file, line: Int(first.line), column: Int(first.column),
                        message: "duplicate key \"\(text)\" (also at line \(key.line))")
                }
            } else {
                keyLog.append(KeyRecord(key: text, raw: key.raw, tag: key.tag, line: key.line, column: key.column))
                if lookup != nil {
                    lookup![text] = keyLog.count - 1
                } else if keyLog.count - logStart > 16 {
                    var table: [String: Int] = [:]
                    for position in logStart..<keyLog.count where table[keyLog[position].key] == nil {
                        table[keyLog[position].key] = position
                    }
                    lookup = table
                }
            }
            try advance()
            // A `<<` key takes part in the written-twice check above (two `<<`, or `<<` and `"<<"`, are one key
            // written twice), not in the resolved one.
            if key.merge {
                let sources = try mergeSources(parent: index)
                for pair in sources where !merged.contains(where: { $0.0 == pair.0 }) { merged.append(pair) }
                continue
            }
            pairs.append((text, try node(parent: index, label: .key(text), inKey: inKey)))
        }
        keyLog.removeSubrange(logStart...)
        if let written {
            throw ModelError(
                file: file, line: Int(written.first.line), column: Int(written.first.column),
                message: "duplicate key \"\(written.key)\" (also at line \(written.second))")
        }
        // Explicit keys win over merged ones; earlier merge sources win over later ones (YAML merge spec).
        if !merged.isEmpty {
            let explicit = Set(pairs.map { $0.0 })
            for (key, value) in merged where !explicit.contains(key) { pairs.append((key, value)) }
        }
        let value = Value.object(pairs)
        if let anchor {
            define(anchor, value: value, node: index, line: line, column: column, weight: weight - before)
        }
        return value
    }

    /// Reads the value of a `<<` key (current event): a mapping, or a sequence of mappings, each possibly an alias.
    /// Its fields have no positions of their own (they fall back to the merging mapping's).
    private func mergeSources(parent: Int32) throws -> [(String, Value)] {
        let index = Int32(entries.count)
        let value = try node(parent: parent, label: .hidden, inKey: false)
        let entry = entries[Int(index)]
        var sources: [(Value, Int32, Int32)] = []
        if case let .array(items) = value {
            // The items' marks: the children of the sequence's entry (an aliased sequence: the alias's mark).
            var marks: [(Int32, Int32)] = []
            if entry.alias < 0 {
                for child in entries[Int(index + 1)...] where child.parent == index {
                    marks.append((child.line, child.column))
                }
            }
            for (position, item) in items.enumerated() {
                let mark = position < marks.count ? marks[position] : (entry.line, entry.column)
                sources.append((item, mark.0, mark.1))
            }
        } else {
            sources.append((value, entry.line, entry.column))
        }
        var result: [(String, Value)] = []
        for (source, sourceLine, sourceColumn) in sources {
            guard case let .object(pairs) = source else {
                if deferred == nil {
                    deferred = ModelError(
                        file: file, line: Int(sourceLine), column: Int(sourceColumn),
                        message: "a merge key (<<) must refer to a mapping or a list of mappings")
                }
                continue
            }
            for pair in pairs where !result.contains(where: { $0.0 == pair.0 }) { result.append(pair) }
        }
        return result
    }
}
