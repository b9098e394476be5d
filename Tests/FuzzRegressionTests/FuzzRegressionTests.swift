import AppModel
import Foundation
import Testing

@testable import FuzzTargets

/// Replays every input kept in `fuzz/regressions/<target>/` (inputs that once crashed, hung or broke an
/// invariant under libFuzzer, plus hand-written edge cases) through the same checks the fuzzer runs.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz/regressions")

    static func inputs(_ target: FuzzTarget) throws -> [URL] {
        let folder = root.appendingPathComponent(target.rawValue)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTarget.allCases)
    func regressionInputsHoldTheInvariants(_ target: FuzzTarget) throws {
        let files = try Self.inputs(target)
        #expect(!files.isEmpty, "fuzz/regressions/\(target.rawValue) holds no input")
        for file in files {
            let violation = target.check(try Data(contentsOf: file))
            #expect(violation == nil, "\(target.rawValue) \(file.lastPathComponent): \(violation ?? "")")
        }
    }

    /// The checks can fail: an error without a line or naming another file is a violation; a located one is not.
    @Test func theChecksSeeAViolation() {
        #expect(FuzzTarget.located(ModelError(file: "apps/fuzz/app.yaml", line: 0, message: "x")) != nil)
        #expect(FuzzTarget.located(ModelError(file: "other.yaml", line: 3, message: "x")) != nil)
        #expect(FuzzTarget.located(ModelError(file: "apps/fuzz/app.yaml", line: 3, message: "x")) == nil)
        // Syntax errors are located errors, not violations.
        #expect(FuzzTarget.yaml.check(Data("a: [1, 2".utf8)) == nil)
        #expect(FuzzTarget.webhook.check(Data("{}".utf8)) == nil)
        #expect(FuzzTarget.kubeconfig.check(Data("a: [1, 2".utf8)) == nil)
    }
}
