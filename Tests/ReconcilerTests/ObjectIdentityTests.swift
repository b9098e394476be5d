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
        }
    }
}
