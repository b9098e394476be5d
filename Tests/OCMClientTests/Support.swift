import AppModel
import EdgeSim
import Foundation
import OCMClient

/// A started hub with a kubeconfig file and a client for it; `finish()` stops and removes everything.
struct HubFixture {
    let hub: EdgeSimHub
    let kubeconfigPath: String
    let client: KubeClient

    static func start(
        agentDelay: Duration = .milliseconds(30), anonymousReads: Bool = false
    ) async throws
        -> HubFixture
    {
        let hub = EdgeSimHub(configuration: HubConfiguration(agentDelay: agentDelay, anonymousReads: anonymousReads))
        try await hub.start()
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("edgesim-\(UUID().uuidString).kubeconfig").path
        try hub.writeKubeconfig(to: path)
        let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: path))
        return HubFixture(hub: hub, kubeconfigPath: path, client: client)
    }

    func finish() async {
        try? await client.shutdown()
        await hub.stop()
        try? FileManager.default.removeItem(atPath: kubeconfigPath)
    }
}

/// Runs `body` against a fresh hub and always cleans up.
func withFixture<T>(
    agentDelay: Duration = .milliseconds(30), anonymousReads: Bool = false, _ body: (HubFixture) async throws -> T
) async throws -> T {
    let fixture = try await HubFixture.start(agentDelay: agentDelay, anonymousReads: anonymousReads)
    do {
        let result = try await body(fixture)
        await fixture.finish()
        return result
    } catch {
        await fixture.finish()
        throw error
    }
}

/// A ManifestWork JSON body, as Placer renders it, with one Deployment.
func manifestWork(name: String, cluster: String, labels: [String: String] = [:], replicas: Int = 2) -> Data {
    let labelValue = Value.object(labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })
    let work: Value = .object([
        ("apiVersion", .string("work.open-cluster-management.io/v1")), ("kind", .string("ManifestWork")),
        ("metadata", .object([("name", .string(name)), ("namespace", .string(cluster)), ("labels", labelValue)])),
        (
            "spec",
            .object([
                (
                    "workload",
                    .object([
                        (
                            "manifests",
                            .array([
                                .object([
                                    ("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")),
                                    (
                                        "metadata",
                                        .object([("name", .string(name)), ("namespace", .string("default"))])
                                    ),
                                    ("spec", .object([("replicas", .int(replicas))])),
                                ])
                            ])
                        )
                    ])
                )
            ])
        ),
    ])
    return work.canonicalJSONData()
}

/// A ManagedCluster with status, as a registration agent would have written it.
func managedCluster(_ name: String, available: Bool = true) -> Value {
    .object([
        ("apiVersion", .string("cluster.open-cluster-management.io/v1")), ("kind", .string("ManagedCluster")),
        ("metadata", .object([("name", .string(name)), ("labels", .object([("zone", .string("north"))]))])),
        (
            "spec",
            .object([
                ("hubAcceptsClient", .bool(true)),
                ("taints", .array([.object([("key", .string("gpu")), ("effect", .string("PreferNoSelect"))])])),
            ])
        ),
        (
            "status",
            .object([
                ("capacity", .object([("cpu", .string("8")), ("memory", .string("16Gi"))])),
                ("allocatable", .object([("cpu", .string("7500m")), ("memory", .string("15Gi"))])),
                (
                    "conditions",
                    .array([
                        .object([
                            ("type", .string("ManagedClusterJoined")), ("status", .string("True")),
                            ("reason", .string("ManagedClusterJoined")),
                        ]),
                        .object([
                            ("type", .string("ManagedClusterConditionAvailable")),
                            ("status", .string(available ? "True" : "Unknown")),
                            ("reason", .string("ManagedClusterAvailable")),
                        ]),
                    ])
                ),
                ("clusterClaims", .array([.object([("name", .string("region")), ("value", .string("eu-west"))])])),
            ])
        ),
    ])
}
