import EdgeSim
import Foundation
import OCMClient
import Testing

/// OCMClient against the EdgeSim hub over real HTTPS, with each kind of kubeconfig authentication.
@Suite struct HTTPSHubTests {
    @Test func tokenOverHTTPSWithTheCAFromTheKubeconfig() async throws {
        try await withHTTPSHub { hub, folder in
            #expect(hub.baseURL.hasPrefix("https://127.0.0.1:"))
            let path = "\(folder.path)/config"
            try hub.writeKubeconfig(to: path)
            let kubeconfig = try Kubeconfig.load(path: path)
            #expect(kubeconfig.server == hub.baseURL)
            #expect(kubeconfig.certificateAuthorityPEM == Data(try #require(hub.tls).caCertificatePEM.utf8))
            #expect(try await listClusters(kubeconfig) == ["edge-1"])

            var anonymous = kubeconfig
            anonymous.token = nil
            let error = await caught { _ = try await listClusters(anonymous) }
            #expect(
                (error as? KubeError)?.statusCode == 401, "no token and no certificate: \(String(describing: error))")
        }
    }

    @Test func clientCertificateAsData() async throws {
        try await withHTTPSHub { hub, folder in
            let path = "\(folder.path)/config"
            try hub.writeClientCertificateKubeconfig(to: path, commonName: "alice", organisations: ["ops"])
            let text = try #require(folder.read("config"))
            #expect(text.contains("client-certificate-data:") && text.contains("client-key-data:"))
            let kubeconfig = try Kubeconfig.load(path: path)
            #expect(kubeconfig.token == nil)
            #expect(kubeconfig.clientKeyPEM != nil)
            #expect(try await listClusters(kubeconfig) == ["edge-1"])

            // As in kube-apiserver's union authenticator, a valid certificate wins over a wrong token.
            var alsoAWrongToken = kubeconfig
            alsoAWrongToken.token = "wrong-token"
            #expect(try await listClusters(alsoAWrongToken) == ["edge-1"])

            var withoutCertificate = kubeconfig
            (withoutCertificate.clientCertificatePEM, withoutCertificate.clientKeyPEM) = (nil, nil)
            let error = await caught { _ = try await listClusters(withoutCertificate) }
            #expect((error as? KubeError)?.statusCode == 401, "\(String(describing: error))")
        }
    }

    @Test func clientCertificateAndCAAsFilesRelativeToTheKubeconfig() async throws {
        try await withHTTPSHub { hub, folder in
            let tls = try #require(hub.tls)
            let issued = try hub.issueClientCertificate(commonName: "bob", organisations: ["system:masters"])
            try folder.write("pki/ca.crt", tls.caCertificatePEM)
            try folder.write("pki/bob.crt", issued.certificatePEM)
            try folder.write("pki/bob.key", issued.keyPEM)
            let path = try folder.write(
                "config",
                kubeconfigText(
                    cluster: ["server: \(hub.baseURL)", "certificate-authority: pki/ca.crt"],
                    user: ["client-certificate: pki/bob.crt", "client-key: pki/bob.key"]))
            #expect(try await listClusters(try Kubeconfig.load(path: path)) == ["edge-1"])

            // A certificate from another CA is refused in the handshake.
            let stranger = try HubTLS().issueClientCertificate(commonName: "mallory", organisations: ["system:masters"])
            try folder.write("pki/bob.crt", stranger.certificatePEM)
            try folder.write("pki/bob.key", stranger.keyPEM)
            let error = await caught { _ = try await listClusters(try Kubeconfig.load(path: path)) }
            #expect((error as? KubeError)?.kind == .unreachable, "\(String(describing: error))")
        }
    }

    @Test func aChangedTokenFileIsPickedUp() async throws {
        try await withHTTPSHub { hub, folder in
            let ca = try #require(hub.tls).caCertificatePEM
            try folder.write("token", "not-the-token\n")
            let path = try folder.write(
                "config",
                kubeconfigText(
                    cluster: ["server: \(hub.baseURL)", dataField("certificate-authority-data", ca)],
                    user: ["tokenFile: token", "token: ignored-because-tokenFile-wins"]))
            let kubeconfig = try Kubeconfig.load(path: path)
            #expect(kubeconfig.tokenFile == "\(folder.path)/token")
            let client = try KubeClient(kubeconfig: kubeconfig, retryPolicy: .none)
            let refused = await caught { _ = try await client.list(.managedCluster, namespace: nil) }
            #expect((refused as? KubeError)?.statusCode == 401, "\(String(describing: refused))")
            try folder.write("token", "\(hub.configuration.token)\n")
            let items = try await client.list(.managedCluster, namespace: nil)
            #expect(items.count == 1, "the same client reads the rotated token")
            try FileManager.default.removeItem(atPath: "\(folder.path)/token")
            #expect(try await client.list(.managedCluster, namespace: nil).count == 1, "the last good token is kept")
            try await client.shutdown()
        }
    }

    @Test func aWrongCAFailsVerification() async throws {
        try await withHTTPSHub { hub, folder in
            let otherCA = try HubTLS().caCertificatePEM
            let path = try folder.write(
                "config",
                kubeconfigText(
                    cluster: ["server: \(hub.baseURL)", dataField("certificate-authority-data", otherCA)],
                    user: ["token: \(hub.configuration.token)"]))
            let error = await caught { _ = try await listClusters(try Kubeconfig.load(path: path)) }
            let kubeError = try #require(error as? KubeError, "\(String(describing: error))")
            #expect(kubeError.kind == .unreachable)
            #expect(kubeError.description.contains("TLS"), "\(kubeError)")
            #expect(kubeError.description.lowercased().contains("verif"), "\(kubeError)")
            #expect(!kubeError.description.contains(hub.configuration.token))

            // No CA at all: the system roots do not know the hub's CA either.
            var systemRoots = try Kubeconfig.load(path: path)
            systemRoots.certificateAuthorityPEM = nil
            let untrusted = await caught { _ = try await listClusters(systemRoots) }
            #expect((untrusted as? KubeError)?.kind == .unreachable, "\(String(describing: untrusted))")
        }
    }

    @Test func insecureSkipTLSVerifyWorksButNeverWithACA() async throws {
        try await withHTTPSHub { hub, folder in
            let path = try folder.write(
                "config",
                kubeconfigText(
                    cluster: ["server: \(hub.baseURL)", "insecure-skip-tls-verify: true"],
                    user: ["token: \(hub.configuration.token)"]))
            let kubeconfig = try Kubeconfig.load(path: path)
            #expect(kubeconfig.insecureSkipTLSVerify)
            #expect(try await listClusters(kubeconfig) == ["edge-1"])

            let both = try folder.write(
                "both",
                kubeconfigText(
                    cluster: [
                        "server: \(hub.baseURL)", "insecure-skip-tls-verify: true",
                        dataField("certificate-authority-data", try #require(hub.tls).caCertificatePEM),
                    ],
                    user: []))
            let error = #expect(throws: KubeconfigError.self) { try Kubeconfig.load(path: both) }
            #expect(error?.description.contains("clusters[edgesim].cluster.insecure-skip-tls-verify") == true)
        }
    }

    /// The server certificate names only `hub.edgesim.test` (no IP address), so connecting to 127.0.0.1 works only
    /// when `tls-server-name` says which name to verify.
    @Test func tlsServerNameIsWhatTheCertificateIsCheckedAgainst() async throws {
        let tls = try HubTLS(dnsNames: ["hub.edgesim.test"], ipAddresses: [])
        try await withHTTPSHub(tls: tls) { hub, folder in
            func config(_ name: String?) throws -> Kubeconfig {
                var cluster = ["server: \(hub.baseURL)", dataField("certificate-authority-data", tls.caCertificatePEM)]
                if let name { cluster.append("tls-server-name: \(name)") }
                return try Kubeconfig(
                    parsing: Data(kubeconfigText(cluster: cluster, user: ["token: \(hub.configuration.token)"]).utf8))
            }
            let named = try config("hub.edgesim.test")
            #expect(named.tlsServerName == "hub.edgesim.test")
            let names = try await listClusters(named)
            #expect(names == ["edge-1"])
            for name in [nil, "other.example"] {
                let kubeconfig = try config(name)
                let error = await caught { _ = try await listClusters(kubeconfig) }
                #expect((error as? KubeError)?.kind == .unreachable, "\(name ?? "none"): \(String(describing: error))")
            }
        }
    }
}
