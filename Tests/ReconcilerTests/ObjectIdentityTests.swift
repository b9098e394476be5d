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
            let renamed = try factory.humanPush([
                "apps/quality-dashboard/deployment.yaml": nil,
                "apps/quality-dashboard/dashboard-deployment.yaml": Data("# the dashboard's pods\n".utf8) + deployment,
            ], message: "rename the dashboard's deployment file\n")

            let report = try await placer.reconcileOnce()
            #expect(report.commit == nil, "a rename is no new decision")
            #expect(try factory.tip() == renamed)
            #expect(report.applied.isEmpty && report.deleted.isEmpty)
            #expect(await factory.works() == works)
            #expect(await factory.hub.mutationCount() == writes)
        }
    }
}
