import AppModel
import Foundation
import Testing

@testable import Reconciler

/// An object's identity is its API group, kind, namespace, name and target cluster, never the file it is in.
@Suite struct ObjectIdentityTests {
    @Test func aFileRenamedInsideAnAppChangesNothingOnTheHubAndMakesNoPlacerCommit() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let works = await factory.works()
            let writes = await factory.hub.mutationCount()
            let files = try factory.files()
            let deployment = try #require(files["apps/quality-dashboard/deployment.yaml"])
            let renamed = try factory.humanPush(
                [
                    "apps/quality-dashboard/deployment.yaml": nil,
                    "apps/quality-dashboard/dashboard-deployment.yaml": Data("# the dashboard's pods\n".utf8)
                        + deployment,
                ], message: "rename the dashboard's deployment file\n")

            let report = try await placer.reconcileOnce()
            #expect(report.commit == nil, "a rename is no new decision")
            #expect(try factory.tip() == renamed)
            #expect(report.applied.isEmpty && report.deleted.isEmpty)
            #expect(await factory.works() == works)
            #expect(await factory.hub.mutationCount() == writes)
        }
    }

    @Test func twoAppsPuttingTheSameObjectOnOneClusterIsAConflictNamingBothFiles() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let works = await factory.works()
            #expect(works["factory-dc/fleet-manager"] != nil && works["factory-dc/mqtt-broker"] != nil)
            let settings =
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plant-settings\n  namespace: factory\ndata:\n  shift: early\n"
            try factory.humanPush(
                [
                    "apps/fleet-manager/settings.yaml": Data(settings.utf8),
                    "apps/mqtt-broker/settings.yaml": Data(("# copied by mistake\n" + settings).utf8),
                ], message: "plant settings, twice\n")

            let report = try await placer.reconcileOnce()
            let broker = try #require(report.apps.first { $0.app == "mqtt-broker" })
            #expect(broker.phase == .invalid)
            #expect(
                broker.reason
                    == "apps/mqtt-broker/settings.yaml:2:1: ConfigMap factory/plant-settings on factory-dc is also defined by app fleet-manager at apps/fleet-manager/settings.yaml:1; an object belongs to one app (move it there, or rename one)"
            )
            // The broker keeps running as it was; the fleet manager ships the ConfigMap.
            #expect(await factory.works()["factory-dc/mqtt-broker"] == works["factory-dc/mqtt-broker"])
            let fleet = try #require(
                await factory.hub.objects("manifestworks", namespace: "factory-dc")
                    .first { $0[path: "metadata.name"]?.stringValue == "fleet-manager" })
            let kinds = fleet[path: "spec.workload.manifests"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
            #expect(kinds.contains("ConfigMap"))

            // Passes that decide nothing new keep the conflict: the broker stays Invalid with the same reason,
            // its Ready condition does not flap back to True between decisions.
            for _ in 0..<2 {
                let again = try await placer.reconcileOnce()
                #expect(!again.decided)
                let status = try #require(again.apps.first { $0.app == "mqtt-broker" })
                #expect(status.phase == .invalid && status.reason == broker.reason, "\(status)")
                #expect(status.conditions.first { $0.type == "Ready" }?.status == .false, "\(status.conditions)")
            }
        }
    }

    /// The object's entry in a ManifestWork's manifests, and the work's deleteOption.
    static func work(
        _ factory: FactoryFixture, _ cluster: String, _ app: String
    ) async throws -> (names: [String], deleteOption: Value?) {
        let work = try #require(
            await factory.hub.objects("manifestworks", namespace: cluster)
                .first { $0[path: "metadata.name"]?.stringValue == app })
        let names =
            work[path: "spec.workload.manifests"]?.arrayValue?.compactMap { manifest -> String? in
                guard manifest["kind"]?.stringValue == "ConfigMap" else { return nil }
                return manifest["metadata"]?["name"]?.stringValue
            } ?? []
        return (names, work[path: "spec.deleteOption"])
    }

    @Test func anObjectMovedBetweenAppsOnOneClusterIsHandedOverNeverDeleted() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            let settings =
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plant-settings\n  namespace: factory\ndata:\n  shift: early\n"
            try factory.humanPush(["apps/mqtt-broker/settings.yaml": Data(settings.utf8)], message: "broker settings\n")
            _ = try await placer.reconcileOnce()
            #expect(try await Self.work(factory, "factory-dc", "mqtt-broker").names == ["plant-settings"])

            // The settings move to the fleet manager, in one human commit.
            try factory.humanPush(
                [
                    "apps/mqtt-broker/settings.yaml": nil, "apps/fleet-manager/settings.yaml": Data(settings.utf8),
                ], message: "the fleet manager owns the plant settings\n")
            let first = try await placer.reconcileOnce()
            #expect(first.commit != nil)
            // Step 1: the gainer ships it; the loser still ships it, now under an orphaning rule.
            #expect(try await Self.work(factory, "factory-dc", "fleet-manager").names == ["plant-settings"])
            let during = try await Self.work(factory, "factory-dc", "mqtt-broker")
            #expect(during.names == ["plant-settings"])
            let rule: Value = .object([
                ("group", .string("")), ("resource", .string("configmaps")), ("namespace", .string("factory")),
                ("name", .string("plant-settings")),
            ])
            #expect(during.deleteOption?["propagationPolicy"] == .string("SelectivelyOrphan"))
            #expect(during.deleteOption?["selectivelyOrphans"]?["orphaningRules"] == .array([rule]))

            // Step 2, the next reconcile with no new input: the loser drops it under the rule.
            let second = try await placer.reconcileOnce()
            #expect(second.commit != nil)
            let after = try await Self.work(factory, "factory-dc", "mqtt-broker")
            #expect(after.names.isEmpty)
            #expect(after.deleteOption?["selectivelyOrphans"]?["orphaningRules"] == .array([rule]))
            #expect(try await Self.work(factory, "factory-dc", "fleet-manager").names == ["plant-settings"])

            // Then it is settled: no further commit, now or after a restart.
            #expect(try await placer.reconcileOnce().commit == nil)
            #expect(try await factory.reconciler(cache: "cache-2").reconcileOnce().commit == nil)
        }
    }

    @Test func anObjectMovedToAnAppOnAnotherClusterStaysOnTheOldOneUntilTheNewOneShipsIt() async throws {
        try await withFactory { factory in
            let placer = try factory.reconciler()
            _ = try await placer.reconcileOnce()
            #expect(await factory.works()["regional-cloud/digital-twin"] != nil)
            let settings =
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plant-settings\n  namespace: factory\ndata:\n  shift: early\n"
            try factory.humanPush(["apps/mqtt-broker/settings.yaml": Data(settings.utf8)], message: "broker settings\n")
            _ = try await placer.reconcileOnce()
            try factory.humanPush(
                [
                    "apps/mqtt-broker/settings.yaml": nil, "apps/digital-twin/settings.yaml": Data(settings.utf8),
                ], message: "the twin owns the plant settings\n")

            _ = try await placer.reconcileOnce()
            // Created on the new cluster first, still shipped on the old one (no orphaning: it is leaving that cluster).
            #expect(try await Self.work(factory, "regional-cloud", "digital-twin").names == ["plant-settings"])
            let during = try await Self.work(factory, "factory-dc", "mqtt-broker")
            #expect(during.names == ["plant-settings"])
            #expect(during.deleteOption?["propagationPolicy"] == .string("Foreground"))

            _ = try await placer.reconcileOnce()
            #expect(try await Self.work(factory, "factory-dc", "mqtt-broker").names.isEmpty)
            #expect(try await placer.reconcileOnce().commit == nil)
        }
    }
}
