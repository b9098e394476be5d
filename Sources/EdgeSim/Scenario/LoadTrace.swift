import Foundation

/// Shapes of real load over time, read from a public data-centre trace (`bench/traces/*.csv`, made by
/// `scripts/fetch-trace.py`), used to modulate simulated demand.
///
/// File format: `#` comment lines, a header `offset_seconds,<series>,…`, then one row per step with the offset
/// in seconds and one value per series. Each series is divided by its own mean, so a value of 1.2 means "20 %
/// above this series' daily mean"; the trace's units (percent, cores) do not matter.
public struct LoadTrace: Sendable, Hashable {
    /// Trace name, for output (the file name without extension).
    public var name: String
    /// Spacing of the samples, in seconds.
    public var stepSeconds: Double
    /// Series names from the header.
    public var seriesNames: [String]
    /// Each series normalised to mean 1, oldest first.
    public var series: [[Double]]

    /// - Parameters:
    ///   - series: raw samples per series; each must have a positive mean.
    public init(name: String, stepSeconds: Double, seriesNames: [String], series: [[Double]]) {
        self.name = name
        self.stepSeconds = stepSeconds
        self.seriesNames = seriesNames
        self.series = series.map { values in
            let mean = values.isEmpty ? 1 : values.reduce(0, +) / Double(values.count)
            return values.map { mean > 0 ? $0 / mean : 1 }
        }
    }

    /// A trace with no variation (every factor 1), for tests that need exact demand.
    public static let flat = LoadTrace(name: "flat", stepSeconds: 300, seriesNames: ["flat"], series: [[1]])

    /// Reads a trace file.
    /// - Throws: ``ScenarioError/badTrace(file:line:message:)`` for a missing header, a row of the wrong width,
    ///   a non-number, uneven offsets, or fewer than two rows; `CocoaError` when the file cannot be read.
    public static func load(path: String) throws -> LoadTrace {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, name: name, file: path)
    }

    /// Parses trace text (see the type's format).
    /// - Throws: ``ScenarioError/badTrace(file:line:message:)``.
    public static func parse(_ text: String, name: String, file: String = "trace") throws -> LoadTrace {
        var header: [String]?
        var offsets: [Double] = []
        var columns: [[Double]] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let names = header else {
                guard fields.count >= 2, fields[0] == "offset_seconds" else {
                    throw ScenarioError.badTrace(
                        file: file, line: index + 1, message: "expected header offset_seconds,<series>,…")
                }
                header = Array(fields.dropFirst())
                columns = Array(repeating: [], count: fields.count - 1)
                continue
            }
            guard fields.count == names.count + 1 else {
                throw ScenarioError.badTrace(
                    file: file, line: index + 1, message: "expected \(names.count + 1) fields, found \(fields.count)")
            }
            let numbers = fields.map { Double($0) }
            guard numbers.allSatisfy({ $0?.isFinite == true }) else {
                throw ScenarioError.badTrace(file: file, line: index + 1, message: "not a number in \"\(line)\"")
            }
            offsets.append(numbers[0] ?? 0)
            for column in 0..<names.count { columns[column].append(numbers[column + 1] ?? 0) }
        }
        guard let names = header, offsets.count >= 2 else {
            throw ScenarioError.badTrace(file: file, line: 1, message: "needs a header and at least two rows")
        }
        let step = offsets[1] - offsets[0]
        for (row, offset) in offsets.enumerated()
        where abs(offset - offsets[0] - Double(row) * step) > 1e-6 || step <= 0 {
            throw ScenarioError.badTrace(
                file: file, line: row + 1, message: "offsets must rise by a constant step (\(step) s)")
        }
        return LoadTrace(name: name, stepSeconds: step, seriesNames: names, series: columns)
    }

    /// The factor of series `index` (taken modulo the series count) at `seconds` from the trace's start,
    /// linearly interpolated between samples and wrapping around the end.
    public func factor(series index: Int, atSeconds seconds: Double) -> Double {
        guard !series.isEmpty else { return 1 }
        let values = series[((index % series.count) + series.count) % series.count]
        guard values.count > 1 else { return values.first ?? 1 }
        let length = Double(values.count)
        var position = (seconds / stepSeconds).truncatingRemainder(dividingBy: length)
        if position < 0 { position += length }
        let lower = Int(position)
        let upper = (lower + 1) % values.count
        let weight = position - Double(lower)
        return values[lower] * (1 - weight) + values[upper] * weight
    }
}
