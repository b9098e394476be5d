import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

/// Stock kubectl (v1.32) against the hub over HTTPS with the bearer token: watch, server-side apply of OCM's own
/// examples (default `--validate=strict`, which needs `/openapi/v3`), namespace creation, delete.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")))
struct KubectlHubTests {
    /// Starts an HTTPS hub, writes its kubeconfig and runs `body` with kubectl's base arguments.
    func withKubectl(_ body: (EdgeSimHub, [String]) async throws -> Void) async throws {
        try await withHub(configuration: HubConfiguration(agentDelay: .milliseconds(50)), tls: try HubTLS()) { hub in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "edgesim-kc-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let kubeconfig = folder.appendingPathComponent("kubeconfig").path
            try hub.writeKubeconfig(to: kubeconfig)
            try await body(hub, ["--kubeconfig", kubeconfig, "--request-timeout=20s"])
        }
    }

    func kubectl(_ base: [String], _ arguments: String...) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run("/usr/bin/kubectl", base + arguments)
    }

    @Test func watchPrintsManifestWorkEventsAcrossNamespaces() async throws {
        try await withKubectl { hub, base in
            try await hub.seed(
                try Value.parseJSON(Data(workJSON(name: "first", namespace: "edge-1").utf8)))
            let watch = try ChildProcess("/usr/bin/kubectl", base + ["get", "manifestworks", "-A", "--watch"])
            defer { Task { await watch.kill() } }
            #expect(await watch.waitForOutput { $0.contains("first") }, "\(watch.text)")
            try await hub.seed(try Value.parseJSON(Data(workJSON(name: "second", namespace: "edge-2").utf8)))
            #expect(await watch.waitForOutput { $0.contains("second") }, "\(watch.text)")
            let lines = watch.text.split(separator: "\n")
            #expect(lines.first?.contains("NAMESPACE") == true, "\(watch.text)")
            #expect(lines.contains { $0.contains("edge-2") && $0.contains("second") }, "\(watch.text)")
            #expect(lines.filter { $0.contains("NAMESPACE") }.count == 1, "one header: \(watch.text)")
            await watch.kill()
            // One object (kubectl watches it through a field selector on metadata.name).
            let single = try ChildProcess(
                "/usr/bin/kubectl", base + ["get", "manifestwork", "-n", "edge-2", "second", "--watch", "-o", "name"])
            defer { Task { await single.kill() } }
            #expect(await single.waitForOutput { $0.contains("second") }, "\(single.text)")
            try await hub.seed(try Value.parseJSON(Data(workJSON(name: "third", namespace: "edge-2").utf8)))
            await hub.setAgent(cluster: "edge-2", behaviour: .failing)
            try await Task.sleep(for: .milliseconds(500))
            #expect(!single.text.contains("third"), "\(single.text)")
            #expect(single.text.split(separator: "\n").count >= 2, "the status change of second: \(single.text)")
            await single.kill()
        }
    }

    @Test func serverSideApplyOfOCMExamplesThenDelete() async throws {
        try await withKubectl { hub, base in
            let work = ocmExamplesFolder.appendingPathComponent(
                "docs_deploy-kubernetes-resources_L82_manifestwork_my-first-work.yaml"
            ).path
            let placement = ocmExamplesFolder.appendingPathComponent("docs_placement_L72_placement_placement1.yaml")
                .path
            // kubectl sends this one as protobuf.
            let namespace = try await kubectl(base, "create", "namespace", "ns1")
            #expect(namespace.status == 0, "\(namespace.output)")
            let listed = try await kubectl(base, "get", "namespace", "ns1")
            #expect(listed.status == 0 && listed.output.contains("ns1"), "\(listed.output)")
            for file in [work, placement] {
                let applied = try await kubectl(base, "apply", "--server-side", "-f", file)
                #expect(applied.status == 0, "\(applied.output)")
                #expect(applied.output.contains("serverside-applied"), "\(applied.output)")
            }
            let works = await hub.objects("manifestworks", namespace: "cluster1")
            #expect(works.map { $0[path: "metadata.name"] } == [.string("my-first-work")])
            let manager = works.first?[path: "metadata.managedFields"]?.arrayValue?.first
            #expect(manager?["manager"] == .string("kubectl"))
            #expect(manager?["operation"] == .string("Apply"))
            let placements = await hub.objects("placements", namespace: "ns1")
            #expect(placements.first?[path: "spec.numberOfClusters"] == .number("3"))
            #expect(placements.first?[path: "spec.clusterSets"] == .array([.string("prod")]))

            let again = try await kubectl(base, "apply", "--server-side", "-f", work)
            #expect(again.status == 0, "\(again.output)")
            let got = try await kubectl(base, "get", "manifestwork", "-n", "cluster1", "my-first-work")
            #expect(got.status == 0 && got.output.contains("my-first-work"), "\(got.output)")

            for file in [work, placement] {
                let deleted = try await kubectl(base, "delete", "-f", file)
                #expect(deleted.status == 0, "\(deleted.output)")
            }
            #expect(await hub.objects("manifestworks").isEmpty)
            #expect(await hub.objects("placements").isEmpty)
        }
    }

    @Test func serverSideApplyOfAnInvalidObjectShowsTheFieldPath() async throws {
        try await withKubectl { _, base in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "edgesim-bad-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("bad.yaml")
            try Data(
                """
                apiVersion: cluster.open-cluster-management.io/v1beta1
                kind: Placement
                metadata: {name: bad, namespace: ns1}
                spec:
                  numberOfClusters: three
                  unknownField: 1

                """.utf8
            ).write(to: file)
            let refused = try await kubectl(base, "apply", "--server-side", "-f", file.path)
            #expect(refused.status != 0)
            #expect(
                refused.output.contains("unknownField") || refused.output.contains("numberOfClusters"),
                "\(refused.output)")
        }
    }
}
