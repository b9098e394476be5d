import Foundation

/// Parses Kubernetes resource quantities and CODECO's unit-bearing strings into plain numbers.
///
/// Source: Kubernetes `resource.Quantity` (apimachinery): decimal SI suffixes `m k M G T P E`, binary suffixes
/// `Ki Mi Gi Ti Pi Ei`, and decimal exponents (`1e3`).
public enum Quantity {
    static let binary: [String: Double] = [
        "Ki": 1024, "Mi": 1_048_576, "Gi": 1_073_741_824, "Ti": 1_099_511_627_776,
        "Pi": 1_125_899_906_842_624, "Ei": 1_152_921_504_606_846_976,
    ]
    static let decimal: [String: Double] = [
        "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    ]

    /// The quantity in base units (cores for cpu, bytes for memory, bits per second for bandwidth).
    /// - Returns: `nil` when `text` is not a quantity.
    public static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        for (suffix, factor) in binary where trimmed.hasSuffix(suffix) {
            return Double(trimmed.dropLast(suffix.count)).map { $0 * factor }
        }
        if let plain = Double(trimmed), !trimmed.hasSuffix("E") { return plain }
        let suffix = String(trimmed.last!)
        if let factor = decimal[suffix], let number = Double(trimmed.dropLast()) { return number * factor }
        return nil
    }

    /// A `Value` holding a quantity (`"500m"`, `2`, `"4Gi"`) in base units.
    public static func parse(_ value: Value) -> Double? {
        value.scalarText.flatMap(parse)
    }

    /// Parses a delay given in seconds (`"10e-3"`, `"1"`) or as a duration (`"10s"`, `"5ms"`, `"1m"`), in milliseconds.
    public static func delayMilliseconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [
            ("ms", 1), ("us", 1e-3), ("µs", 1e-3), ("ns", 1e-6), ("s", 1000), ("m", 60_000), ("h", 3_600_000),
        ]
        for (unit, factor) in units where trimmed.hasSuffix(unit) {
            if let number = Double(trimmed.dropLast(unit.count)) { return number * factor }
        }
        return Double(trimmed).map { $0 * 1000 }
    }
}
