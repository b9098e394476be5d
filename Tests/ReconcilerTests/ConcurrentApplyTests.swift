import AppModel
import Foundation
import OCMClient
import PlacerFakes
import Reconciler
import Testing

/// Apply's bounded concurrent hub writes (`hubWriteConcurrency`) on the in-memory hub: several writes really are in
/// flight, never more than the bound, and what must come first still does (an app's Placement before its
/// PlacementDecision, the decision before its status, every new ManifestWork before any prune); an object another
/// owner holds is still never written, and one refused write stops no other.
@Suite struct ConcurrentApplyTests {
    static let namespace = "placer"
    static let clusters = ["factory-dc", "hall-1-edge", "hall-2-edge", "hall-3-edge", "regional-cloud"]

    /// A world whose hub takes 20 ms per write, publishing decisions, with at most `bound` writes in flight.
    static func world(bound: Int) async -> FakePortsTests.World {
        let world = await FakePortsTests.World {
            $0.hubWriteConcurrency = bound
            $0.decisionNamespace = namespace
        }
        await world.hub.setWriteDelay(.milliseconds(20))
        return world
    }

    /// A ManifestWork `name` in `namespace` labelled as `owner`'s.
    static func work(_ name: String, in namespace: String, owner: String) -> Value {
        .object([
            ("apiVersion", .string("work.open-cluster-management.io/v1")), ("kind", .string("ManifestWork")),
            (
                "metadata",
                .object([
                    ("name", .string(name)), ("namespace", .string(namespace)),
                    ("labels", .object([(Labels.managedBy, .string("placer")), (Labels.owner, .string(owner))])),
                ])
            ),
            ("spec", .object([("workload", .object([("manifests", .array([]))]))])),
        ])
    }

    @Test(.timeLimit(.minutes(1))) func writesOverlapWithinTheBoundAndKeepTheirOrder() async throws {
        let world = await Self.world(bound: 3)
        // An owned work of an app Git does not hold: pruned, but only once every new work is applied.
        await world.hub.seed(
            Self.work("old-app", in: "factory-dc", owner: world.configuration.instance), kind: .manifestWork)
        let report = try await world.reconciler().reconcileOnce()

        let most = await world.hub.maxWritesInFlight
        #expect(most > 1, "apply wrote one at a time")
        #expect(most <= 3, "more writes in flight than the bound")
        #expect(report.apps.allSatisfy { $0.phase == .ready }, "\(report.apps.map { "\($0.app) \($0.phase)" })")
        #expect(report.deleted == ["factory-dc/old-app"])
        #expect(report.applied.count == FakePortsTests.apps.count)
        #expect(report.applied == report.applied.sorted(), "the report lists works in Git's order")

        let log = await world.hub.writeLog
        let workApplies = log.indices.filter { log[$0].hasPrefix("APPLY manifestworks ") }
        #expect(workApplies.count == FakePortsTests.apps.count)
        let prune = try #require(log.firstIndex(of: "DELETE manifestworks factory-dc/old-app"))
        #expect(workApplies.allSatisfy { $0 < prune }, "a prune before a new work was applied: \(log)")
        for app in FakePortsTests.apps {
            let placement = try #require(log.firstIndex(of: "APPLY placements placer/\(app)"))
            let decision = try #require(log.firstIndex(of: "APPLY placementdecisions placer/\(app)-decision-1"))
            let status = try #require(log.firstIndex(of: "STATUS placementdecisions placer/\(app)-decision-1"))
            #expect(prune < placement && placement < decision && decision < status, "\(app): \(log)")
        }
        // The fleet Placement's decisions list every cluster an app runs on, so they follow every app's.
        let fleet = try #require(log.firstIndex(of: "STATUS placementdecisions placer/placer-decision-1"))
        #expect(log.indices.filter { log[$0].hasPrefix("STATUS placementdecisions") }.allSatisfy { $0 <= fleet })
    }

    @Test(.timeLimit(.minutes(1))) func aBoundOfOneWritesOneAtATime() async throws {
        let world = await Self.world(bound: 1)
        let report = try await world.reconciler().reconcileOnce()
        #expect(await world.hub.maxWritesInFlight == 1)
        #expect(report.apps.allSatisfy { $0.phase == .ready })
        #expect(report.applied.count == FakePortsTests.apps.count)
    }

    @Test(.timeLimit(.minutes(1))) func anotherOwnersWorkIsNeverWrittenWhileTheOthersAre() async throws {
        let world = await Self.world(bound: 4)
        // Another instance holds mqtt-broker's name on every cluster, so wherever it is placed.
        for cluster in Self.clusters {
            await world.hub.seed(Self.work("mqtt-broker", in: cluster, owner: "someone-else"), kind: .manifestWork)
        }
        let before = await world.works()
        let report = try await world.reconciler().reconcileOnce()

        let status = try #require(report.apps.first { $0.app == "mqtt-broker" })
        #expect(status.phase == .conflict)
        #expect(status.reason.contains("owned by Placer instance someone-else"))
        let after = await world.works()
        for cluster in Self.clusters {
            #expect(after["\(cluster)/mqtt-broker"] == before["\(cluster)/mqtt-broker"], "rewritten or pruned")
        }
        #expect(
            !(await world.hub.writeLog).contains {
                $0.hasPrefix("APPLY manifestworks ") && $0.hasSuffix("/mqtt-broker")
            })
        #expect(report.apps.filter { $0.app != "mqtt-broker" }.allSatisfy { $0.phase == .ready })
        #expect(await world.hub.maxWritesInFlight > 1)
    }

    @Test(.timeLimit(.minutes(1))) func aRefusedWorkFailsTheReconcileButStopsNoOtherWrite() async throws {
        let world = await Self.world(bound: 2)
        await world.hub.rejectApplies(named: ["batch-analytics"])
        let placer = world.reconciler()
        var thrown: ReconcileError?
        do { _ = try await placer.reconcileOnce() } catch let error as ReconcileError { thrown = error }
        // Reported as one write failing always was: the reconcile fails (and is retried), naming the object.
        guard case let .hubUnreachable(detail)? = thrown else {
            Issue.record("expected the refused write to fail the reconcile, got \(String(describing: thrown))")
            return
        }
        #expect(detail.contains("422"))
        #expect(thrown?.nextAction == .retry)
        // Every other app's work was written all the same; nothing was pruned or published after the failure.
        let apps = Set((await world.works()).keys.map { String($0.split(separator: "/")[1]) })
        #expect(apps == FakePortsTests.apps.subtracting(["batch-analytics"]))
        #expect(await world.hub.objects(.placement).isEmpty)

        // Once the hub takes it, the next pass writes just that work and publishes.
        await world.hub.rejectApplies(named: [])
        let report = try await placer.reconcileOnce()
        #expect(report.applied.map { String($0.split(separator: "/")[1]) } == ["batch-analytics"])
        #expect(report.apps.allSatisfy { $0.phase == .ready })
        #expect(await world.hub.objects(.placement).count == FakePortsTests.apps.count + 1)
    }
}
