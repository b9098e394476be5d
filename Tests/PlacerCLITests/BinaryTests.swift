import Foundation
import PlacerTestSupport
import Testing

/// The package root (`Tests/PlacerCLITests/BinaryTests.swift` → three levels up).
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The binaries `scripts/test.sh` builds before the tests.
let placerBinary = packageRoot.appendingPathComponent(".build/debug/placer").path

/// What the built `placer` binary carries: the shipped presets (wherever it is installed), and no harness code.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct BinaryTests {
    @Test func validateKnowsTheShippedPresetsWhenTheBinaryIsCopiedAndRunFromRoot() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("placer").path
        try FileManager.default.copyItem(atPath: placerBinary, toPath: copy)
        var environment = ProcessInfo.processInfo.environment
        environment["PLACER_HOME"] = nil
        let example = packageRoot.appendingPathComponent("example-repo").path
        let result = try await runProgram(copy, ["validate", example], environment: environment, directory: "/")
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("unknown preset"), "\(result.output)")
        #expect(result.output.contains("0 errors"), "\(result.output)")
    }

    @Test func aPresetsDirReplacesTheShippedPresets() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "placer-presets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let example = packageRoot.appendingPathComponent("example-repo").path
        // Only a renamed copy of "latency-first": the example repo's "balanced" is then unknown.
        try FileManager.default.copyItem(
            atPath: packageRoot.appendingPathComponent("policies/latency-first.yaml").path,
            toPath: folder.appendingPathComponent("only.yaml").path)
        let result = try await runProgram(
            placerBinary, ["validate", example, "--presets-dir", folder.path], directory: "/")
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("unknown preset \"balanced\" (shipped: only)"), "\(result.output)")
        let empty = try await runProgram(
            placerBinary, ["validate", example, "--presets-dir", folder.appendingPathComponent("none").path])
        #expect(empty.status == 1)
        #expect(empty.output.contains("no preset files"), "\(empty.output)")
    }

    @Test func privacyPrintsEpsilonAndTheNoiseATargetNeeds() async throws {
        // dp-accounting 0.6.0 gives ε = 2.10137 (order 7.8) for q = 0.01, z = 1, T = 1000, δ = 1e-5, and z = 1.02229
        // for ε = 2 (scripts/dp-oracle.py); LearningTests compares the whole grid.
        let json = try await runProgram(
            placerBinary,
            [
                "privacy", "--sampling-rate", "0.01", "--noise-multiplier", "1", "--rounds", "1000",
                "--target-epsilon", "2", "-o", "json",
            ])
        #expect(json.status == 0, "\(json.output)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        let epsilon = try #require(report["epsilon"] as? Double)
        let needed = try #require(report["requiredNoiseMultiplier"] as? Double)
        #expect(abs(epsilon - 2.101_366_5) / 2.101_366_5 < 0.01, "\(epsilon)")
        #expect(report["order"] as? Double == 7.8)
        #expect(abs(needed - 1.022_289_8) / 1.022_289_8 < 0.01, "\(needed)")
        let text = try await runProgram(
            placerBinary, ["privacy", "--sampling-rate", "1", "--noise-multiplier", "0", "--rounds", "1"])
        #expect(text.status == 0 && text.output.contains("ε = ∞"), "\(text.output)")
        let bad = try await runProgram(
            placerBinary, ["privacy", "--sampling-rate", "1.5", "--noise-multiplier", "1", "--rounds", "1"])
        #expect(bad.status != 0 && bad.output.contains("--sampling-rate must be in 0…1"), "\(bad.output)")
    }

    @Test func placerLinksNoEdgeSimCode() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/nm") else { return }
        let result = try await runProgram("/usr/bin/nm", [placerBinary])
        #expect(result.status == 0)
        let symbols = result.output.split(separator: "\n")
        #expect(symbols.count > 1000, "nm printed too little to prove anything")
        let harness = symbols.filter { $0.lowercased().contains("edgesim") }
        #expect(harness.isEmpty, "\(harness.prefix(5))")
    }
}
