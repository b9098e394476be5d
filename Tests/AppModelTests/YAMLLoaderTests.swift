import Foundation
import Testing

@testable import AppModel

@Suite struct YAMLLoaderTests {
    // MARK: duplicate keys and syntax errors

    @Test func duplicateKeyNamesFileFirstLineAndSecondLine() throws {
        let yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: first
              labels: {}
              name: second
            data: {}

            """
        let error = try #require(modelError { try loadYAML(yaml, file: "apps/demo/app.yaml") })
        #expect(error.file == "apps/demo/app.yaml")
        #expect(error.line == 4)
        #expect(error.column == 3)
        #expect(error.message.contains("duplicate key \"name\""))
        #expect(error.message.contains("also at line 6"))
        #expect(error.description.hasPrefix("apps/demo/app.yaml:4:3: "))
        #expect(error.severity == .error)
    }

    @Test func anUnclosedFlowSequenceNamesWhereItWasOpened() throws {
        let yaml = "metadata:\n  name: broker\nspec:\n  qosClass: [Silver\n  appName: broker\n"
        let error = try #require(modelError { try loadYAML(yaml, file: "apps/broker/app.yaml") })
        // Noticed at the next key, opened on line 4 at the `[`.
        #expect(error.line == 5)
        #expect(
            error.message.contains("while parsing a flow sequence (opened at line 4, column 13)"), "\(error.message)")
    }

    @Test func duplicateTopLevelKeyInSecondDocument() throws {
        let yaml = "a: 1\n---\nb: 1\nc: 2\nb: 3\n"
        let error = try #require(modelError { try loadYAML(yaml, file: "multi.yaml") })
        #expect(error.line == 3)
        #expect(error.message.contains("duplicate key \"b\""))
        #expect(error.message.contains("also at line 5"))
    }

    @Test func duplicateKeyInsideListItem() throws {
        let yaml = "items:\n- name: a\n  x: 1\n- name: b\n  x: 2\n  name: c\n"
        let error = try #require(modelError { try loadYAML(yaml, file: "list.yaml") })
        #expect(error.line == 4)
        #expect(error.message.contains("also at line 6"))
    }

    @Test func syntaxErrorGivesFileLineAndColumn() throws {
        let yaml = "x: 1\ny: 2\nz: a: b\n"
        let error = try #require(modelError { try loadYAML(yaml, file: "broken.yaml") })
        #expect(error.file == "broken.yaml")
        #expect(error.line == 3)
        #expect(error.column == 5)
        #expect(error.message.hasPrefix("invalid YAML"))
        #expect(error.description.hasPrefix("broken.yaml:3:5: invalid YAML"))
    }

    @Test func syntaxErrorInALaterDocumentIsNotSwallowed() throws {
        let yaml = "a: 1\n---\nb: [1, 2\nc: 3\n"
        let error = try #require(modelError { try loadYAML(yaml, file: "late.yaml") })
        #expect(error.file == "late.yaml")
        #expect(error.line >= 3)
    }

    @Test func undefinedAliasIsAnError() throws {
        let error = try #require(modelError { try loadYAML("a: *nowhere\n", file: "alias.yaml") })
        #expect(error.file == "alias.yaml")
        #expect(error.line == 1)
    }

    // MARK: encodings and line ends

    static let encodingSample =
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  flag: yes\n  mode: 0755\n  text: \"héllo wörld\"\n  list: [a, 'b']\n"

    @Test(arguments: ["utf8-bom", "utf16le-bom", "utf16be-bom", "crlf", "crlf-utf8-bom", "crlf-utf16le-bom"])
    func encodingsAndLineEndsLoadTheSameValue(variant: String) throws {
        let plain = try loadValue(Self.encodingSample)
        let crlf = Self.encodingSample.replacingOccurrences(of: "\n", with: "\r\n")
        let data: Data
        switch variant {
        case "utf8-bom": data = Data([0xEF, 0xBB, 0xBF]) + Data(Self.encodingSample.utf8)
        case "utf16le-bom": data = Data([0xFF, 0xFE]) + Self.encodingSample.data(using: .utf16LittleEndian)!
        case "utf16be-bom": data = Data([0xFE, 0xFF]) + Self.encodingSample.data(using: .utf16BigEndian)!
        case "crlf": data = Data(crlf.utf8)
        case "crlf-utf8-bom": data = Data([0xEF, 0xBB, 0xBF]) + Data(crlf.utf8)
        case "crlf-utf16le-bom": data = Data([0xFF, 0xFE]) + crlf.data(using: .utf16LittleEndian)!
        default:
            Issue.record("unknown variant")
            return
        }
        let documents = try YAMLLoader.load(data, file: "enc.yaml")
        try #require(documents.count == 1)
        #expect(documents[0].value == plain)
        #expect(documents[0].value["data"]?["text"] == .string("héllo wörld"))
        #expect(documents[0].value["data"]?["flag"] == .bool(true))
        // Positions are those of the LF text: `mode` sits on line 5.
        #expect(documents[0].position(of: "data.mode").line == 5)
    }

    @Test func crlfDuplicateKeyReportsTheSameLines() throws {
        let yaml = "a: 1\r\nb: 2\r\na: 3\r\n"
        let error = try #require(modelError { try YAMLLoader.load(Data(yaml.utf8), file: "crlf.yaml") })
        #expect(error.line == 1)
        #expect(error.message.contains("also at line 3"))
    }

    @Test func invalidUTF8IsAnError() throws {
        let error = try #require(
            modelError { try YAMLLoader.load(Data([0x61, 0x3A, 0x20, 0xC3, 0x28, 0x0A]), file: "bad.yaml") })
        #expect(error.file == "bad.yaml")
    }

    // MARK: documents

    @Test func emptyAndCommentOnlyDocumentsAreSkipped() throws {
        let yaml = "---\n---\n# only a comment\n---\na: 1\n---\n\n---\n# another\n---\nb: 2\n...\n"
        let documents = try loadYAML(yaml)
        #expect(documents.map(\.value) == [.object([("a", .int(1))]), .object([("b", .int(2))])])
        #expect(documents[1].position(of: "b").line == 11)
    }

    @Test(arguments: ["", "\n\n", "# just a comment\n", "---\n# c\n---\n", "\u{FEFF}# bom and comment\n"])
    func fileWithoutContentHasNoDocuments(yaml: String) throws {
        #expect(try loadYAML(yaml).isEmpty)
    }

    // MARK: anchors, aliases and merge keys

    @Test func anchorsAliasesAndMergeKeysExpand() throws {
        let yaml = """
            base: &base
              cpu: 1
              memory: 2Gi
              zone: a
            other: &other
              zone: z
              extra: e
            list:
            - *base
            - *base
            explicitWins:
              <<: *base
              cpu: 9
            listMerge:
              <<: [*base, *other]
            listMergeExplicit:
              zone: b
              <<: [*other, *base]

            """
        let value = try loadValue(yaml)
        let base = try #require(value["base"])
        #expect(base == .object([("cpu", .int(1)), ("memory", .string("2Gi")), ("zone", .string("a"))]))
        #expect(value["list"] == .array([base, base]))
        #expect(
            value["explicitWins"] == .object([("cpu", .int(9)), ("memory", .string("2Gi")), ("zone", .string("a"))]))
        // Earlier merge sources win over later ones.
        #expect(
            value["listMerge"]
                == .object([
                    ("cpu", .int(1)), ("memory", .string("2Gi")), ("zone", .string("a")), ("extra", .string("e")),
                ]))
        #expect(
            value["listMergeExplicit"]
                == .object([
                    ("zone", .string("b")), ("extra", .string("e")), ("cpu", .int(1)), ("memory", .string("2Gi")),
                ]))
        // No literal "<<" key survives.
        #expect(value["explicitWins"]?["<<"] == nil)
        #expect(!value.canonicalJSON().contains("<<"))
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let value = try loadValue("a: &a {x: 1}\nb:\n  \"<<\": *a\n")
        #expect(value["b"]?["<<"] == .object([("x", .int(1))]))
    }

    @Test func mergeOfAScalarIsAnError() throws {
        let error = try #require(modelError { try loadYAML("s: &s text\nm:\n  <<: *s\n", file: "merge.yaml") })
        #expect(error.message.contains("merge key"))
    }

    // MARK: positions

    @Test func positionsPointAtKeysAndFallBackToAncestors() throws {
        let yaml = "spec:\n  services:\n  - name: a\n    port: 80\n  - name: b\n"
        let document = try #require(try loadYAML(yaml).first)
        // A mapping's own position is where its content starts (its first key).
        #expect((1...2).contains(document.position(of: "spec").line))
        #expect(document.position(of: "spec.services[1].name").line == 5)
        #expect(document.position(of: "spec.services[0].port").line == 4)
        #expect(document.position(of: "spec.services[0].missing").line == 3)
        let error = document.error(at: "spec.services[1].name", "bad")
        // A scalar field's position is its value's (line 5, column 11).
        #expect(error.description == "test.yaml:5:11: bad")
    }

    @Test func anAliasBombIsRefusedNotExpanded() throws {
        // Nine levels of ten aliases each: a billion nodes in under 600 bytes.
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 {
            lines.append(
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let text = lines.joined(separator: "\n") + "\n"
        #expect(text.utf8.count < 600)
        let error = try #require(throws: ModelError.self) { try YAMLLoader.load(Data(text.utf8), file: "bomb.yaml") }
        #expect(error.description.hasPrefix("bomb.yaml:"))
        #expect(error.description.contains("excessive aliasing"), "\(error)")
        // Ordinary anchors still work.
        let fine = try YAMLLoader.load(Data("base: &b {cpu: 1}\nuse: *b\n".utf8), file: "ok.yaml")
        #expect(fine.first?.value["use"]?["cpu"] == .int(1))
    }

    @Test func aLargeDocumentWithoutAliasesIsNotCalledAnAliasBomb() throws {
        // 140,000 plain keys: 280,001 nodes, past the small-document bound, yet one node per 6 bytes of text.
        var text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n"
        for index in 0..<140_000 { text += "  k\(index): v\n" }
        let documents = try YAMLLoader.load(Data(text.utf8), file: "big.yaml")
        #expect(documents.first?.value["data"]?["k139999"] == .string("v"))
        // The bound still holds for aliases: the same bytes cannot stand for more nodes than they have.
        #expect(YAMLLoader.expansionLimit(textBytes: text.utf8.count) == text.utf8.count)
        #expect(YAMLLoader.expansionLimit(textBytes: 600) == YAMLLoader.maxExpandedNodes)
    }
}
