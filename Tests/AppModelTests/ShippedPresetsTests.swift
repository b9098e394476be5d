import AppModel
import Foundation
import Testing

/// The presets compiled into the binaries are exactly `policies/*.yaml`: edit a preset, then run
/// `scripts/generate-presets.py`, or this fails.
@Suite struct ShippedPresetsTests {
    @Test func compiledPresetsAreByteIdenticalToThePoliciesFolder() throws {
        let files = try Fixtures.presets()
        #expect(!files.isEmpty)
        #expect(
            ShippedPresets.all.keys.sorted() == files.keys.sorted(),
            "policies/ and ShippedPresets name different presets: run scripts/generate-presets.py")
        for (name, bytes) in files {
            #expect(
                ShippedPresets.all[name] == bytes,
                "ShippedPresets[\"\(name)\"] differs from policies/\(name).yaml: run scripts/generate-presets.py")
        }
    }

    @Test func theExampleRepoLoadsWithTheCompiledPresets() throws {
        let snapshot = RepoLoader.load(files: try Fixtures.exampleFiles(), presets: ShippedPresets.all)
        #expect(snapshot.repoErrors.isEmpty, "\(snapshot.repoErrors)")
        #expect(snapshot.allErrors.isEmpty, "\(snapshot.allErrors)")
    }
}
