import Foundation
import Testing

@testable import AppModel

/// A load through the parsed-app cache gives exactly the snapshot a fresh load gives, and parses only what changed.
@Suite struct ParsedAppCacheTests {
    /// Every field a decision or a report reads.
    static func expectSame(_ a: RepoSnapshot, _ b: RepoSnapshot, _ context: String) {
        #expect(a.apps == b.apps, "\(context): apps")
        #expect(a.invalidApps == b.invalidApps, "\(context): invalid apps")
        #expect(a.warnings == b.warnings, "\(context): warnings")
        #expect(a.repoErrors == b.repoErrors, "\(context): repo errors")
        #expect(a.policy == b.policy, "\(context): policy")
        #expect(a.clusters == b.clusters, "\(context): clusters")
        #expect(a.placements == b.placements, "\(context): placements")
        #expect(a.appDirectories == b.appDirectories, "\(context): app folders")
        #expect(a.inputsDigest == b.inputsDigest, "\(context): inputs digest")
        #expect(a.appKeys == b.appKeys, "\(context): app keys")
        #expect(a.policyDigest == b.policyDigest, "\(context): policy digest")
    }

    @Test func cachedLoadsEqualFreshLoadsAndParseOnlyWhatChanged() throws {
        let presets = try Fixtures.presets()
        var files = try Fixtures.exampleFiles()
        var cache = ParsedAppCache()
        var snapshot = RepoLoader.load(tree: RepoTree(files: files), presets: presets, cache: &cache)
        let appCount = snapshot.appDirectories.count
        #expect(cache.misses == appCount && cache.hits == 0)
        Self.expectSame(snapshot, RepoLoader.load(tree: RepoTree(files: files), presets: presets), "first load")

        // Nothing changed: every app reused.
        snapshot = RepoLoader.load(tree: RepoTree(files: files), presets: presets, cache: &cache)
        #expect(cache.misses == 0 && cache.hits == appCount)
        Self.expectSame(snapshot, RepoLoader.load(tree: RepoTree(files: files), presets: presets), "unchanged")

        // One app edited, one broken, one removed, a placement record added: those parsed again, the rest reused.
        let fleet = "apps/fleet-manager/app.yaml"
        files[fleet] = Data(
            String(decoding: files[fleet] ?? Data(), as: UTF8.self).replacingOccurrences(
                of: "cpu: \"1.5\"", with: "cpu: \"2\""
            ).utf8)
        files["apps/digital-twin/app.yaml"] = Data("kind: [\n".utf8)
        for path in files.keys where path.hasPrefix("apps/mqtt-broker/") { files[path] = nil }
        let record = PlacementRecord(
            app: "fleet-manager", cluster: "factory-dc", qosClass: .silver, decisionID: "0123456789abcdef",
            reasons: ["test"], candidates: [], rejected: [])
        files["placements/fleet-manager.yaml"] = Data(try YAMLRenderer.render(record.toValue()).utf8)
        snapshot = RepoLoader.load(tree: RepoTree(files: files), presets: presets, cache: &cache)
        #expect(cache.misses == 3, "fleet-manager, digital-twin and the placement record")
        #expect(cache.hits == appCount - 3)
        #expect(snapshot.invalidApps["digital-twin"] != nil)
        #expect(snapshot.placements["fleet-manager"]?.cluster == "factory-dc")
        Self.expectSame(snapshot, RepoLoader.load(tree: RepoTree(files: files), presets: presets), "after edits")
        #expect(cache.appCount == appCount - 1, "the removed app's entry is dropped")

        // The broken app reused as broken: the same errors without a parse.
        snapshot = RepoLoader.load(tree: RepoTree(files: files), presets: presets, cache: &cache)
        #expect(cache.misses == 0)
        Self.expectSame(snapshot, RepoLoader.load(tree: RepoTree(files: files), presets: presets), "broken reused")
    }

    @Test func anAppKeyFollowsItsFilesNotItsNeighbours() throws {
        let presets = try Fixtures.presets()
        var files = try Fixtures.exampleFiles()
        let before = RepoLoader.load(files: files, presets: presets).appKeys
        files["apps/fleet-manager/extra.yaml"] = Data("# a comment only\n".utf8)
        let after = RepoLoader.load(files: files, presets: presets).appKeys
        #expect(before["fleet-manager"] != after["fleet-manager"])
        #expect(before.filter { $0.key != "fleet-manager" } == after.filter { $0.key != "fleet-manager" })
    }
}
