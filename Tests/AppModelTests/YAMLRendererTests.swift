import Foundation
import Testing

@testable import AppModel

@Suite struct YAMLRendererTests {
    /// A value with every scalar kind and strings a YAML 1.1 reader would otherwise retype.
    static let sample: Value = .object([
        ("zeta", .string("last")),
        (
            "alpha",
            .object([
                ("yes", .string("yes")), ("octal", .string("0755")), ("decimal", .string("1.10")),
                ("on", .string("on")),
                ("sexagesimal", .string("1:20")), ("hex", .string("0x1F")), ("tilde", .string("~")),
                ("empty", .string("")),
                ("nullWord", .string("null")), ("trueWord", .string("True")), ("digits", .string("9007199254740993")),
                ("plain", .string("hello world")), ("multi", .string("line one\nline two\n")),
                ("unicode", .string("€ 0.045/core-hour")), ("colon", .string("a: b")), ("hash", .string("x #y")),
            ])
        ),
        ("Mid", .array([.int(1), .number("1.1"), .number("9007199254740993"), .bool(true), .bool(false), .null])),
        ("beta", .array([.object([("b", .int(2)), ("a", .int(1))]), .array([]), .object([])])),
    ])

    @Test func renderedOutputReloadsToTheSameValue() throws {
        let text = try YAMLRenderer.render(Self.sample)
        let reloaded = try loadValue(text, file: "rendered.yaml")
        #expect(reloaded == Self.sample, "rendered:\n\(text)")
    }

    @Test(arguments: [
        ("yes", "yes"), ("octal", "0755"), ("decimal", "1.10"), ("on", "on"), ("hex", "0x1F"),
        ("tilde", "~"), ("nullWord", "null"), ("trueWord", "True"), ("digits", "9007199254740993"),
        ("sexagesimal", "1:20"), ("empty", ""),
    ])
    func retypableStringsAreQuoted(key: String, text: String) throws {
        let rendered = try YAMLRenderer.render(Self.sample)
        // Keys that would retype are quoted too (`"yes": "yes"`).
        let prefixes = ["\(key): ", "\"\(key)\": "]
        let line = rendered.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { line in prefixes.contains { line.hasPrefix($0) } }
        let found = try #require(line, "no line for \(key) in\n\(rendered)")
        let prefix = try #require(prefixes.first { found.hasPrefix($0) })
        if ScalarResolver.changesType(key) { #expect(prefix.hasPrefix("\""), "key \(key) must be quoted") }
        let scalar = String(found.dropFirst(prefix.count))
        #expect(scalar == "\"\(text)\"" || scalar == "'\(text)'", "\(key) rendered as \(scalar)")
    }

    @Test func numbersAndBooleansArePlain() throws {
        let text = try YAMLRenderer.render(
            .object([
                ("n", .number("1.1")), ("big", .number("9007199254740993")), ("t", .bool(true)), ("z", .null),
            ]))
        // The key "n" is a YAML 1.1 boolean, so it is quoted; the values are plain.
        #expect(text == "big: 9007199254740993\n\"n\": 1.1\nt: true\nz: null\n")
    }

    @Test func keysAreSortedAtEveryLevel() throws {
        let text = try YAMLRenderer.render(Self.sample)
        let topLevel = text.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("-") }
            .map { String($0.split(separator: ":")[0]) }
        #expect(topLevel == ["Mid", "alpha", "beta", "zeta"])
        let lines = text.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: "alpha:"))
        let section = lines[(start + 1)...].prefix { $0.hasPrefix(" ") }
        let alphaKeys = section.filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .map { String($0.dropFirst(2).split(separator: ":")[0]) }
        let expected = [
            "colon", "decimal", "digits", "empty", "hash", "hex", "multi", "nullWord", "octal", "on",
            "plain", "sexagesimal", "tilde", "trueWord", "unicode", "yes",
        ]
        #expect(alphaKeys.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } == expected)
        #expect(text.contains("- a: 1\n  b: 2\n"))
    }

    @Test func renderingIsByteIdenticalAndIndependentOfKeyOrder() throws {
        let first = try YAMLRenderer.render(Self.sample)
        let second = try YAMLRenderer.render(Self.sample)
        #expect(first == second)
        guard case let .object(pairs) = Self.sample else {
            Issue.record("sample is an object")
            return
        }
        let reordered = try YAMLRenderer.render(.object(pairs.reversed()))
        #expect(reordered == first)
    }

    @Test func multiDocumentStreamReloads() throws {
        let values: [Value] = [.object([("a", .string("yes"))]), .object([("b", .int(2))])]
        let text = try YAMLRenderer.renderAll(values)
        #expect(text.hasPrefix("---\n"))
        #expect(try loadYAML(text).map(\.value) == values)
    }
}
