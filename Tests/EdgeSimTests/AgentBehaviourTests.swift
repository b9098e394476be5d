import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

@Suite struct AgentBehaviourTests {
    let works = "/apis/work.open-cluster-management.io/v1/namespaces"

    func condition(_ work: Value?, _ type: String) -> Value? {
        work?[path: "status.conditions"]?.arrayValue?.first { $0["type"] == .string(type) }
    }

    @Test func failingOfflineAndDelayedAgents() async throws {
        try await withHub(agentDelay: .milliseconds(20)) { hub in
            let client = HubClient(hub)
            await hub.setAgent(cluster: "edge-bad", behaviour: .failing)
            await hub.setAgent(cluster: "edge-off", behaviour: .offline)
            await hub.setAgent(cluster: "edge-slow", behaviour: .delayed(.milliseconds(600)))
            for cluster in ["edge-ok", "edge-bad", "edge-off", "edge-slow"] {
                _ = try await client.send(
                    "POST", "\(works)/\(cluster)/manifestworks", body: workJSON(name: "w", namespace: cluster))
            }
            func work(_ cluster: String) async throws -> Value {
                try await client.send("GET", "\(works)/\(cluster)/manifestworks/w").body
            }
            #expect(
                try await eventually { condition(try await work("edge-ok"), "Available")?["status"] == .string("True") }
            )
            #expect(try await eventually { condition(try await work("edge-bad"), "Applied") != nil })
            let failed = try await work("edge-bad")
            #expect(condition(failed, "Applied")?["status"] == .string("False"))
            #expect(condition(failed, "Applied")?["reason"] == .string("AppliedManifestWorkFailed"))
            #expect(condition(failed, "Available")?["status"] == .string("False"))
            #expect(try await work("edge-slow")["status"] == nil, "the slow agent has not answered yet")
            #expect(try await eventually { condition(try await work("edge-slow"), "Available") != nil })
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await work("edge-off")["status"] == nil, "an offline agent writes nothing")

            // Back online: the agent reports the works it missed.
            await hub.setAgent(cluster: "edge-off", behaviour: .healthy)
            #expect(
                try await eventually {
                    condition(try await work("edge-off"), "Available")?["status"] == .string("True")
                })
            await hub.setAgent(cluster: "edge-ok", behaviour: .failing)
            #expect(
                try await eventually {
                    condition(try await work("edge-ok"), "Available")?["status"] == .string("False")
                })
        }
    }

    @Test func clusterAvailabilityConditionAndTaint() async throws {
        try await withHub { hub in
            try await hub.seed(testCluster("edge-1"))
            let before = await hub.mutationCount()
            try await hub.setClusterAvailable("edge-1", false)
            var cluster = try #require(await hub.objects("managedclusters").first)
            let available = cluster[path: "status.conditions"]?.arrayValue?.first {
                $0["type"] == .string("ManagedClusterConditionAvailable")
            }
            #expect(available?["status"] == .string("False"))
            #expect(available?["reason"] == .string("ManagedClusterKubeAPIServerUnavailable"))
            let taint = cluster[path: "spec.taints"]?.arrayValue?.first
            #expect(taint?["key"] == .string("cluster.open-cluster-management.io/unavailable"))
            #expect(taint?["effect"] == .string("NoSelect"))
            try await hub.setClusterAvailable("edge-1", true)
            cluster = try #require(await hub.objects("managedclusters").first)
            #expect(cluster[path: "spec.taints"]?.arrayValue?.isEmpty == true)
            #expect(
                cluster[path: "status.conditions"]?.arrayValue?.first?["status"] == .string("True"))
            #expect(await hub.mutationCount() == before)
            await #expect(throws: EdgeSimError.notFound("nope")) { try await hub.setClusterAvailable("nope", false) }
        }
    }
}
