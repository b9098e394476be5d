import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Reconciler
import Testing

/// Issue 16, items 3, 4 and 6 end to end: the same tree, pushed to the `git daemon` repo and reconciled against the
/// EdgeSim hub, and checked out on disk and given to the real `placer validate`, gets the same verdict per app.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct ValidateMatchesReconcileTests {
    typealias Clone = RepositoryShapeTests.Clone

    static func validate(_ clone: Clone) async throws -> (status: Int32, output: String) {
        try await runProgram(
            placerBinary,
            [
                "validate", clone.path, "--presets-dir", packageRoot.appendingPathComponent("policies").path,
            ])
    }

    /// App → the outcome word `placer validate` prints for it (`place`, `Invalid`, `prune`).
    static func outcomes(in output: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("  ") {
            let parts = line.dropFirst(2).split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            result[String(parts[0])] = parts[1].split(separator: " ").first.map {
                String($0.trimmingCharacters(in: .punctuationCharacters))
            }
        }
        return result
    }

    @Test func validateReportsWhatAReconcileDoesWithSymlinksLFSAndSubmodules() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let clone = try await Clone(factory)
            _ = try await clone.git(["mv", "apps/mqtt-broker/app.yaml", "shared-broker.yaml"])
            try clone.symlink("apps/mqtt-broker/app.yaml", to: "../../shared-broker.yaml")
            try clone.write(
                "apps/batch-analytics/app.yaml",
                """
                version https://git-lfs.github.com/spec/v1
                oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393
                size 12345

                """)
            _ = try await clone.git(["add", "-A"])
            let head = try await clone.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await clone.git([
                "update-index", "--add", "--cacheinfo", "160000,\(head),apps/vision-inference/models",
            ])
            try clone.write(
                ".gitmodules",
                "[submodule \"models\"]\n\tpath = apps/vision-inference/models\n\turl = https://example.com/models.git\n"
            )
            _ = try await clone.git(["add", ".gitmodules"])
            try await clone.commitAndPush("broker shared, analytics in LFS, models as a submodule", addAll: false)
            // The clone's work tree now holds what was committed: the symlink, the pointer, the submodule's folder.
            try FileManager.default.createDirectory(
                atPath: clone.path + "/apps/vision-inference/models", withIntermediateDirectories: true)

            let report = try await placer.reconcileOnce()
            let reconciled = Set(report.apps.filter { $0.phase == .invalid }.map(\.app))
            #expect(reconciled == ["batch-analytics", "vision-inference"])

            let (status, output) = try await Self.validate(clone)
            #expect(status == 1, "\(output)")
            let outcomes = Self.outcomes(in: output)
            #expect(Set(outcomes.filter { $0.value == "Invalid" }.keys) == reconciled, "\(output)")
            #expect(outcomes["mqtt-broker"] == "place", "\(output)")
            #expect(outcomes.count == EndToEndTests.apps.count, "\(output)")
            #expect(output.contains("apps/batch-analytics/app.yaml is a Git LFS pointer"), "\(output)")
            #expect(!output.contains("has no apiVersion"), "\(output)")
            #expect(output.contains("apps/vision-inference/models is a Git submodule"), "\(output)")
            #expect(output.contains("7 apps valid, 2 invalid"), "\(output)")
            // Both keep the placement a reconcile keeps for them.
            for app in reconciled {
                let cluster = try #require(report.apps.first { $0.app == app }?.cluster)
                #expect(output.contains("  \(app): Invalid, keeps its placement on \(cluster)"), "\(output)")
            }
        }
    }

    @Test func aSubmoduleOutsideTheInputsIsANoteAndOnlyItsAppIsInvalid() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let works = await factory.works()
            let clone = try await Clone(factory)
            let head = try await clone.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await clone.git(["update-index", "--add", "--cacheinfo", "160000,\(head),docs/theme"])
            _ = try await clone.git([
                "update-index", "--add", "--cacheinfo", "160000,\(head),apps/vision-inference/models",
            ])
            try await clone.commitAndPush("docs theme and models as submodules", addAll: false)

            let report = try await placer.reconcileOnce()
            #expect(report.errors.allSatisfy { !$0.contains("docs/theme") }, "\(report.errors)")
            let invalid = report.apps.filter { $0.phase == .invalid }
            #expect(invalid.map(\.app) == ["vision-inference"], "\(report.apps)")
            #expect(report.apps.count == EndToEndTests.apps.count)
            #expect(await factory.works() == works, "nothing pruned, nothing moved")
        }
    }

    @Test func aBooleanInAConfigMapMakesOnlyItsAppInvalidAndValidateSaysWhere() async throws {
        try await withFactory { factory in
            let settings = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: shop-settings
                data:
                  currency: NOK
                  country: "NO"

                """
            try factory.humanPush(["apps/shop/settings.yaml": Data(settings.utf8)], message: "shop settings")
            let placer = try factory.reconciler()
            let first = try await placer.reconcileOnce()
            let placed = try #require(first.apps.first { $0.app == "shop" }?.cluster)
            let works = await factory.works()

            try factory.humanEdit("apps/shop/settings.yaml", message: "unquote the country") {
                $0.replacingOccurrences(of: "country: \"NO\"", with: "country: NO")
            }
            let report = try await placer.reconcileOnce()
            let shop = try #require(report.apps.first { $0.app == "shop" })
            #expect(shop.phase == .invalid)
            #expect(
                shop.reason.contains(
                    "apps/shop/settings.yaml:7:12: data.country: value resolves to a boolean; quote it"),
                "\(shop.reason)")
            #expect(shop.cluster == placed, "keeps its last placement")
            #expect(report.apps.filter { $0.phase == .invalid }.count == 1)
            #expect(await factory.works() == works)

            let clone = try await Clone(factory)
            let (status, output) = try await Self.validate(clone)
            #expect(status == 1, "\(output)")
            #expect(
                output.contains("apps/shop/settings.yaml:7:12: data.country: value resolves to a boolean; quote it"),
                "\(output)")
            #expect(output.contains("  shop: Invalid, keeps its placement on \(placed)"), "\(output)")
        }
    }
}
