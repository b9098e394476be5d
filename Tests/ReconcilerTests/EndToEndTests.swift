import AppModel
import EdgeSim
import Foundation
import GitStore
import OCMClient
import PlacerTestSupport
import Reconciler
import Testing

/// The main path against real parts: a bare repo behind `git daemon`, the EdgeSim hub over HTTP, stock kubectl.
@Suite struct EndToEndTests {
    static let apps = [
        "agv-controller-hall-1", "agv-controller-hall-2", "agv-controller-hall-3", "batch-analytics", "digital-twin",
        "fleet-manager", "mqtt-broker", "quality-dashboard", "vision-inference",
    ]

    @Test func firstReconcileCommitsEveryAppOnceAndAppliesItsManifestWork() async throws {
        try await withFactory { factory in
            let seed = try factory.tip()
            let report = try await factory.reconciler().reconcileOnce()

            let commit = try #require(report.commit)
            #expect(try factory.tip().hex == commit)
            // One commit, by Placer, on top of the human's.
            let log = try await git(factory, ["log", "--format=%H %an", "main"])
            #expect(
                log.split(separator: "\n").map(String.init) == ["\(commit) Placer", "\(seed.hex) Factory Engineer"])
            let trailers = try await git(
                factory, ["log", "-1", "--format=%(trailers:key=Placer-Decision,valueonly)", "main"])
            #expect(trailers.split(separator: "\n").count == Self.apps.count)
            let inputs = try await git(
                factory, ["log", "-1", "--format=%(trailers:key=Placer-Inputs,valueonly)", "main"])
            #expect(inputs.hasPrefix("sha256:"))

            let files = try factory.files()
            var expectedWorks: [String] = []
            for app in Self.apps {
                let bytes = try #require(files["placements/\(app).yaml"])
                let document = try #require(try YAMLLoader.load(bytes, file: app).first)
                let record = try PlacementRecord.parse(document)
                let cluster = try #require(record.cluster)
                #expect(files["rendered/\(cluster)/\(app).yaml"] != nil, "rendered ManifestWork for \(app)")
                #expect(!record.candidates.isEmpty && !record.reasons.isEmpty)
                expectedWorks.append("\(cluster)/\(app)")
            }
            #expect(files.keys.filter { $0.hasPrefix("rendered/") }.count == Self.apps.count)
            #expect(Set(await factory.works().keys) == Set(expectedWorks))
            #expect(report.apps.allSatisfy { $0.phase == .ready }, "\(report.apps)")

            // The AGV controllers sit in their halls; the big vision service does not fit beside them.
            for hall in 1...3 { #expect(expectedWorks.contains("hall-\(hall)-edge/agv-controller-hall-\(hall)")) }
            #expect(expectedWorks.contains("factory-dc/vision-inference"))
        }
    }

    @Test func anUnchangedWorldMakesNoCommitAndNoHubWrites() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let tip = try factory.tip()
            let works = await factory.works()
            let writes = await factory.hub.mutationCount()

            // Placer's own commit is not a new input: the same instance does not even decide again.
            let again = try await placer.reconcileOnce()
            #expect(again.commit == nil)
            #expect(again.decided == false)
            // A restarted Placer decides again, byte-identically, and so commits nothing.
            let restarted = try await factory.reconciler(cache: "cache-2").reconcileOnce()
            #expect(restarted.decided)
            #expect(restarted.commit == nil)
            #expect(restarted.applied.isEmpty && restarted.deleted.isEmpty)

            #expect(try factory.tip() == tip)
            #expect(await factory.works() == works)
            #expect(await factory.hub.mutationCount() == writes)
        }
    }

    @Test func aPushedLatencyEditMovesOnlyThatApp() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let before = await factory.works()
            #expect(before["regional-cloud/digital-twin"] != nil)

            try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin serves the control room") {
                $0.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
            }
            let report = try await placer.reconcileOnce()
            let commit = try #require(report.commit)

            let changed = try await git(factory, ["diff", "--no-renames", "--name-only", "\(commit)^", commit])
            #expect(
                changed.split(separator: "\n").map(String.init).sorted() == [
                    "placements/digital-twin.yaml", "rendered/factory-dc/digital-twin.yaml",
                    "rendered/regional-cloud/digital-twin.yaml",
                ])
            let message = try await git(factory, ["log", "-1", "--format=%B", commit])
            #expect(
                message.contains("digital-twin regional-cloud → factory-dc: moved from regional-cloud: LatencyBudget"),
                "\(message)")
            // The subject says what moved where and why, not "place 1 app, move 1".
            let subject = message.split(separator: "\n").first.map(String.init) ?? ""
            #expect(
                subject.hasPrefix(
                    "placer: move digital-twin: regional-cloud → factory-dc (moved from regional-cloud: LatencyBudget"),
                "\(subject)")
            #expect(report.apps.first { $0.app == "digital-twin" }?.moved == true)

            let after = await factory.works()
            #expect(after["regional-cloud/digital-twin"] == nil)
            #expect(after["factory-dc/digital-twin"] != nil)
            for (key, version) in before where !key.hasSuffix("/digital-twin") {
                #expect(after[key] == version, "\(key) was rewritten")
            }
        }
    }

    @Test func aBrokenAppKeepsItsPlacementWhileTheOthersAreReconciled() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let placementBefore = try factory.files()["placements/mqtt-broker.yaml"]
            let worksBefore = await factory.works()

            try factory.humanEdit("apps/mqtt-broker/app.yaml", message: "oops") {
                $0.replacingOccurrences(of: "  qosClass: Silver", with: "  qosClass: [Silver")
            }
            try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
                $0.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
            }
            let report = try await placer.reconcileOnce()

            let broken = try #require(report.apps.first { $0.app == "mqtt-broker" })
            #expect(broken.phase == .invalid)
            #expect(broken.cluster == "factory-dc")
            #expect(report.errors.contains { $0.hasPrefix("apps/mqtt-broker/app.yaml:") }, "\(report.errors)")
            let files = try factory.files()
            #expect(files["placements/mqtt-broker.yaml"] == placementBefore)
            #expect(files["rendered/factory-dc/mqtt-broker.yaml"] != nil)
            #expect(await factory.works()["factory-dc/mqtt-broker"] == worksBefore["factory-dc/mqtt-broker"])
            // The others still move on.
            #expect(report.commit != nil)
            #expect(await factory.works()["factory-dc/digital-twin"] != nil)
        }
    }

    @Test func kubectlListsTheAppliedManifestWorks() async throws {
        try await withFactory { factory in
            _ = try await factory.reconciler().reconcileOnce()
            let home = factory.folder.appendingPathComponent("kubectl-home").path
            let result = try await runProgram(
                "/usr/bin/kubectl", ["--kubeconfig", factory.kubeconfigPath, "get", "manifestworks", "-A"],
                environment: ["HOME": home, "KUBECACHEDIR": home])
            #expect(result.status == 0, "\(result.output)")
            for app in Self.apps { #expect(result.output.contains(app)) }
            #expect(result.output.contains("hall-2-edge"))
        }
    }

    @Test func anAppRemovedFromGitIsPrunedAndAMassPruneStops() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()

            try factory.humanPush(["apps/quality-dashboard": nil], message: "dashboard retired")
            let report = try await placer.reconcileOnce()
            #expect(report.apps.first { $0.app == "quality-dashboard" }?.phase == .pruned)
            let files = try factory.files()
            #expect(!files.keys.contains { $0.hasSuffix("/quality-dashboard.yaml") })
            #expect(await factory.works()["factory-dc/quality-dashboard"] == nil)

            let tip = try factory.tip()
            try factory.humanPush(
                ["apps/digital-twin": nil, "apps/batch-analytics": nil, "apps/fleet-manager": nil], message: "cleanup")
            let humanTip = try factory.tip()
            await #expect(throws: ReconcileError.self) { try await placer.reconcileOnce() }
            #expect(try factory.tip() == humanTip && humanTip != tip)
            #expect(await factory.works()["regional-cloud/digital-twin"] != nil)
        }
    }

    @Test func unreachableRepoAndHubGiveOneLineErrors() async throws {
        try await withFactory { factory in
            let closedPort = try FreePort.find()
            let lost = try factory.reconciler(cache: "lost") {
                $0.repoURL = "git://127.0.0.1:\(closedPort)/app-repo.git"
            }
            do {
                _ = try await lost.reconcileOnce()
                Issue.record("an unreachable repo must fail")
            } catch let error as ReconcileError {
                #expect(!error.description.contains("\n"))
                #expect(
                    error.description.contains("cannot fetch")
                        && error.description.contains("git://127.0.0.1:\(closedPort)/app-repo.git"))
            }

            let deadHub = try KubeClient(
                kubeconfig: Kubeconfig(server: "http://127.0.0.1:\(closedPort)", token: "secret-token"))
            let noHub = try Reconciler(
                configuration: ReconcilerConfiguration(
                    repoURL: factory.repoURL, cacheDirectory: factory.folder.appendingPathComponent("c3").path,
                    presets: ReconcilerConfiguration.loadPresets(
                        from: packageRoot.appendingPathComponent("policies").path)),
                hub: deadHub)
            do {
                _ = try await noHub.reconcileOnce()
                Issue.record("an unreachable hub must fail")
            } catch let error as ReconcileError {
                #expect(!error.description.contains("\n"))
                #expect(error.description.contains("cannot reach"))
                #expect(!error.description.contains("secret-token"))
            }
            try? await deadHub.shutdown()
        }
    }
}

/// OCM interop: third-party AddOnPlacementScores are PDLC inputs, and expired ones are ignored, visibly.
@Suite struct AddOnPlacementScoreTests {
    static func score(cluster: String, value: Int, validUntil: String) -> Value {
        .object([
            ("apiVersion", .string("cluster.open-cluster-management.io/v1alpha1")),
            ("kind", .string("AddOnPlacementScore")),
            ("metadata", .object([("name", .string("resource-usage-score")), ("namespace", .string(cluster))])),
            (
                "status",
                .object([
                    ("scores", .array([.object([("name", .string("cpuAvailable")), ("value", .int(value))])])),
                    ("validUntil", .string(validUntil)),
                ])
            ),
        ])
    }

    @Test func validScoresSteerPlacementAndExpiredOnesAreNeutral() async throws {
        try await withFactory { factory in
            try await factory.hub.seed(
                Self.score(cluster: "factory-dc", value: 100, validUntil: "2999-01-01T00:00:00Z"))
            try await factory.hub.seed(
                Self.score(cluster: "regional-cloud", value: -100, validUntil: "2999-01-01T00:00:00Z"))
            try await factory.hub.seed(
                Self.score(cluster: "hall-1-edge", value: 100, validUntil: "2001-01-01T00:00:00Z"))
            try factory.humanEdit("policies/default.yaml", message: "trust the usage collector") {
                $0.replacingOccurrences(of: "  weights:\n", with: "  weights:\n    BestEffort:\n      addOnScore: 10\n")
            }
            _ = try await factory.reconciler().reconcileOnce()

            let bytes = try #require(try factory.files()["placements/digital-twin.yaml"])
            let record = try PlacementRecord.parse(try #require(try YAMLLoader.load(bytes, file: "twin").first))
            let scores = Dictionary(
                uniqueKeysWithValues: record.candidates.map { ($0.cluster, $0.scores["addOnScore"]) })
            #expect(scores["factory-dc"] == 100)
            #expect(scores["regional-cloud"] == 0)
            #expect(record.cluster == "factory-dc", "a weight-10 add-on score outweighs the cloud's energy price")
            if let hall = scores["hall-1-edge"] { #expect(hall == 50, "expired score is neutral") }
        }
    }
}
