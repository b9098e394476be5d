import AppModel
import EdgeSim
import Foundation
import GitStore
import PlacerTestSupport
import Reconciler
import Testing

/// The status store end to end (real `git daemon`, the HTTPS EdgeSim hub): a human-pinned app its filters now
/// refuse, a proposal waiting for its merge, and a refused mass prune that stalls until a human acts.
@Suite struct StatusConditionTests {
    static func ready(_ status: AppStatus?) -> StatusCondition? { status?.conditions.first { $0.type == "Ready" } }

    @Test func aHumanPinnedAppThatNoLongerPassesItsFiltersSaysSo() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            try HumanDecisionTests.slowRegionalLink(factory)
            let move = try #require(try await placer.reconcileOnce().commit)
            // A human reverts the move: the twin goes back to regional-cloud, whose link is now too slow for it.
            let clone = factory.folder.appendingPathComponent("clone").path
            _ = try await runProgram("/usr/bin/git", ["clone", "-q", factory.barePath, clone])
            let identity = ["-c", "user.name=Shift Lead", "-c", "user.email=lead@factory.example"]
            #expect(
                try await runProgram("/usr/bin/git", ["-C", clone] + identity + ["revert", "--no-edit", move]).status
                    == 0)
            #expect(try await runProgram("/usr/bin/git", ["-C", clone, "push", "-q", "origin", "main"]).status == 0)

            // Decided on the first round, remembered on the second (the inputs did not change).
            for round in 1...2 {
                let report = try await placer.reconcileOnce()
                #expect(report.decided == (round == 1))
                let twin = try #require(report.apps.first { $0.app == "digital-twin" })
                #expect(twin.cluster == "regional-cloud", "round \(round)")
                #expect(twin.phase == .pinnedInfeasible, "round \(round): \(twin)")
                #expect(
                    twin.reason.hasPrefix(
                        "pinned to regional-cloud by a human, but regional-cloud fails its filters: LatencyBudget"),
                    "\(twin.reason)")
                #expect(Self.ready(twin)?.status == .false && Self.ready(twin)?.reason == "PinnedInfeasible")
                let stored = try #require(await placer.status.app("digital-twin"))
                #expect(stored.lastDecision?.outcome == .pinnedInfeasible)
                #expect(stored.condition("Ready") == Self.ready(twin))
                // The other apps are unaffected.
                #expect(report.apps.first { $0.app == "mqtt-broker" }?.phase == .ready)
            }
            #expect(
                await factory.works()["regional-cloud/digital-twin"] != nil, "it keeps running where the human put it")
        }
    }

    @Test func aProposalWaitingForItsMergeSaysSoOnEveryReconcile() async throws {
        try await withFactory { factory in
            _ = try await factory.reconciler().reconcileOnce()
            let placer = try factory.reconciler(cache: "cache-propose") { $0.mode = .propose }
            try HumanDecisionTests.slowRegionalLink(factory)
            let first = try await placer.reconcileOnce()
            let proposal = try #require(first.proposal)
            let again = try await placer.reconcileOnce()
            #expect(again.proposal == proposal && !again.decided)
            for (round, report) in [first, again].enumerated() {
                let twin = try #require(report.apps.first { $0.app == "digital-twin" })
                #expect(twin.phase == .proposed, "round \(round): \(twin)")
                #expect(twin.cluster == "regional-cloud" && !twin.moved)
                #expect(
                    twin.reason.hasPrefix("proposed → factory-dc on placer/proposals: "),
                    "round \(round): \(twin.reason)")
                #expect(
                    Self.ready(twin)?.status == .false && Self.ready(twin)?.reason == "AwaitingMerge", "round \(round)")
                #expect(report.apps.first { $0.app == "mqtt-broker" }?.phase == .ready)
            }
            let loop = await placer.status.loop()
            #expect(loop.proposal == proposal)
            #expect(loop.condition("Ready")?.status == .true)
            #expect(await placer.status.app("digital-twin")?.lastDecision?.commit == proposal)
        }
    }

    @Test func aRefusedMassPruneStallsAndWaitsForAHuman() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let before = try factory.files()
            let works = await factory.works()
            var removal: [String: Data?] = [:]
            for path in before.keys where path.hasPrefix("apps/") && !path.hasPrefix("apps/mqtt-broker/") {
                removal[path] = .some(nil)
            }
            try factory.humanPush(removal, message: "reorganise apps")

            for _ in 1...2 {
                await #expect(throws: ReconcileError.self) { try await placer.reconcileOnce() }
                let loop = await placer.status.loop()
                #expect(loop.condition("Ready")?.reason == "PruneRefused")
                #expect(loop.condition("Stalled")?.status == .true)
                #expect(loop.condition("PruneFailed")?.status == .true)
                #expect(loop.condition("Reconciling") == nil)
                #expect(loop.nextAction == .stall)
            }
            #expect(
                await placer.status.loop().history.filter { $0.subject == "Stalled" }.count == 1,
                "one event, not one per retry")
            #expect(await factory.works() == works, "nothing deleted")
            #expect(await placer.status.app("mqtt-broker")?.phase == .ready, "apps keep their last status")

            // The human restores the apps: the loop is Ready again.
            var restore: [String: Data?] = [:]
            for path in removal.keys { restore[path] = before[path] }
            try factory.humanPush(restore, message: "restore apps")
            _ = try await placer.reconcileOnce()
            let loop = await placer.status.loop()
            #expect(loop.conditions.map(\.type) == ["Ready"] && loop.condition("Ready")?.reason == "Succeeded")
        }
    }
}

/// PDLC's stability state survives a restart: it lives in a ConfigMap on the hub, so a new Placer (or a standby
/// that takes the Lease) continues counting a challenger's wins.
@Suite struct StabilityPersistenceTests {
    static func score(cluster: String, name: String, value: Int) -> Value {
        .object([
            ("apiVersion", .string("cluster.open-cluster-management.io/v1alpha1")),
            ("kind", .string("AddOnPlacementScore")),
            ("metadata", .object([("name", .string(name)), ("namespace", .string(cluster))])),
            (
                "status",
                .object([
                    ("scores", .array([.object([("name", .string("cpuAvailable")), ("value", .int(value))])])),
                    ("validUntil", .string("2999-01-01T00:00:00Z")),
                ])
            ),
        ])
    }

    static func stateWins(_ factory: FactoryFixture, app: String) async throws -> Int? {
        let maps = await factory.hub.objects("configmaps", namespace: "placer")
        // Like everything Placer writes on the hub, the state carries its owner label.
        #expect(maps.first?[path: "metadata.labels"]?[Labels.owner]?.stringValue?.hasPrefix("app-repo-main-") == true)
        let text = try #require(maps.first?[path: "data"]?["state.json"]?.stringValue)
        let state = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        let apps = (state?["stability"] as? [String: Any])?["apps"] as? [String: Any]
        return (apps?[app] as? [String: Any])?["wins"] as? Int
    }

    @Test func aChallengerThatWonTwiceMovesTheAppOnItsThirdWinAfterARestart() async throws {
        try await withFactory { factory in
            try factory.humanEdit("policies/default.yaml", message: "trust the usage collector; no cooldown") {
                $0.replacingOccurrences(of: "  weights:\n", with: "  weights:\n    BestEffort:\n      addOnScore: 10\n")
                    .trimmingCharacters(in: .newlines)
                    + "\n  stability:\n    consecutiveEvaluations: 3\n    cooldownSeconds: 0\n"
            }
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            #expect(try HumanDecisionTests.cluster(of: "digital-twin", in: factory) == "regional-cloud")

            // The usage collector now prefers factory-dc: each new score is a new input, so each reconcile evaluates.
            try await factory.hub.seed(Self.score(cluster: "regional-cloud", name: "usage", value: -100))
            for round in 1...2 {
                try await factory.hub.seed(Self.score(cluster: "factory-dc", name: "usage-\(round)", value: 100))
                let report = try await placer.reconcileOnce()
                #expect(report.decided)
                let twin = try #require(report.apps.first { $0.app == "digital-twin" })
                #expect(twin.cluster == "regional-cloud" && !twin.moved, "round \(round): \(twin)")
                #expect(await placer.status.app("digital-twin")?.lastDecision?.outcome == .held)
                #expect(try await Self.stateWins(factory, app: "digital-twin") == round, "round \(round)")
            }
            let configMaps = try await runProgram(
                "/usr/bin/kubectl",
                ["--kubeconfig", factory.kubeconfigPath, "get", "configmaps", "-n", "placer", "-o", "name"])
            #expect(configMaps.output.contains("configmap/placer-state-"), "\(configMaps.output)")

            // Restart: a new Placer with an empty cache; the third win moves the app.
            try await factory.hub.seed(Self.score(cluster: "factory-dc", name: "usage-3", value: 100))
            let restarted = try factory.reconciler(cache: "cache-restarted")
            let report = try await restarted.reconcileOnce()
            let twin = try #require(report.apps.first { $0.app == "digital-twin" })
            #expect(twin.cluster == "factory-dc" && twin.moved, "\(twin)")
            #expect(try HumanDecisionTests.cluster(of: "digital-twin", in: factory) == "factory-dc")
            #expect(
                try await Self.stateWins(factory, app: "digital-twin") == 0, "the count starts again after the move")
        }
    }
}
