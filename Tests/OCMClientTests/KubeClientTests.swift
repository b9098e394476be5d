import AppModel
import EdgeSim
import Foundation
import OCMClient
import PlacerTestSupport
import Testing

@Suite struct KubeClientTests {
    @Test func appliedWorkIsStoredAndTheAgentReportsIt() async throws {
        try await withFixture { fixture in
            let client = fixture.client
            let stored = try await client.apply(
                .manifestWork, namespace: "edge-1", name: "shop", body: manifestWork(name: "shop", cluster: "edge-1"))
            #expect(try ManifestWorkObject.decode(stored).metadata.resourceVersion != nil)
            let read = try #require(try await client.get(.manifestWork, namespace: "edge-1", name: "shop"))
            let work = try ManifestWorkObject.decode(read)
            #expect(work.metadata.name == "shop")
            #expect(work.metadata.namespace == "edge-1")
            #expect(work.metadata.generation == 1)
            #expect(work.metadata.resourceVersion?.isEmpty == false)

            var reported: ManifestWorkObject?
            #expect(
                try await eventually {
                    guard let data = try await client.get(.manifestWork, namespace: "edge-1", name: "shop") else {
                        return false
                    }
                    reported = try ManifestWorkObject.decode(data)
                    return reported?.status != nil
                })
            let status = try #require(reported?.status)
            #expect(status.conditions[type: "Applied"]?.isTrue == true)
            #expect(status.conditions[type: "Applied"]?.reason == "AppliedManifestWorkComplete")
            #expect(status.conditions[type: "Available"]?.isTrue == true)
            #expect(status.conditions[type: "Available"]?.message == "All resources are available")
            #expect(reported?.isStatusCurrent == true)
            let manifest = try #require(status.resourceStatus?.manifests.first)
            #expect(manifest.resourceMeta.kind == "Deployment")
            #expect(manifest.resourceMeta.resource == "deployments")
            #expect(manifest.conditions[type: "Available"]?.isTrue == true)
        }
    }

    @Test func anIdenticalApplyChangesNothing() async throws {
        try await withFixture(agentDelay: .seconds(60)) { fixture in
            let client = fixture.client
            let body = manifestWork(name: "shop", cluster: "edge-1")
            let first = try ManifestWorkObject.decode(
                try await client.apply(.manifestWork, namespace: "edge-1", name: "shop", body: body))
            let mutations = await fixture.hub.mutationCount()
            #expect(mutations == 1)
            let second = try ManifestWorkObject.decode(
                try await client.apply(.manifestWork, namespace: "edge-1", name: "shop", body: body))
            #expect(second.metadata.resourceVersion == first.metadata.resourceVersion)
            #expect(await fixture.hub.mutationCount() == mutations)
            let changed = try ManifestWorkObject.decode(
                try await client.apply(
                    .manifestWork, namespace: "edge-1", name: "shop",
                    body: manifestWork(name: "shop", cluster: "edge-1", replicas: 4)))
            #expect(changed.metadata.resourceVersion != first.metadata.resourceVersion)
            #expect(changed.metadata.generation == 2)
            #expect(await fixture.hub.mutationCount() == mutations + 1)
        }
    }

    @Test func listFiltersByLabelSelectorAcrossNamespaces() async throws {
        try await withFixture(agentDelay: .seconds(60)) { fixture in
            let client = fixture.client
            for (name, cluster, app) in [("a", "edge-1", "web"), ("b", "edge-2", "web"), ("c", "edge-2", "db")] {
                _ = try await client.apply(
                    .manifestWork, namespace: cluster, name: name,
                    body: manifestWork(name: name, cluster: cluster, labels: ["placer.io/app": app]))
            }
            func names(_ namespace: String?, _ selector: String?) async throws -> [String] {
                try await client.list(.manifestWork, namespace: namespace, labelSelector: selector)
                    .map { try ManifestWorkObject.decode($0).metadata.name }
            }
            #expect(try await names(nil, nil) == ["a", "b", "c"])
            #expect(try await names(nil, "placer.io/app=web") == ["a", "b"])
            #expect(try await names("edge-2", "placer.io/app=web") == ["b"])
            #expect(try await names(nil, "placer.io/app!=web") == ["c"])
            #expect(try await names("edge-3", nil) == [])
        }
    }

    @Test func deletedObjectsReadAsNil() async throws {
        try await withFixture(agentDelay: .seconds(60)) { fixture in
            let client = fixture.client
            _ = try await client.apply(
                .manifestWork, namespace: "edge-1", name: "shop", body: manifestWork(name: "shop", cluster: "edge-1"))
            try await client.delete(.manifestWork, namespace: "edge-1", name: "shop")
            #expect(try await client.get(.manifestWork, namespace: "edge-1", name: "shop") == nil)
            try await client.delete(.manifestWork, namespace: "edge-1", name: "shop")  // already gone: fine
            #expect(await fixture.hub.objects("manifestworks").isEmpty)
        }
    }

    @Test func seededClustersDecode() async throws {
        try await withFixture { fixture in
            try await fixture.hub.seed(managedCluster("edge-1"))
            try await fixture.hub.seed(managedCluster("edge-2", available: false))
            let clusters = try await fixture.client.list(.managedCluster, namespace: nil)
                .map(ManagedClusterObject.decode)
            #expect(clusters.map(\.metadata.name) == ["edge-1", "edge-2"])
            #expect(clusters.map(\.isAvailable) == [true, false])
            let first = try #require(clusters.first)
            #expect(first.spec.hubAcceptsClient)
            #expect(first.spec.taints.first?.effect == "PreferNoSelect")
            #expect(first.status?.allocatable["cpu"] == "7500m")
            #expect(first.status?.clusterClaims.first?.value == "eu-west")
            #expect(first.metadata.labels?["zone"] == "north")
            let namespaces = try await fixture.client.list(.namespace, namespace: nil)
            #expect(namespaces.count == 3)  // default, edge-1, edge-2
        }
    }

    @Test func aWrongTokenIs401WithoutTheToken() async throws {
        try await withFixture { fixture in
            var kubeconfig = try Kubeconfig.load(path: fixture.kubeconfigPath)
            let wrongToken = "wrong-secret-token-\(UUID().uuidString)"
            kubeconfig.token = wrongToken
            let client = try KubeClient(kubeconfig: kubeconfig)
            defer { Task { try? await client.shutdown() } }
            let error = await #expect(throws: KubeError.self) {
                _ = try await client.get(.manifestWork, namespace: "edge-1", name: "shop")
            }
            #expect(error?.statusCode == 401)
            #expect(error?.reason == "Unauthorized")
            #expect(error?.isUnauthorized == true)
            let description = try #require(error?.description)
            #expect(!description.contains(wrongToken))
            #expect(!description.contains(fixture.hub.configuration.token))
            #expect(description.contains("401"))
            try await client.shutdown()
        }
    }

    @Test func anUnreachableHubIsOneClearLine() async throws {
        let hub = EdgeSimHub()
        try await hub.start()
        let url = hub.baseURL
        await hub.stop()  // the port is free again: nothing listens there
        let client = try KubeClient(
            kubeconfig: Kubeconfig(server: url, token: "secret-token-value"), connectTimeout: .milliseconds(300))
        let started = ContinuousClock.now
        let error = await #expect(throws: KubeError.self) {
            _ = try await client.list(.managedCluster, namespace: nil)
        }
        try await client.shutdown()
        #expect(ContinuousClock.now - started < .seconds(5), "the connect timeout bounds the wait")
        #expect(error?.kind == .unreachable)
        #expect(error?.description == "cannot reach hub \(url): connection refused")
        #expect(error?.description.contains("secret-token-value") == false)
    }

    @Test func conflictsAndHTTPErrorsCarryTheStatus() async throws {
        try await withFixture(agentDelay: .seconds(60)) { fixture in
            // A body whose name does not match the URL: the hub answers 400 with a Status.
            let error = await #expect(throws: KubeError.self) {
                _ = try await fixture.client.apply(
                    .manifestWork, namespace: "edge-1", name: "other",
                    body: manifestWork(name: "shop", cluster: "edge-1"))
            }
            #expect(error?.statusCode == 400)
            #expect(error?.reason == "BadRequest")
            #expect(error?.description.contains("does not match the name on the URL") == true)
        }
    }
}
