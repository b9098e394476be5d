import AppModel
import Foundation
import PlacerTestSupport
import Testing

@testable import EdgeSim

@Suite struct WorkAgentTests {
    let worksPath = "/apis/work.open-cluster-management.io/v1/namespaces/edge-1/manifestworks"

    @Test func agentReportsAppliedAndAvailableForEachGeneration() async throws {
        try await withHub(agentDelay: .milliseconds(30)) { hub in
            let client = HubClient(hub)
            _ = try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1", replicas: 3))
            func status() async throws -> Value? { try await client.send("GET", worksPath + "/w1").body["status"] }
            #expect(try await eventually { try await status() != nil })
            let written = try #require(try await status())
            let conditions = written["conditions"]?.arrayValue ?? []
            #expect(conditions.map { $0["type"] } == [.string("Applied"), .string("Available")])
            #expect(
                conditions.map { $0["reason"] } == [
                    .string("AppliedManifestWorkComplete"), .string("ResourcesAvailable"),
                ])
            #expect(
                conditions.allSatisfy { $0["status"] == .string("True") && $0["observedGeneration"] == .number("1") })
            let manifests = written[path: "resourceStatus.manifests"]?.arrayValue ?? []
            #expect(manifests.count == 2)
            #expect(
                manifests.first?["resourceMeta"]
                    == .object([
                        ("ordinal", .int(0)), ("group", .string("")), ("version", .string("v1")),
                        ("kind", .string("Namespace")),
                        ("resource", .string("namespaces")), ("name", .string("shop")), ("namespace", .string("")),
                    ]))
            let deployment = try #require(manifests.last)
            #expect(deployment[path: "resourceMeta.resource"] == .string("deployments"))
            let feedback = deployment[path: "statusFeedback.values"]?.arrayValue ?? []
            #expect(
                feedback.map { $0["name"] } == [
                    .string("ReadyReplicas"), .string("Replicas"), .string("AvailableReplicas"),
                ])
            #expect(feedback.allSatisfy { $0[path: "fieldValue.integer"] == .number("3") })
            #expect(manifests.first?[path: "statusFeedback"] == .object([]))
            #expect(await hub.mutationCount() == 1, "agent writes are not client mutations")

            // A spec change is a new generation; the agent follows it.
            let spec = workJSON(name: "w1", namespace: "edge-1", replicas: 5)
            _ = try await client.send(
                "PATCH", worksPath + "/w1?fieldManager=t&force=true", body: spec,
                contentType: "application/apply-patch+yaml")
            #expect(
                try await eventually {
                    try await status()?[path: "resourceStatus.manifests"]?.arrayValue?.last?[
                        path: "statusFeedback.values"]?
                        .arrayValue?.first?[path: "fieldValue.integer"] == .number("5")
                })
            let second = try #require(try await status())
            #expect(second["conditions"]?.arrayValue?.allSatisfy { $0["observedGeneration"] == .number("2") } == true)
        }
    }

    @Test func agentWaitsForItsDelay() async throws {
        try await withHub(agentDelay: .seconds(30)) { hub in
            let client = HubClient(hub)
            _ = try await client.send("POST", worksPath, body: workJSON(name: "w1", namespace: "edge-1"))
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await client.send("GET", worksPath + "/w1").body["status"] == nil)
        }
    }

    @Test func seededObjectsKeepTheirStatus() async throws {
        try await withHub { hub in
            let cluster = try Value.parseJSON(
                Data(
                    """
                    {"apiVersion":"cluster.open-cluster-management.io/v1","kind":"ManagedCluster",
                     "metadata":{"name":"edge-1","labels":{"zone":"north"}},"spec":{"hubAcceptsClient":true},
                     "status":{"conditions":[{"type":"ManagedClusterConditionAvailable","status":"True"}]}}
                    """.utf8))
            try await hub.seed(cluster)
            let stored = try #require(await hub.objects("managedclusters").first)
            #expect(stored["status"] == cluster["status"])
            #expect(stored[path: "metadata.resourceVersion"] != nil)
            #expect(stored[path: "metadata.uid"] != nil)
            #expect(stored[path: "metadata.creationTimestamp"] != nil)
            #expect(await hub.mutationCount() == 0)
            await #expect(throws: EdgeSimError.self) { try await hub.seed(.object([("kind", .string("Pod"))])) }
        }
    }

    @Test func pluralResourceNames() {
        #expect(WorkAgent.pluralResource("Deployment") == "deployments")
        #expect(WorkAgent.pluralResource("Ingress") == "ingresses")
        #expect(WorkAgent.pluralResource("NetworkPolicy") == "networkpolicies")
        #expect(WorkAgent.pluralResource("Gateway") == "gateways")
    }
}

@Suite struct HubInternalsTests {
    @Test func labelSelectorForms() throws {
        let labels = ["app": "web", "tier": "front"]
        #expect(try LabelSelector(parsing: "app=web,tier==front").matches(labels))
        #expect(try !LabelSelector(parsing: "app!=web").matches(labels))
        #expect(try LabelSelector(parsing: "app,!legacy").matches(labels))
        #expect(try LabelSelector(parsing: "tier in (back, front)").matches(labels))
        #expect(try !LabelSelector(parsing: "tier notin (front)").matches(labels))
        #expect(throws: APIError.self) { try LabelSelector(parsing: "app in web") }
    }

    @Test func printerColumnJSONPath() throws {
        let cluster = try Value.parseJSON(
            Data(
                """
                {"spec":{"managedClusterClientConfigs":[{"url":"https://a"},{"url":"https://b"}]},
                 "status":{"conditions":[{"type":"ManagedClusterJoined","status":"True"},
                                         {"type":"ManagedClusterConditionAvailable","status":"Unknown"}]}}
                """.utf8))
        #expect(
            JSONPath.evaluate(#".status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status"#, on: cluster)
                == [.string("Unknown")])
        #expect(JSONPath.evaluate(".spec.managedClusterClientConfigs[*].url", on: cluster).count == 2)
        #expect(JSONPath.evaluate(".spec.missing", on: cluster).isEmpty)
        #expect(TableBuilder.humanDuration(45) == "45s")
        #expect(TableBuilder.humanDuration(330) == "5m30s")
        #expect(TableBuilder.humanDuration(3 * 86400 + 7200) == "3d2h")
    }

    @Test func discoveryRoutes() throws {
        #expect(try HubRoute(path: "/apis") == .groupList)
        #expect(
            try HubRoute(path: "/apis/work.open-cluster-management.io/v1/manifestworks")
                == .objects(ResourceCatalog.manifestWorks, namespace: nil, name: nil, subresource: nil))
        #expect(
            try HubRoute(path: "/apis/cluster.open-cluster-management.io/v1/managedclusters/c1/status")
                == .objects(ResourceCatalog.managedClusters, namespace: nil, name: "c1", subresource: "status"))
        #expect(throws: APIError.self) {
            try HubRoute(path: "/apis/work.open-cluster-management.io/v1/manifestworks/x")
        }
        let groups = ResourceCatalog.groups
        #expect(
            groups.first { $0.name == ResourceCatalog.clusterGroup }?.versions == [
                "v1", "v1beta2", "v1beta1", "v1alpha1",
            ])
    }
}
