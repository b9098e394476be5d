import Foundation
import Testing

@testable import AppModel

/// The YAML 1.1 scalar rule (go-yaml v2, as `kubectl apply` reads manifests), through the loader.
@Suite struct ScalarResolverTests {
    @Test(arguments: [
        ("yes", true), ("no", false), ("on", true), ("off", false), ("y", true), ("n", false),
        ("True", true), ("TRUE", true), ("Yes", true), ("NO", false), ("Off", false), ("false", false),
    ])
    func plainBooleanWordsAreBooleans(text: String, expected: Bool) throws {
        let value = try loadValue("key: \(text)\n")
        #expect(value["key"] == .bool(expected))
    }

    @Test(arguments: [
        ("0755", "493"), ("0x1F", "31"), ("1_000", "1000"), ("0b101", "5"), ("-12", "-12"), ("+7", "7"),
        ("0", "0"), ("1.10", "1.1"), ("1e3", "1000"), ("0.25", "0.25"),
        ("9007199254740993", "9007199254740993"),
        ("0x7FFFFFFFFFFFFFFF", "9223372036854775807"),
    ])
    func plainNumbersResolveToExactNumberText(text: String, expected: String) throws {
        let value = try loadValue("key: \(text)\n")
        #expect(value["key"] == .number(expected))
    }

    @Test(arguments: ["1:20", "1.2.3", "yEs", "v1", "10Gi", "500m", "2024-01-01x", ".inf", "-.inf", ".nan"])
    func otherPlainScalarsStayStrings(text: String) throws {
        let value = try loadValue("key: \(text)\n")
        #expect(value["key"] == .string(text))
    }

    @Test(arguments: [
        "key: \"yes\"\n", "key: 'yes'\n", "key: !!str yes\n",
    ])
    func quotedOrTaggedYesIsAString(yaml: String) throws {
        #expect(try loadValue(yaml)["key"] == .string("yes"))
    }

    @Test func quotedNumbersStayStrings() throws {
        let value = try loadValue("a: \"0755\"\nb: '1.10'\nc: \"9007199254740993\"\n")
        #expect(value["a"] == .string("0755"))
        #expect(value["b"] == .string("1.10"))
        #expect(value["c"] == .string("9007199254740993"))
    }

    @Test(arguments: ["key: ~\n", "key:\n", "key: null\n", "key: Null\n", "key: NULL\n"])
    func tildeEmptyAndNullAreNull(yaml: String) throws {
        #expect(try loadValue(yaml)["key"] == .null)
    }

    @Test func quotedEmptyStringIsAString() throws {
        #expect(try loadValue("key: \"\"\n")["key"] == .string(""))
    }

    @Test func bigIntegersStayExactInCanonicalJSON() throws {
        let value = try loadValue("big: 9007199254740993\nneg: -9007199254740993\nhex: 0xFFFFFFFFFFFFFFFFFF\n")
        #expect(
            value.canonicalJSON()
                == "{\"big\":9007199254740993,\"hex\":4722366482869645213695,\"neg\":-9007199254740993}")
        // And JSON input keeps it too.
        let json = try Value.parseJSON(Data("{\"n\": 9007199254740993}".utf8))
        #expect(json["n"] == .number("9007199254740993"))
        #expect(json.canonicalJSON() == "{\"n\":9007199254740993}")
    }

    @Test
    func plainKeysResolveByTheSameRule() throws {
        let value = try loadValue("on: push\n0755: x\n")
        #expect(value["true"] == .string("push"))
        #expect(value["493"] == .string("x"))
        let error = try #require(modelError { try loadYAML("yes: 1\ntrue: 2\n", file: "keys.yaml") })
        #expect(error.message.contains("duplicate key"))
    }

    @Test
    func goStylePrefixesAreIntegers() throws {
        let value = try loadValue("a: 0o17\nb: 0X1F\nc: 0B101\nd: 0O17\n")
        #expect(value["a"] == .int(15))
        #expect(value["b"] == .int(31))
        #expect(value["c"] == .int(5))
        #expect(value["d"] == .int(15))
    }

    @Test func changesTypeMatchesResolution() {
        for text in ["yes", "on", "0755", "1.10", "~", "", "null", "1_000", "0x1F"] {
            #expect(ScalarResolver.changesType(text), "\(text) should read as a non-string")
        }
        for text in ["hello", "1:20", "yEs", "v1.2", "apps/v1"] {
            #expect(!ScalarResolver.changesType(text), "\(text) should read as a string")
        }
    }
}
