import Foundation
import PlacerCore
import Testing

@testable import AppModel

/// The event builder (YAMLLoader since issue 15) and the direct renderer against the Yams-based loader and renderer
/// they replace (LegacyYAML.swift), on real files, and their own rules.
@Suite struct YAMLEventBuilderTests {
    // MARK: inputs

    static let sharedRoot = Fixtures.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// Every YAML file of the shared corpus, the example repo, Placer's presets and the OCM reference CRDs.
    static func realFiles() throws -> [(String, Data)] {
        var result: [(String, Data)] = []
        let roots: [(String, URL)] = [
            ("corpus", sharedRoot.appendingPathComponent("corpus")),
            ("example-repo", Fixtures.exampleRepo),
            ("policies", Fixtures.packageRoot.appendingPathComponent("policies")),
            ("ocm", sharedRoot.appendingPathComponent("reference/ocm")),
        ]
        for (name, root) in roots {
            let files = try RepoFiles.read(directory: root.path)
            for (path, data) in files.sorted(by: { $0.key < $1.key })
            where path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                result.append(("\(name)/\(path)", data))
            }
        }
        return result
    }

    /// Inputs that exercise each rule: scalars, keys, anchors, merges, errors.
    static let edgeCases: [String] = [
        "a: 1\n",
        "a: yes\nb: No\nc: 0755\nd: 0x1F\ne: 1_000\nf: 1:20\ng: .inf\nh: ~\ni: 1e3\nj: -0\nk: +12\nl: 0b101\n",
        "a: \"yes\"\nb: 'no'\nc: !!str 12\nd: !!int \"12\"\ne: ! 12\nf: |\n  text\n  more\ng: >\n  folded\n",
        "? [a, b]\n: 1\n? {x: 1}\n: 2\n",
        "yes: 1\ntrue: 2\n",
        "a: 1\nb: 2\na: 3\n",
        "\"a\": 1\na: 2\n",
        "b: 1\na: 1\nb: 2\na: 2\n",
        "{a: 1, a: 2}\n",
        "1: a\n01: b\n",
        "null: 1\n~: 2\n",
        "base: &b {x: 1, y: 2}\nuse: *b\nmerged:\n  <<: *b\n  y: 3\n",
        "list: &l [1, 2]\nagain: *l\n",
        "a: &a yes\nb: *a\nc: [*a, *a]\n",
        "a: &a 0755\nb: *a\n",
        "- &x {k: v}\n- <<: [*x, {k: w, z: 1}]\n",
        "m:\n  <<: {a: 1}\n  <<: {b: 2}\n",
        "s: &s text\nm:\n  <<: *s\n",
        "m:\n  <<: [{a: 1}, 3]\n",
        "a: *nowhere\n",
        "a: &self [*self]\n",
        "x: 1\ny: 2\nz: a: b\n",
        "a: [1, 2\nb: 3\n",
        "a: 1\n---\nb: &q 2\n---\nc: *q\n",
        "a: 1\n---\nb: [1, 2\nc: 3\n",
        "---\n---\n# c\n---\na: 1\n...\n",
        "k: v\n\tbad: tab\n",
        "a:\n  - b: 1\n    c: 2\n  - d\n",
        "\"multi\nline\": 1\n",
        "a: 'it''s'\nb: \"\\t\\u00e9\"\n",
        "a: 1\nb:\n  c: [x, y]\n  d: {e: f}\n",
        "root",
        "- 1\n- 2\n",
        "&a a: 1\nb: *a\n",
        "a: 1\n<<: {a: 2, b: 3}\n",
        "x: &m {a: 1}\ny: *m\nz:\n  <<: *m\n  a: 2\nw: *m\n",
        "a: 1\na: 2\nb: &x 1\nc: *undefined\n",
        "yes: 1\ntrue: 2\nx: [1, 2\n",
        "key with spaces: value with: colon\n\"quoted key\": 'single'\n",
        "a: 2001-12-14\nb: 12:30:45\nc: 1.5e+3\nd: 0o17\ne: 0.\nf: .5\n",
    ]

    // MARK: loader against the Yams-based loader

    /// Compares the two loaders on one input: the same values, lints and positions of every path, or the same error.
    static func compare(_ data: Data, file: String) -> String? {
        let legacy: Result<[LegacyDocument], ModelError>
        let current: Result<[YAMLDocument], ModelError>
        do { legacy = .success(try LegacyYAMLLoader.load(data, file: file)) } catch {
            legacy = .failure(error as? ModelError ?? ModelError(file: file, line: 0, message: "\(error)"))
        }
        do { current = .success(try YAMLLoader.load(data, file: file)) } catch {
            current = .failure(error as? ModelError ?? ModelError(file: file, line: 0, message: "\(error)"))
        }
        switch (legacy, current) {
        case let (.failure(old), .failure(new)):
            // The one intended change: a key written twice in a flow mapping names its second line too (the old loader
            // found it by scanning block-style lines, and found none).
            if !old.message.contains("(also at"), new.message.hasPrefix(old.message + " (also at line "),
                ModelError(file: new.file, line: new.line, column: new.column, message: old.message) == old
            {
                return nil
            }
            return old == new ? nil : "\(file): error was \(old), now \(new)"
        case let (.failure(old), .success):
            return "\(file): error was \(old), now loads"
        case let (.success, .failure(new)):
            return "\(file): loaded, now \(new)"
        case let (.success(old), .success(new)):
            guard old.count == new.count else { return "\(file): \(old.count) documents, now \(new.count)" }
            for (index, (before, after)) in zip(old, new).enumerated() {
                if before.value != after.value || before.value.canonicalJSON() != after.value.canonicalJSON() {
                    return "\(file) #\(index): value differs"
                }
                if before.lints != after.lints { return "\(file) #\(index): lints \(before.lints) now \(after.lints)" }
                for (path, position) in before.positions.sorted(by: { $0.key < $1.key }) {
                    let now = after.position(of: path)
                    if now != position { return "\(file) #\(index): \(path) was at \(position), now \(now)" }
                }
            }
            return nil
        }
    }

    @Test func realFilesLoadAsTheYamsLoaderLoadedThem() throws {
        let files = try Self.realFiles()
        #expect(files.count > 100, "corpus, example repo, presets and CRDs")
        var differences: [String] = []
        for (path, data) in files {
            if let difference = Self.compare(data, file: path) { differences.append(difference) }
        }
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
    }

    @Test(arguments: Array(edgeCases.enumerated()))
    func edgeCaseLoadsAsTheYamsLoaderLoadedIt(index: Int, yaml: String) {
        let difference = Self.compare(Data(yaml.utf8), file: "edge-\(index).yaml")
        #expect(difference == nil, "\(difference ?? "")")
    }

    // MARK: the event builder's own rules

    @Test func positionsOfNestedFieldsAndAliases() throws {
        let yaml = "base: &b\n  cpu: 1\n  ports:\n  - 80\nuse: *b\nlist:\n- x\n- name: y\n"
        let document = try #require(try loadYAML(yaml).first)
        #expect(document.position(of: "base.cpu") == SourcePosition(line: 2, column: 8))
        #expect(document.position(of: "base.ports[0]") == SourcePosition(line: 4, column: 5))
        // Under an alias, a field is where its anchored node is.
        #expect(document.position(of: "use.cpu") == SourcePosition(line: 2, column: 8))
        #expect(document.position(of: "use.ports[0]") == SourcePosition(line: 4, column: 5))
        #expect(document.position(of: "list[1].name") == SourcePosition(line: 8, column: 9))
        #expect(document.position(of: "list[1].missing") == SourcePosition(line: 8, column: 3))
        #expect(document.position(of: "nowhere.at.all") == SourcePosition(line: 1, column: 1))
    }

    @Test func keysEqualOnlyAfterResolutionAreDuplicates() throws {
        let error = try #require(modelError { try loadYAML("a: 1\nyes: 2\nb: 3\ntrue: 4\n", file: "bool.yaml") })
        #expect(error.description == "bool.yaml:2:1: duplicate key \"true\" (also at line 4)")
    }

    @Test func aKeyWrittenTwiceIsReportedBeforeAResolvedDuplicate() throws {
        // The written-twice key (`b`) is a composer error; the resolved one (`yes`/`true`) comes after composing.
        let error = try #require(modelError { try loadYAML("yes: 1\ntrue: 2\nm:\n  b: 1\n  b: 2\n", file: "d.yaml") })
        #expect(error.description == "d.yaml:4:3: duplicate key \"b\" (also at line 5)")
    }

    @Test func aSyntaxErrorLaterInTheDocumentWinsOverADuplicate() throws {
        let error = try #require(modelError { try loadYAML("yes: 1\ntrue: 2\nx: [1, 2\n", file: "s.yaml") })
        #expect(error.message.hasPrefix("invalid YAML"), "\(error)")
        #expect(error.line == 4)
    }

    @Test func yaml11ScalarsResolveAndLintAsBefore() throws {
        let documents = try loadYAML("a: yes\nb: 0755\nc: \"0755\"\nd: 1_000\ne: 10Gi\nf: 1:20\ng: 12\n")
        let value = try #require(documents.first?.value)
        #expect(value["a"] == .bool(true))
        #expect(value["b"] == .number("493"))
        #expect(value["c"] == .string("0755"))
        #expect(value["d"] == .number("1000"))
        #expect(value["e"] == .string("10Gi"))
        #expect(value["f"] == .string("1:20"))
        #expect(value["g"] == .number("12"))
        let lines = documents.first?.lints.map(\.line)
        #expect(lines == [1, 2, 4, 6])
    }

    @Test func plainScalarFastPathAgreesWithTheResolver() {
        // Every short plain scalar over a small alphabet: the byte fast path gives what ScalarResolver gives.
        let alphabet = Array("0179+-._eExXoObBaFnNyYtTl:~ ")
        var texts: [String] = ["", "null", "Null", "NULL", "true", "False", "yes", "NO", "on", "Off", "y", "n", "~"]
        for first in alphabet {
            for second in alphabet { texts.append(String([first, second])) }
        }
        for a in alphabet { for b in alphabet { for c in alphabet { texts.append(String([a, b, c])) } } }
        texts += ["123456789012345678", "1234567890123456789", "0x1F", "0b11", "0o17", "017", "1e3", "-1.5e-3", "1_0"]
        for text in texts {
            let fast = Array(text.utf8).withUnsafeBufferPointer { YAMLEventBuilder.resolvePlain($0) }
            let slow = ScalarResolver.resolve(text, tag: "", plain: true)
            #expect(fast == slow, "\(text): \(fast) vs \(slow)")
        }
    }

    @Test func malformedInputNamesFileLineAndColumn() throws {
        let cases: [(String, Int)] = [
            ("a: 1\nb: [1, 2\nc: 3\n", 3), ("a: 1\n  b: 2\n", 2), ("a: \"open\n", 2), ("- a\nb: 1\n", 2),
            ("a: 1\n\tb: 2\n", 2),
        ]
        for (yaml, line) in cases {
            let error = try #require(modelError { try loadYAML(yaml, file: "bad.yaml") }, "\(yaml)")
            #expect(error.file == "bad.yaml")
            #expect(error.line == line, "\(yaml): \(error)")
            #expect(error.description.hasPrefix("bad.yaml:\(line):"), "\(error)")
            #expect(error.message.hasPrefix("invalid YAML"), "\(error)")
        }
    }

    @Test func collectionsNestedPastTheLimitAreRefusedWhereTheyPassIt() throws {
        let limit = YAMLEventBuilder.nestingLimit
        // Block mappings as values, exactly at the limit: loads.
        var text = ""
        for level in 0..<limit { text += String(repeating: " ", count: level) + "k:\n" }
        let deepest = try loadYAML(text, file: "deep.yaml")
        #expect(deepest.first?.value != nil)
        // Flow sequences one past the limit, and flow mappings as keys (the fuzz input's shape): refused at the
        // collection that passes it, on line 1 at the column of its opening bracket.
        for (open, close) in [("[", "]"), ("{", "}")] {
            let yaml = String(repeating: open, count: limit + 1) + String(repeating: close, count: limit + 1) + "\n"
            let error = try #require(modelError { try loadYAML(yaml, file: "deep.yaml") }, "\(open)")
            #expect(error.file == "deep.yaml" && error.line == 1 && error.column == limit + 1, "\(error)")
            #expect(error.message.contains("nested more than \(limit) levels"), "\(error)")
        }
    }

    @Test func anAliasToAnEarlierDocumentsAnchorResolves() throws {
        let documents = try loadYAML("a: &x {k: v}\n---\nb: *x\n")
        #expect(documents[1].value["b"]?["k"] == .string("v"))
        // Fields under the alias sit where the anchored node is, in the earlier document.
        #expect(documents[1].position(of: "b.k").line == 1)
    }

    @Test func aLargeDocumentWithoutAliasesIsNeverBoundByNodes() throws {
        // More nodes than bytes would be impossible for the bound to tell apart; only aliases count.
        var text = "data:\n"
        for index in 0..<300_000 { text += "- \(index % 10)\n" }
        let documents = try YAMLLoader.load(Data(text.utf8), file: "wide.yaml")
        #expect(documents.first?.value["data"]?.arrayValue?.count == 300_000)
    }

    @Test func aliasesCountWhatTheyStandFor() throws {
        // 1,000 aliases of a 301-node list stand for 301,000 nodes in about 10 kB: refused; 500 of them are not.
        let items = Array(repeating: "1", count: 300).joined(separator: ", ")
        func document(_ aliases: Int) -> String {
            "a: &a [\(items)]\nb: [" + Array(repeating: "*a", count: aliases).joined(separator: ", ") + "]\n"
        }
        #expect(throws: ModelError.self) { try YAMLLoader.load(Data(document(1_000).utf8), file: "many.yaml") }
        let fine = try YAMLLoader.load(Data(document(500).utf8), file: "some.yaml")
        #expect(fine.first?.value["b"]?.arrayValue?.count == 500)
    }

    // MARK: renderer against the Yams-based renderer

    static let trickyStrings: [String] = [
        "", " ", "a", "yes", "No", "0755", "1.10", "1:20", "~", "null", "-", "- a", "-a", ":", ": a", "a:", "a: b",
        "a:b", "#", "a #b", "a#b", "?", "? a", "[a]", "{a}", "a,b", "&a", "*a", "!a", "|", ">", "'q'", "\"q\"", "%",
        "@", "`", "---", "...", "--- a", " lead", "trail ", "tab\there", "line\n", "two\nlines", "\nlead", "a\n\n",
        "\n", "a \nb", "a\n b", "é", "€ 0.045", "\u{FEFF}bom", "nel\u{85}x", "ls\u{2028}x", "nbsp\u{A0}x", "ctrl\u{1}",
        "bell\u{7}", "esc\u{1B}", "del\u{7F}", "\u{FFFE}", "😀 emoji", "back\\slash", "quote\"d", "it's", "x: y\nz",
        "  indented\n  block\n", "trailing space \nline", String(repeating: "k", count: 129), "9007199254740993",
        "1e3", "+1", ".5", "0x1F", "true", "ON", "=", "<<", "a\r\nb", "cr\rx",
    ]

    static func renderingDifference(_ value: Value, label: String) -> String? {
        let old: String
        do { old = try LegacyYAMLRenderer.render(value) } catch { return "\(label): legacy failed \(error)" }
        let new: String
        do { new = try YAMLRenderer.render(value) } catch { return "\(label): failed \(error)" }
        return old == new ? nil : "\(label):\n--- Yams\n\(old)--- direct\n\(new)"
    }

    @Test func realFilesRenderByteForByteAsYamsRenderedThem() throws {
        var differences: [String] = []
        var rendered = 0
        for (path, data) in try Self.realFiles() {
            guard let documents = try? YAMLLoader.load(data, file: path) else { continue }
            for (index, document) in documents.enumerated() {
                rendered += 1
                if let difference = Self.renderingDifference(document.value, label: "\(path) #\(index)") {
                    differences.append(difference)
                }
            }
        }
        #expect(rendered > 150)
        #expect(differences.isEmpty, "\(differences.prefix(3).joined(separator: "\n"))")
    }

    @Test func exampleRepoRecordsAndManifestWorksRenderAsBefore() throws {
        let snapshot = RepoLoader.load(files: try Fixtures.exampleFiles(), presets: try Fixtures.presets())
        let clusters = snapshot.clusters.map(\.name)
        try #require(!snapshot.apps.isEmpty && !clusters.isEmpty)
        for (index, app) in snapshot.apps.enumerated() {
            let cluster = clusters[index % clusters.count]
            let record = PlacementRecord(
                app: app.name, cluster: cluster, qosClass: app.qosClass, decisionID: String(format: "%016x", index),
                reasons: ["placed: it's the best fit", "score 0.75 (cpu 0.5)"],
                candidates: [.init(cluster: cluster, total: 0.75, scores: ["cpu": 0.5, "latency": 1])],
                rejected: [.init(cluster: "other", reasons: ["taint: no"])], cpuCores: app.cpuCores,
                memoryBytes: app.memoryBytes)
            let work = ManifestBuilder.manifestWork(app: app, cluster: cluster, decisionID: record.decisionID)
            for value in [record.toValue(), work] {
                let difference = Self.renderingDifference(value, label: app.name)
                #expect(difference == nil, "\(difference ?? "")")
            }
        }
    }

    @Test func trickyStringsRenderAsYamsRenderedThem() {
        var differences: [String] = []
        for (index, text) in Self.trickyStrings.enumerated() {
            let values: [Value] = [
                .string(text), .object([(text, .string(text))]),
                .array([.string(text), .object([("k", .string(text))])]),
                .object([("a", .array([.string(text)])), ("b", .object([(text, .array([]))]))]),
                .array([.array([.string(text)]), .object([]), .array([])]),
            ]
            for (variant, value) in values.enumerated() {
                if let difference = Self.renderingDifference(
                    value, label: "#\(index) \(variant) \(text.debugDescription)")
                {
                    differences.append(difference)
                }
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(5).joined(separator: "\n"))")
    }

    @Test func randomValuesRenderAsYamsRenderedThem() {
        var generator = SplitMix64(seed: 15)
        var differences: [String] = []
        for round in 0..<400 {
            let value = Self.randomValue(depth: 0, generator: &generator)
            if let difference = Self.renderingDifference(value, label: "round \(round)") {
                differences.append(difference)
            }
        }
        #expect(differences.isEmpty, "\(differences.prefix(3).joined(separator: "\n"))")
    }

    static func randomValue(depth: Int, generator: inout SplitMix64) -> Value {
        let pick = generator.next() % (depth > 3 ? 4 : 7)
        switch pick {
        case 0: return .string(trickyStrings[Int(generator.next() % UInt64(trickyStrings.count))])
        case 1: return .number(String(generator.next() % 1000))
        case 2: return generator.next() % 2 == 0 ? .bool(true) : .null
        case 3: return .string("s\(generator.next() % 50)")
        case 4, 5:
            let count = Int(generator.next() % 4)
            return .object(
                (0..<count).map { index in
                    let key =
                        generator.next() % 3 == 0
                        ? trickyStrings[Int(generator.next() % UInt64(trickyStrings.count))] : "k\(index)"
                    return (key + (index == 0 ? "" : "\(index)"), randomValue(depth: depth + 1, generator: &generator))
                })
        default:
            let count = Int(generator.next() % 4)
            return .array((0..<count).map { _ in randomValue(depth: depth + 1, generator: &generator) })
        }
    }
}
