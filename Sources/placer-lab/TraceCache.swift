import Foundation
import PDLC
import PlacerCLI

/// The public-trace CSVs that `scripts/fetch-forecast-traces.py` caches in `bench/traces/cache` (git-ignored),
/// read for `bench forecast` and `bench federated`.
enum TraceCache {
    /// Every `*.csv` in `folder` (default: the source tree's `bench/traces/cache`), in file-name order.
    /// - Returns: each file's name and its parsed trace.
    /// - Throws: ``CommandFailure`` when the folder cannot be found, holds no CSV, or a file is malformed
    ///   (the message names the file and line, from `ForecastTrace.FormatError`).
    static func load(folder: String?) throws -> [(file: String, trace: ForecastTrace)] {
        guard
            let folder = folder
                ?? SourceTree.locate().map({ $0.root.appendingPathComponent("bench/traces/cache").path })
        else { throw CommandFailure("cannot find bench/traces/cache; pass --traces") }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".csv") }.sorted()
        guard !files.isEmpty else {
            throw CommandFailure(
                "no trace CSVs in \(folder); run scripts/fetch-forecast-traces.py --out \(folder) first")
        }
        return try files.map { file in
            do {
                let path = URL(fileURLWithPath: folder).appendingPathComponent(file).path
                return (file, try ForecastTrace.load(path: path))
            } catch let error as ForecastTrace.FormatError {
                throw CommandFailure(error.description)
            }
        }
    }
}
