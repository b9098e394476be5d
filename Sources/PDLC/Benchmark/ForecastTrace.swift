import Foundation

/// Utilisation series of one public trace for `placer-lab bench forecast`, as `scripts/fetch-forecast-traces.py`
/// writes them: `#` comment lines, a header `offset_seconds,<series>,…` (for example `cpu,memory`), then one row
/// per evenly spaced step with the offset in seconds and each series' utilisation of capacity (0…1).
public struct ForecastTrace: Sendable, Hashable {
    /// The trace's name (the file name without extension, `google2019`).
    public var name: String
    /// Spacing of the samples, in seconds.
    public var stepSeconds: Double
    /// Series names from the header (`cpu`, `memory`), and each series' samples, oldest first.
    public var seriesNames: [String]
    public var values: [[Double]]

    public init(name: String, stepSeconds: Double, seriesNames: [String], values: [[Double]]) {
        self.name = name
        self.stepSeconds = stepSeconds
        self.seriesNames = seriesNames
        self.values = values
    }

    /// A bad trace file: which file, which line (1-based), what is wrong.
    public struct FormatError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// Parses trace text.
    /// - Throws: ``FormatError`` for a missing header, a row of the wrong width, a non-number, uneven offsets or
    ///   fewer than two rows.
    public static func parse(_ text: String, name: String, file: String) throws -> ForecastTrace {
        var header: [String]?
        var offsets: [Double] = []
        var columns: [[Double]] = []
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let names = header else {
                guard fields.count >= 2, fields[0] == "offset_seconds" else {
                    throw FormatError(
                        file: file, line: lineNumber, message: "expected header offset_seconds,<series>,…")
                }
                header = Array(fields.dropFirst())
                columns = Array(repeating: [], count: fields.count - 1)
                continue
            }
            guard fields.count == names.count + 1 else {
                throw FormatError(
                    file: file, line: lineNumber, message: "expected \(names.count + 1) fields, found \(fields.count)")
            }
            let numbers = fields.compactMap { Double($0) }.filter(\.isFinite)
            guard numbers.count == fields.count else {
                throw FormatError(file: file, line: lineNumber, message: "not a number in \"\(line)\"")
            }
            if offsets.count >= 2 {
                let step = offsets[1] - offsets[0]
                guard abs(numbers[0] - offsets[offsets.count - 1] - step) <= 1e-6 else {
                    throw FormatError(file: file, line: lineNumber, message: "offsets must rise by \(step) s")
                }
            }
            offsets.append(numbers[0])
            for c in 0..<names.count { columns[c].append(numbers[c + 1]) }
        }
        guard let names = header, offsets.count >= 2, offsets[1] > offsets[0] else {
            throw FormatError(file: file, line: max(1, lineNumber), message: "needs a header and two rising rows")
        }
        return ForecastTrace(name: name, stepSeconds: offsets[1] - offsets[0], seriesNames: names, values: columns)
    }

    /// Reads a trace file; the trace is named after the file.
    /// - Throws: ``FormatError``; `CocoaError` when the file cannot be read.
    public static func load(path: String) throws -> ForecastTrace {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, name: name, file: path)
    }
}
