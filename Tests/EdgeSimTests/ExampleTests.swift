import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

/// `../shared/reference/ocm/examples`: one OCM object per file.
let ocmExamplesFolder = URL(fileURLWithPath: HubConfiguration.defaultCRDFolder).deletingLastPathComponent()
    .appendingPathComponent("examples")

/// OCM's documented objects (`../shared/reference/ocm/examples`) against the hub's CRD validation: the ones the
/// CRD schemas accept are accepted, by POST (plus a `/status` write when the example shows status) and by
/// server-side apply; the ones they reject are rejected.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: ocmExamplesFolder.path)))
struct ExampleTests {
    static let folder = ocmExamplesFolder

    /// The examples the hub must refuse, with the refusal, checked by eye against the files:
    /// - the three `status-example` files and `selective-delete-work` are FRAGMENTs (`metadata: ...`,
    ///   `workload: ...`), so they lack a name or have a string where an object belongs;
    /// - `placement1-decision-1` (L404) shows `status.decisions[]` without the required `reason`;
    /// - `docs_placement_L211` uses Placement `v1alpha1`, which is no longer served;
    /// - ClusterClaims live on managed clusters, never on a hub.
    static let rejected: [String: String] = [
        "docs_manifestwork_L54_manifestwork_status-example.yaml": "422 metadata.name: Required value",
        "docs_manifestwork_L151_manifestwork_status-example.yaml": "422 metadata.name: Required value",
        "docs_manifestwork_L180_manifestwork_status-example.yaml": "422 metadata.name: Required value",
        "docs_manifestwork_L530_manifestwork_selective-delete-work.yaml":
            "422 spec.workload: Invalid value: \"string\"",
        "docs_placement_L404_placementdecision_placement1-decision-1.yaml":
            "status 422 status.decisions[0].reason: Required value",
        "docs_placement_L211_placement_placement1.yaml": "404",
        "docs_clusterclaim_L73_clusterclaim_id.k8s.io.yaml": "404",
        "docs_clusterclaim_L84_clusterclaim_claim-1.yaml": "404",
        "docs_clusterclaim_L102_clusterclaim_claim-3.yaml": "404",
        "docs_clusterclaim_L130_clusterclaim_id.mycompany.com.yaml": "404",
    ]

    /// Sends one example; returns `accepted` or `<code> <message>` (`status <code> <message>` when the status write
    /// failed).
    static func submit(_ file: String, client: HubClient) async throws -> String {
        let data = try Data(contentsOf: folder.appendingPathComponent(file))
        guard var object = try YAMLLoader.load(data, file: file).first?.value else { return "empty" }
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        let clusterScoped = ["ManagedCluster", "ManagedClusterSet", "ClusterClaim"].contains(kind)
        var namespace = object[path: "metadata.namespace"]?.stringValue ?? "default"
        if namespace.hasPrefix("<") {  // `<target managed cluster>`: a placeholder the reader fills in
            namespace = "cluster1"
            object = object.setting(
                "metadata", to: (object["metadata"] ?? .object([])).setting("namespace", to: .string(namespace)))
        }
        let collection =
            "/apis/\(apiVersion)\(clusterScoped ? "" : "/namespaces/\(namespace)")/\(kind.lowercased())s"
        let created = try await client.send("POST", collection, body: object.canonicalJSON())
        guard created.code == 201 else { return "\(created.code) \(created.body["message"]?.stringValue ?? "")" }
        let path = "\(collection)/\(created.body[path: "metadata.name"]?.stringValue ?? "")"
        if let status = object["status"] {
            let written = try await client.send(
                "PUT", path + "/status", body: created.body.setting("status", to: status).canonicalJSON())
            guard written.code == 200 else {
                _ = try await client.send("DELETE", path)
                return "status \(written.code) \(written.body["message"]?.stringValue ?? "")"
            }
        }
        _ = try await client.send("DELETE", path)
        let applied = try await client.send(
            "PATCH", path + "?fieldManager=examples&fieldValidation=Strict", body: object.canonicalJSON(),
            contentType: "application/apply-patch+yaml")
        guard applied.code == 201 else { return "apply \(applied.code) \(applied.body["message"]?.stringValue ?? "")" }
        _ = try await client.send("DELETE", path)
        return "accepted"
    }

    @Test func examplesTheSchemasAcceptAreAcceptedAndTheOthersRejected() async throws {
        try await withHub { hub in
            let client = HubClient(hub)
            let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
                .filter { $0.hasSuffix(".yaml") }.sorted()
            #expect(files.count >= 50)
            var acceptedCount = 0
            for file in files {
                let outcome = try await Self.submit(file, client: client)
                if let expected = Self.rejected[file] {
                    let code = expected.split(separator: " ").prefix(expected.hasPrefix("status") ? 2 : 1)
                        .joined(separator: " ")
                    let detail = expected.dropFirst(code.count).trimmingCharacters(in: .whitespaces)
                    #expect(
                        outcome.hasPrefix(code) && (detail.isEmpty || outcome.contains(detail)), "\(file): \(outcome)")
                } else {
                    #expect(outcome == "accepted", "\(file): \(outcome)")
                    acceptedCount += 1
                }
            }
            #expect(acceptedCount == files.count - Self.rejected.count)
        }
    }
}
