import AppModel
import EdgeSim
import Foundation
import OCMClient
import PlacerTestSupport
import Testing

/// Where the machine's stock kubectl (v1.32) lives.
let kubectlPath = "/usr/bin/kubectl"

/// Stock kubectl against the EdgeSim hub.
///
/// The hubs here allow anonymous reads: kubectl (client-go) sends a kubeconfig's bearer token only over TLS, and
/// the hub speaks plain http for now.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: kubectlPath)))
struct KubectlTests {
    static let kubectl = kubectlPath

    /// Runs kubectl with the fixture's kubeconfig; returns exit status and combined output.
    static func run(_ fixture: HubFixture, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await run(kubeconfig: fixture.kubeconfigPath, arguments)
    }

    /// Runs kubectl with `kubeconfig`; output goes to a file and termination is awaited, so no cooperative
    /// thread blocks while kubectl talks to the in-process hub; `--request-timeout` bounds each request.
    static func run(kubeconfig: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let cacheDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kubectl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: cacheDirectory) }
        return try await runProgram(
            kubectl, ["--kubeconfig", kubeconfig, "--request-timeout=10s"] + arguments,
            environment: ["HOME": cacheDirectory.path, "KUBECACHEDIR": cacheDirectory.path, "PATH": "/usr/bin:/bin"])
    }

    @Test func getManifestWorksInAllNamespaces() async throws {
        try await withFixture(anonymousReads: true) { fixture in
            _ = try await fixture.client.apply(
                .manifestWork, namespace: "edge-7", name: "shop-web",
                body: manifestWork(name: "shop-web", cluster: "edge-7"))
            let result = try await Self.run(fixture, ["get", "manifestworks", "-A"])
            #expect(result.status == 0, "\(result.output)")
            let row = result.output.split(separator: "\n").first { $0.contains("shop-web") }
            #expect(row?.contains("edge-7") == true, "\(result.output)")
            #expect(result.output.contains("NAMESPACE"), "\(result.output)")
        }
    }

    @Test func getManagedClustersShowsPrinterColumns() async throws {
        try await withFixture(anonymousReads: true) { fixture in
            try await fixture.hub.seed(managedCluster("edge-1"))
            let result = try await Self.run(fixture, ["get", "managedclusters"])
            #expect(result.status == 0, "\(result.output)")
            let lines = result.output.split(separator: "\n")
            #expect(lines.first?.contains("AVAILABLE") == true, "\(result.output)")
            #expect(lines.contains { $0.hasPrefix("edge-1") && $0.contains("True") }, "\(result.output)")
            let short = try await Self.run(
                fixture, ["get", "mcl", "edge-1", "-o", "jsonpath={.status.clusterClaims[0].value}"])
            #expect(short.status == 0, "\(short.output)")
            #expect(short.output == "eu-west")
        }
    }

    @Test func kubectlSeesMissingObjectsAsNotFound() async throws {
        try await withFixture(anonymousReads: true) { fixture in
            let result = try await Self.run(fixture, ["get", "manifestwork", "-n", "edge-1", "nope"])
            #expect(result.status != 0)
            #expect(result.output.contains("not found"), "\(result.output)")
        }
    }
}
