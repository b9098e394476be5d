import ArgumentParser

/// A duration argument: `30s`, `2m`, `500ms`, `1h` or plain seconds; always positive.
public struct IntervalArgument: ExpressibleByArgument, Sendable, Equatable {
    /// The duration in seconds (> 0).
    public var seconds: Double

    /// Parses `argument`; nil for an unknown unit, a number that does not parse, or a value ≤ 0.
    public init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (unit, factor) in units where argument.hasSuffix(unit) {
            guard let number = Double(argument.dropLast(unit.count)), number > 0 else { return nil }
            seconds = number * factor
            return
        }
        guard let number = Double(argument), number > 0 else { return nil }
        seconds = number
    }

    /// - Parameter seconds: the duration in seconds.
    public init(seconds: Double) { self.seconds = seconds }

    public var defaultValueDescription: String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
