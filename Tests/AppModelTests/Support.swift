import Foundation
import Testing

@testable import AppModel

/// Paths of the package's fixtures, found from this file's location.
enum Fixtures {
    /// The package root (`Tests/AppModelTests/Support.swift` → three levels up).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var exampleRepo: URL { packageRoot.appendingPathComponent("example-repo") }

    /// CODECO's published CAM samples (shared reference, beside the package).
    static var camSamples: URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/reference/codeco/samples")
    }

    /// Placer's shipped presets (`policies/<name>.yaml`), keyed by name.
    static func presets() throws -> [String: Data] {
        let folder = packageRoot.appendingPathComponent("policies")
        var presets: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
            presets[String(name.dropLast(5))] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return presets
    }

    /// The example app repo as the loader takes it.
    static func exampleFiles() throws -> [String: Data] {
        try RepoFiles.read(directory: exampleRepo.path)
    }
}

/// Loads YAML text with the strict loader.
func loadYAML(_ text: String, file: String = "test.yaml") throws -> [YAMLDocument] {
    try YAMLLoader.load(Data(text.utf8), file: file)
}

/// Loads YAML text that must hold exactly one document and returns its value.
func loadValue(_ text: String, file: String = "test.yaml") throws -> Value {
    let documents = try loadYAML(text, file: file)
    try #require(documents.count == 1, "expected one document, got \(documents.count)")
    return documents[0].value
}

/// The ``ModelError`` a throwing call raises, or `nil` (recorded as a test issue) when it does not throw one.
func modelError<T>(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T
) -> ModelError? {
    do {
        _ = try body()
        Issue.record("expected a ModelError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as ModelError {
        return error
    } catch {
        Issue.record("expected a ModelError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The 1-based line of the `occurrence`-th line of `text` that contains `needle` (for pinning error positions).
func lineOf(_ needle: String, in text: String, occurrence: Int = 1) -> Int? {
    var seen = 0
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where line.contains(needle) {
        seen += 1
        if seen == occurrence { return index + 1 }
    }
    return nil
}

let gibibyte = 1_073_741_824.0
let mebibyte = 1_048_576.0
