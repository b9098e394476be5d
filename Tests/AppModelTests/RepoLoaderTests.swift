import Foundation
import Testing

@testable import AppModel

@Suite struct RepoLoaderTests {
    static let exampleApps = [
        "agv-controller-hall-1", "agv-controller-hall-2", "agv-controller-hall-3", "batch-analytics", "digital-twin",
        "fleet-manager", "mqtt-broker", "quality-dashboard", "vision-inference",
    ]

    @Test func exampleRepoLoadsCompletely() throws {
        let snapshot = RepoLoader.load(files: try Fixtures.exampleFiles(), presets: try Fixtures.presets())
        #expect(snapshot.apps.map(\.name) == Self.exampleApps)
        #expect(snapshot.invalidApps.isEmpty, "\(snapshot.invalidApps)")
        #expect(snapshot.repoErrors.isEmpty, "\(snapshot.repoErrors)")
        #expect(snapshot.allErrors.isEmpty)
        #expect(
            snapshot.clusters.map(\.name) == [
                "factory-dc", "hall-1-edge", "hall-2-edge", "hall-3-edge", "regional-cloud",
            ])
        #expect(snapshot.appDirectories == Self.exampleApps)
        #expect(snapshot.placements.isEmpty)
        #expect(snapshot.warnings.allSatisfy { $0.severity == .warning })
        // batch-analytics states no user zones: warned, not refused.
        #expect(
            snapshot.warnings.contains {
                $0.file == "apps/batch-analytics/app.yaml" && $0.message.contains("user-zones")
            })
    }

    @Test func exampleAppsHaveTheirRequests() throws {
        let snapshot = RepoLoader.load(files: try Fixtures.exampleFiles(), presets: try Fixtures.presets())
        let apps = Dictionary(uniqueKeysWithValues: snapshot.apps.map { ($0.name, $0) })
        let agv = try #require(apps["agv-controller-hall-1"])
        #expect(agv.cpuCores == 1.0)
        #expect(agv.memoryBytes == 1.25 * gibibyte)
        #expect(agv.latencyBudgetMilliseconds == 5)
        #expect(agv.userZones == ["hall-1"])
        #expect(agv.qosClass == .gold)
        #expect(agv.energyLimitPercent == 30)
        let fleetChannel = try #require(agv.peerChannels.first)
        #expect(fleetChannel.app == "fleet-manager")
        #expect(abs((fleetChannel.maxDelayMilliseconds ?? 0) - 20) < 1e-9)
        #expect(agv.peerChannels.count == 1)
        #expect(apps["vision-inference"]?.cpuCores == 6.5)
        #expect(apps["batch-analytics"]?.energyLimitPercent == 20)
        #expect(apps["batch-analytics"]?.performanceProfile == "Greenness")
        // Plain manifests: 2 replicas × 250m, hints from annotations.
        let dashboard = try #require(apps["quality-dashboard"])
        #expect(dashboard.qosClass == .silver)
        #expect(dashboard.cpuCores == 0.5)
        #expect(dashboard.memoryBytes == 1 * gibibyte)
        #expect(dashboard.latencyBudgetMilliseconds == 30)
        #expect(dashboard.userZones == ["hall-1"])
        // Apply order by kind (kustomize's), never by file name: the Namespace before what lives in it.
        #expect(dashboard.manifests.compactMap { $0["kind"]?.stringValue } == ["Namespace", "Service", "Deployment"])
    }

    @Test func renamingSplittingOrCommentingAnAppsFilesKeepsItsDigestAndManifests() throws {
        let files = try Fixtures.exampleFiles()
        let before = try #require(RepoLoader.load(files: files).apps.first { $0.name == "quality-dashboard" })
        var renamed = files
        let deployment = try #require(files["apps/quality-dashboard/deployment.yaml"])
        let namespace = try #require(files["apps/quality-dashboard/namespace.yaml"])
        renamed["apps/quality-dashboard/deployment.yaml"] = nil
        renamed["apps/quality-dashboard/namespace.yaml"] = nil
        // One file instead of two, the other way round, under a new name, with a comment.
        renamed["apps/quality-dashboard/all.yaml"] =
            Data("# everything in one file\n".utf8) + deployment + Data("\n---\n".utf8) + namespace
        let after = try #require(RepoLoader.load(files: renamed).apps.first { $0.name == "quality-dashboard" })
        #expect(after.sourceDigest == before.sourceDigest)
        #expect(after.manifests == before.manifests)

        var edited = files
        edited["apps/quality-dashboard/namespace.yaml"] = Data(
            String(decoding: namespace, as: UTF8.self)
                .replacingOccurrences(of: "name: ", with: "name: x-").utf8)
        let changed = try #require(RepoLoader.load(files: edited).apps.first { $0.name == "quality-dashboard" })
        #expect(changed.sourceDigest != before.sourceDigest)
    }

    @Test func policyIsThePresetWithTheRepoOverride() throws {
        let snapshot = RepoLoader.load(files: try Fixtures.exampleFiles(), presets: try Fixtures.presets())
        let policy = snapshot.policy
        // The preset's Gold weights with the repo's one override (latencyMargin 5 → 6); Silver as shipped.
        #expect(
            policy.weights[.gold] == [
                "latencyMargin": 6, "headroom": 2, "energy": 1, "qosFit": 3, "balance": 1, "reliability": 2,
                "migration": 1,
                "taintToleration": 1, "channelAffinity": 2,
            ])
        #expect(
            policy.weights[.silver] == [
                "latencyMargin": 3, "headroom": 3, "energy": 2, "qosFit": 3, "balance": 2, "reliability": 1,
                "migration": 1,
                "taintToleration": 1, "channelAffinity": 2,
            ])
        #expect(policy.profileWeights["Greenness"]?["energy"] == 8)
        #expect(policy.reservePercent == 10)
        #expect(policy.minScoreGain == 5)
        #expect(policy.topCandidates == 3)
        #expect(policy.sources == ["preset:balanced", "policies/default.yaml"])
        // A Greenness app takes the profile's weights, others their class's.
        let batch = try #require(snapshot.apps.first { $0.name == "batch-analytics" })
        #expect(policy.weights(for: batch)["energy"] == 8)
        let agv = try #require(snapshot.apps.first { $0.name == "agv-controller-hall-1" })
        #expect(policy.weights(for: agv)["latencyMargin"] == 6)
    }

    @Test func unknownPresetIsARepoError() throws {
        var files = try Fixtures.exampleFiles()
        files["policies/default.yaml"] = Data(
            "apiVersion: placer.dev/v1alpha1\nkind: PlacementPolicy\nspec:\n  preset: fastest\n".utf8)
        let snapshot = RepoLoader.load(files: files, presets: try Fixtures.presets())
        let error = try #require(snapshot.repoErrors.first)
        #expect(error.file == "policies/default.yaml")
        #expect(error.line == 4)
        #expect(error.message.contains("fastest"))
        #expect(snapshot.apps.count == 9)
    }

    @Test func brokenAppFileInvalidatesOnlyThatApp() throws {
        // A copy of the example repo on disk, with one app file broken.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-repo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Fixtures.exampleRepo, to: folder)
        let broken = folder.appendingPathComponent("apps/mqtt-broker/app.yaml")
        var text = try String(contentsOf: broken, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "  qosClass: Silver\n", with: "  qosClass: Silver\n  securityClass: [Good\n")
        try text.write(to: broken, atomically: true, encoding: .utf8)

        let snapshot = RepoLoader.load(
            files: try RepoFiles.read(directory: folder.path), presets: try Fixtures.presets())
        #expect(Array(snapshot.invalidApps.keys) == ["mqtt-broker"])
        let errors = try #require(snapshot.invalidApps["mqtt-broker"])
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.file == "apps/mqtt-broker/app.yaml")
        let brokenLine = try #require(lineOf("securityClass: [Good", in: text))
        #expect(error.line >= brokenLine && error.line <= brokenLine + 1, "\(error)")
        #expect(snapshot.apps.map(\.name) == Self.exampleApps.filter { $0 != "mqtt-broker" })
        #expect(snapshot.appDirectories == Self.exampleApps)
        #expect(snapshot.repoErrors.isEmpty)
        #expect(snapshot.allErrors == errors)
    }

    @Test func duplicateKeyInAnAppIsReportedWithBothLines() throws {
        var files = try Fixtures.exampleFiles()
        let path = "apps/digital-twin/app.yaml"
        let bytes = try #require(files[path])
        var text = try #require(String(data: bytes, encoding: .utf8))
        text = text.replacingOccurrences(
            of: "  qosClass: BestEffort\n", with: "  qosClass: BestEffort\n  qosClass: Gold\n")
        files[path] = Data(text.utf8)
        let snapshot = RepoLoader.load(files: files, presets: try Fixtures.presets())
        let error = try #require(snapshot.invalidApps["digital-twin"]?.first)
        #expect(error.file == path)
        #expect(error.line == lineOf("qosClass: BestEffort", in: text))
        #expect(error.message.contains("also at line \(lineOf("qosClass: Gold", in: text) ?? -1)"))
        #expect(snapshot.apps.count == 8)
    }

    @Test func inputsDigestIgnoresPlacerOutputsButSeesInputs() throws {
        let files = try Fixtures.exampleFiles()
        let presets = try Fixtures.presets()
        let base = RepoLoader.load(files: files, presets: presets).inputsDigest
        var withOutputs = files
        withOutputs["rendered/hall-1-edge/x.yaml"] = Data("a: 1\n".utf8)
        #expect(RepoLoader.load(files: withOutputs, presets: presets).inputsDigest == base)
        var changed = files
        changed["clusters/extra.yaml"] = Data("# nothing\n".utf8)
        #expect(RepoLoader.load(files: changed, presets: presets).inputsDigest != base)
    }

    @Test func committedPlacementsAreRead() throws {
        var files = try Fixtures.exampleFiles()
        let record = PlacementRecord(
            app: "mqtt-broker", cluster: "hall-2-edge", qosClass: .silver, decisionID: "abc", reasons: ["r"],
            candidates: [], rejected: [], pinned: true, cpuCores: 1, memoryBytes: 2 * gibibyte)
        files[RepoLayout.placementPath(app: "mqtt-broker")] = Data(try YAMLRenderer.render(record.toValue()).utf8)
        files["placements/garbage.yaml"] = Data("kind: Something\n".utf8)
        let snapshot = RepoLoader.load(files: files, presets: try Fixtures.presets())
        #expect(snapshot.placements["mqtt-broker"] == record)
        #expect(snapshot.placements.count == 1)
        #expect(snapshot.warnings.contains { $0.file == "placements/garbage.yaml" })
    }
}
