import EdgeSim
import Foundation
import OCMClient
import Testing

/// Stock kubectl against the HTTPS hub: no anonymous reads needed, since client-go sends credentials over TLS.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: kubectlPath)))
struct HTTPSKubectlTests {
    @Test func kubectlGetsManagedClustersWithTheTokenKubeconfig() async throws {
        try await withHTTPSHub(anonymousReads: false) { hub, folder in
            let path = "\(folder.path)/token-config"
            try hub.writeKubeconfig(to: path)
            let result = try await KubectlTests.run(kubeconfig: path, ["get", "managedclusters"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.split(separator: "\n").contains { $0.hasPrefix("edge-1") }, "\(result.output)")
        }
    }

    @Test func kubectlAuthenticatesWithAClientCertificate() async throws {
        try await withHTTPSHub { hub, folder in
            let path = "\(folder.path)/cert-config"
            try hub.writeClientCertificateKubeconfig(to: path, commonName: "kubectl-user", organisations: ["ops"])
            let result = try await KubectlTests.run(
                kubeconfig: path, ["get", "managedcluster", "edge-1", "-o", "jsonpath={.metadata.name}"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output == "edge-1")
        }
    }

    /// `kubectl auth whoami` shows the identity the hub took from the certificate: CN as user, O as groups.
    @Test func theCertificateSubjectIsTheIdentity() async throws {
        try await withHTTPSHub { hub, folder in
            let path = "\(folder.path)/cert-config"
            try hub.writeClientCertificateKubeconfig(to: path, commonName: "alice", organisations: ["ops", "audit"])
            let result = try await KubectlTests.run(kubeconfig: path, ["auth", "whoami", "-o", "json"])
            #expect(result.status == 0, "\(result.output)")
            let review = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            let userInfo = (review?["status"] as? [String: Any])?["userInfo"] as? [String: Any]
            #expect(userInfo?["username"] as? String == "alice", "\(result.output)")
            #expect(userInfo?["groups"] as? [String] == ["ops", "audit", "system:authenticated"], "\(result.output)")

            let tokenPath = "\(folder.path)/token-config"
            try hub.writeKubeconfig(to: tokenPath)
            let token = try await KubectlTests.run(kubeconfig: tokenPath, ["auth", "whoami"])
            #expect(token.status == 0 && token.output.contains("edgesim"), "\(token.output)")
        }
    }

    @Test func kubectlRefusesAHubSignedByAnotherCA() async throws {
        try await withHTTPSHub { hub, folder in
            let path = try folder.write(
                "wrong-ca",
                kubeconfigText(
                    cluster: [
                        "server: \(hub.baseURL)",
                        dataField("certificate-authority-data", try HubTLS().caCertificatePEM),
                    ],
                    user: ["token: \(hub.configuration.token)"]))
            let result = try await KubectlTests.run(kubeconfig: path, ["get", "managedclusters"])
            #expect(result.status != 0)
            #expect(result.output.contains("certificate"), "\(result.output)")
        }
    }
}
