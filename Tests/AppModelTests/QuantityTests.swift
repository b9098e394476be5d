import Foundation
import Testing

@testable import AppModel

@Suite struct QuantityTests {
    @Test(arguments: [
        ("500m", 0.5), ("2", 2.0), ("1.5", 1.5), ("250m", 0.25), ("4Gi", 4_294_967_296.0), ("512Mi", 536_870_912.0),
        ("1Ki", 1024.0), ("1G", 1e9), ("5M", 5e6), ("500k", 5e5), ("1e3", 1000.0), ("100n", 1e-7), (" 2 ", 2.0),
    ])
    func quantitiesParseToBaseUnits(text: String, expected: Double) throws {
        let parsed = try #require(Quantity.parse(text))
        #expect(abs(parsed - expected) <= abs(expected) * 1e-12)
    }

    @Test(arguments: ["", "abc", "4GB", "Gi", "1.2.3"])
    func nonQuantitiesAreNil(text: String) {
        #expect(Quantity.parse(text) == nil)
    }

    @Test func numberValuesAreQuantitiesToo() {
        #expect(Quantity.parse(Value.number("2")) == 2)
        #expect(Quantity.parse(Value.string("750m")) == 0.75)
        #expect(Quantity.parse(Value.null) == nil)
    }

    @Test(arguments: [
        ("10e-3", 10.0), ("10s", 10_000.0), ("1", 1000.0), ("5ms", 5.0), ("250us", 0.25), ("1m", 60_000.0),
        ("1h", 3_600_000.0), ("0.5", 500.0),
    ])
    func delaysAreMilliseconds(text: String, expected: Double) throws {
        let parsed = try #require(Quantity.delayMilliseconds(text))
        #expect(abs(parsed - expected) < 1e-9)
    }

    @Test func unreadableDelayIsNil() {
        #expect(Quantity.delayMilliseconds("soon") == nil)
    }
}
