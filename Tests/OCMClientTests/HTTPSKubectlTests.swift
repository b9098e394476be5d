import EdgeSim
import Foundation
import OCMClient
import Testing

/// Stock kubectl against the HTTPS hub: no anonymous reads needed, since client-go sends credentials over TLS.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: kubectlPath)))
struct HTTPSKubectlTests {
    /// Runs kubectl; output goes to a file and termination is awaited (no cooperative thread blocks while kubectl
    /// talks to the in-process hub); `--request-timeout` bounds each of its requests.
    static func run(kubeconfig: String, _ arguments: [String], in folder: TempFolder) async throws
        -> (status: Int32, output: String)
    {
        let home = try folder.write("kubectl-home/.keep", "")
        let homeFolder = URL(fileURLWithPath: home).deletingLastPathComponent().path
        let outputPath = try folder.write("kubectl-output-\(UUID().uuidString)", "")
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kubectlPath)
        process.arguments = ["--kubeconfig", kubeconfig, "--request-timeout=10s"] + arguments
        process.environment = ["HOME": homeFolder, "KUBECACHEDIR": "\(homeFolder)/cache", "PATH": "/usr/bin:/bin"]
        process.standardOutput = output
        process.standardError = output
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume()
            }
        }
        try output.close()
        return (process.terminationStatus, folder.read(URL(fileURLWithPath: outputPath).lastPathComponent) ?? "")
    }

    @Test func kubectlGetsManagedClustersWithTheTokenKubeconfig() async throws {
        try await withHTTPSHub(anonymousReads: false) { hub, folder in
            let path = "\(folder.path)/token-config"
            try hub.writeKubeconfig(to: path)
            let result = try await Self.run(kubeconfig: path, ["get", "managedclusters"], in: folder)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.split(separator: "\n").contains { $0.hasPrefix("edge-1") }, "\(result.output)")
        }
    }

    @Test func kubectlAuthenticatesWithAClientCertificate() async throws {
        try await withHTTPSHub { hub, folder in
            let path = "\(folder.path)/cert-config"
            try hub.writeClientCertificateKubeconfig(to: path, commonName: "kubectl-user", organisations: ["ops"])
            let result = try await Self.run(
                kubeconfig: path, ["get", "managedcluster", "edge-1", "-o", "jsonpath={.metadata.name}"], in: folder)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output == "edge-1")
        }
    }

    /// `kubectl auth whoami` shows the identity the hub took from the certificate: CN as user, O as groups.
    @Test func theCertificateSubjectIsTheIdentity() async throws {
        try await withHTTPSHub { hub, folder in
            let path = "\(folder.path)/cert-config"
            try hub.writeClientCertificateKubeconfig(to: path, commonName: "alice", organisations: ["ops", "audit"])
            let result = try await Self.run(kubeconfig: path, ["auth", "whoami", "-o", "json"], in: folder)
            #expect(result.status == 0, "\(result.output)")
            let review = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
            let userInfo = (review?["status"] as? [String: Any])?["userInfo"] as? [String: Any]
            #expect(userInfo?["username"] as? String == "alice", "\(result.output)")
            #expect(userInfo?["groups"] as? [String] == ["ops", "audit", "system:authenticated"], "\(result.output)")

            let tokenPath = "\(folder.path)/token-config"
            try hub.writeKubeconfig(to: tokenPath)
            let token = try await Self.run(kubeconfig: tokenPath, ["auth", "whoami"], in: folder)
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
            let result = try await Self.run(kubeconfig: path, ["get", "managedclusters"], in: folder)
            #expect(result.status != 0)
            #expect(result.output.contains("certificate"), "\(result.output)")
        }
    }
}
