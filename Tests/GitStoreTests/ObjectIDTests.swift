import GitStore
import Testing

@Suite struct ObjectIDTests {
    @Test func parsesFortyHexDigitsAndNormalisesCase() throws {
        let id = try #require(ObjectID(hex: "ABCDEF0123456789abcdef0123456789ABCDEF01"))
        #expect(id.hex == "abcdef0123456789abcdef0123456789abcdef01")
        #expect(id.description == id.hex)
        #expect(ObjectID(hex: "abcdef0123456789abcdef0123456789abcdef01") == id)
    }

    @Test(arguments: ["", "abc", "g" + String(repeating: "0", count: 39), String(repeating: "0", count: 41)])
    func rejectsMalformedHex(_ text: String) {
        #expect(ObjectID(hex: text) == nil)
    }
}
