import Foundation
import Testing

@testable import AppModel

/// The Norway-problem lint: unquoted values whose type differs between YAML 1.1 (how Placer and kubectl read them)
/// and YAML 1.2, exposed as ``YAMLDocument/lints``.
@Suite struct YAML11LintTests {
    @Test(arguments: [
        ("on", "bool true"), ("Off", "bool false"), ("NO", "bool false"), ("y", "bool true"), ("N", "bool false"),
        ("Yes", "bool true"), ("0755", "number 493"), ("-010", "number -8"), ("0b101", "number 5"),
        ("1_000", "number 1000"), ("1:20", "number 80 (base 60, as PyYAML reads it; kubectl keeps the string)"),
        ("190:20:30", "number 685230 (base 60, as PyYAML reads it; kubectl keeps the string)"),
    ])
    func flagsValuesThatChangeType(text: String, reading: String) throws {
        let document = try #require(try loadYAML("kind: x\nvalue: \(text)\n", file: "l.yaml").first)
        #expect(
            document.lints.map(\.description) == [
                "l.yaml:2:8: warning: unquoted \(text) reads as \(reading) under YAML 1.1; quote it if you mean the string"
            ])
        #expect(document.lints.allSatisfy { $0.severity == .warning })
    }

    @Test(arguments: [
        "\"on\"", "'0755'", "!!str yes", "true", "False", "yEs", "0", "0x1F", "0o17", "10", "1.5", "1e3", "12:60",
        "01:30", "v1", "~", "", "null",
    ])
    func leavesValuesThatReadTheSameAlone(text: String) throws {
        #expect(try loadYAML("value: \(text)\n").flatMap(\.lints).isEmpty)
    }

    @Test func keysAreNotFlaggedButListItemsAre() throws {
        let document = try #require(try loadYAML("on: 1\nitems:\n  - n\n  - \"n\"\n").first)
        #expect(document.lints.map { [$0.line, $0.column] } == [[3, 5]])
        #expect(document.value["true"] == .number("1"))
    }

    @Test func anAnchoredValueIsFlaggedOnceAndEachDocumentKeepsItsOwn() throws {
        let documents = try loadYAML("a: &x yes\nb: *x\nc: {<<: {d: off}}\n---\ne: 0644\n")
        try #require(documents.count == 2)
        #expect(documents[0].lints.map(\.line) == [1, 3])
        #expect(documents[0].value["b"] == .bool(true))
        #expect(
            documents[1].lints.map(\.message) == [
                "unquoted 0644 reads as number 420 under YAML 1.1; quote it if you mean the string"
            ])
    }
}
