import EdgeSim
import Foundation
import OCMClient
import Testing

/// Exec credential plugins, `KUBECONFIG` merging, `--context`, in-cluster config and secret hygiene, against the
/// HTTPS hub.
@Suite struct KubeconfigAuthTests {
    /// A plugin script that counts its runs, saves `KUBERNETES_EXEC_INFO`, and prints an ExecCredential with the token
    /// it is given in `HUB_TOKEN` (set through the kubeconfig's `exec.env`).
    static func tokenPlugin(apiVersion: String, expiration: String?) -> String {
        let expiry = expiration.map { #","expirationTimestamp":"\#($0)""# } ?? ""
        return """
            #!/bin/sh
            here=$(dirname "$0")
            echo run >> "$here/runs"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "$here/exec-info"
            printf '{"apiVersion":"\(apiVersion)","kind":"ExecCredential","status":{"token":"%s"\(expiry)}}' "$HUB_TOKEN"

            """
    }

    @Test func execPluginTokenIsUsedAndCachedWithoutExpiry() async throws {
        try await withHTTPSHub { hub, folder in
            let ca = try #require(hub.tls).caCertificatePEM
            try folder.write(
                "bin/credential", Self.tokenPlugin(apiVersion: "client.authentication.k8s.io/v1", expiration: nil),
                executable: true)
            let path = try folder.write(
                "config",
                kubeconfigText(
                    cluster: ["server: \(hub.baseURL)", dataField("certificate-authority-data", ca)],
                    user: [
                        "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: ./bin/credential",
                        "  args: [--cluster, edgesim]", "  env: [{name: HUB_TOKEN, value: \(hub.configuration.token)}]",
                        "  interactiveMode: Never", "  provideClusterInfo: true",
                    ]))
            let kubeconfig = try Kubeconfig.load(path: path)
            #expect(kubeconfig.exec?.command == "\(folder.path)/./bin/credential")
            #expect(kubeconfig.exec?.arguments == ["--cluster", "edgesim"])
            let client = try KubeClient(kubeconfig: kubeconfig, retryPolicy: .none)
            #expect(try await client.list(.managedCluster, namespace: nil).count == 1)
            #expect(try await client.list(.managedCluster, namespace: nil).count == 1)
            try await client.shutdown()
            #expect(folder.read("bin/runs") == "run\n", "the plugin ran once: its token is cached without an expiry")
            let info = try #require(folder.read("bin/exec-info"))
            let request = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
            #expect(request["apiVersion"] as? String == "client.authentication.k8s.io/v1")
            #expect(request["kind"] as? String == "ExecCredential")
            let spec = try #require(request["spec"] as? [String: Any])
            #expect(spec["interactive"] as? Bool == false)
            #expect((spec["cluster"] as? [String: Any])?["server"] as? String == hub.baseURL)
        }
    }

    @Test func anExpiredExecCredentialRunsThePluginAgain() async throws {
        try await withHTTPSHub { hub, folder in
            let ca = try #require(hub.tls).caCertificatePEM
            let plugin = Self.tokenPlugin(
                apiVersion: "client.authentication.k8s.io/v1beta1", expiration: "2001-01-01T00:00:00Z")
            let command = try folder.write("credential", plugin, executable: true)
            let path = try folder.write(
                "config",
                kubeconfigText(
                    cluster: ["server: \(hub.baseURL)", dataField("certificate-authority-data", ca)],
                    user: [
                        "exec:", "  apiVersion: client.authentication.k8s.io/v1beta1", "  command: \(command)",
                        "  env: [{name: HUB_TOKEN, value: \(hub.configuration.token)}]",
                    ]))
            let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: path), retryPolicy: .none)
            _ = try await client.list(.managedCluster, namespace: nil)
            _ = try await client.list(.managedCluster, namespace: nil)
            try await client.shutdown()
            #expect(folder.read("runs") == "run\nrun\n")
            #expect(folder.read("exec-info")?.contains("client.authentication.k8s.io/v1beta1") == true)
        }
    }

    @Test func execPluginClientCertificate() async throws {
        try await withHTTPSHub { hub, folder in
            let ca = try #require(hub.tls).caCertificatePEM
            let issued = try hub.issueClientCertificate(commonName: "carol", organisations: ["system:masters"])
            let credential: [String: Any] = [
                "apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                "status": ["clientCertificateData": issued.certificatePEM, "clientKeyData": issued.keyPEM],
            ]
            try folder.write(
                "credential.json",
                String(decoding: try JSONSerialization.data(withJSONObject: credential), as: UTF8.self))
            let command = try folder.write(
                "credential", "#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n", executable: true)
            let path = try folder.write(
                "config",
                kubeconfigText(
                    cluster: ["server: \(hub.baseURL)", dataField("certificate-authority-data", ca)],
                    user: [
                        "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(command)",
                        "  interactiveMode: IfAvailable",
                    ]))
            #expect(try await listClusters(try Kubeconfig.load(path: path)) == ["edge-1"])
        }
    }

    @Test func aFailingExecPluginIsAClearError() async throws {
        try await withHTTPSHub { hub, folder in
            let failing = try folder.write(
                "failing", "#!/bin/sh\necho 'error: you must log in first' >&2\nexit 3\n", executable: true)
            func config(_ command: String) throws -> Kubeconfig {
                try Kubeconfig(
                    parsing: Data(
                        kubeconfigText(
                            cluster: ["server: \(hub.baseURL)", "insecure-skip-tls-verify: true"],
                            user: [
                                "exec:", "  apiVersion: client.authentication.k8s.io/v1", "  command: \(command)",
                                "  interactiveMode: Never", "  installHint: install it with apt",
                            ]
                        ).utf8))
            }
            let failed = await caught { _ = try await listClusters(try config(failing)) }
            #expect(
                (failed as? KubeconfigError)?.description
                    == "kubeconfig users[edgesim].user.exec: command \(failing) exited with status 3: error: you must log in first"
            )
            let missing = await caught { _ = try await listClusters(try config("no-such-credential-plugin")) }
            #expect(
                (missing as? KubeconfigError)?.description
                    == "kubeconfig users[edgesim].user.exec: command no-such-credential-plugin not found or not executable (install it with apt)"
            )
            let garbage = try folder.write(
                "garbage",
                "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"status\":{\"token\":\"x\"}}'\n",
                executable: true)
            let wrongVersion = await caught { _ = try await listClusters(try config(garbage)) }
            #expect(
                (wrongVersion as? KubeconfigError)?.description.contains("expected client.authentication.k8s.io/v1")
                    == true, "\(String(describing: wrongVersion))")
        }
    }

    @Test func kubeconfigEnvironmentMergesFilesAndHonoursContext() async throws {
        try await withHTTPSHub { hub, folder in
            let tls = try #require(hub.tls)
            try folder.write("a/ca.crt", tls.caCertificatePEM)
            let first = try folder.write(
                "a/config",
                """
                apiVersion: v1
                kind: Config
                current-context: main
                clusters:
                - name: edgesim
                  cluster: {server: "\(hub.baseURL)", certificate-authority: ca.crt}
                contexts:
                - name: main
                  context: {cluster: edgesim, user: alice}

                """)
            try folder.write("b/alice.token", hub.configuration.token)
            let issued = try hub.issueClientCertificate(commonName: "bob")
            let second = try folder.write(
                "b/config",
                """
                apiVersion: v1
                kind: Config
                current-context: second
                clusters:
                - name: edgesim
                  cluster: {server: "https://127.0.0.1:1"}
                contexts:
                - name: main
                  context: {cluster: nowhere, user: nobody}
                - name: second
                  context: {cluster: edgesim, user: bob, namespace: edge-1}
                users:
                - name: alice
                  user: {tokenFile: alice.token}
                - name: bob
                  user:
                    \(dataField("client-certificate-data", issued.certificatePEM))
                    \(dataField("client-key-data", issued.keyPEM))

                """)
            let environment = [
                "KUBECONFIG": "\(first)::\(folder.path)/missing:\(second):\(first)", "HOME": folder.path,
            ]
            let merged = try Kubeconfig.load(environment: environment)
            #expect(merged.contextName == "main", "current-context comes from the first file")
            #expect(merged.userName == "alice")
            #expect(merged.server == hub.baseURL, "the first file's cluster wins")
            #expect(merged.tokenFile == "\(folder.path)/b/alice.token", "relative to the file that defined the user")
            #expect(try await listClusters(merged) == ["edge-1"])

            let second_ = try Kubeconfig.load(context: "second", environment: environment)
            #expect(second_.userName == "bob")
            #expect(second_.namespace == "edge-1")
            #expect(try await listClusters(second_) == ["edge-1"])

            #expect(throws: KubeconfigError.missing(what: "context", name: "third")) {
                try Kubeconfig.load(context: "third", environment: environment)
            }
            let nothing = ["KUBECONFIG": "\(folder.path)/none", "HOME": folder.path]
            #expect(throws: KubeconfigError.noConfiguration(searched: ["\(folder.path)/none"])) {
                try Kubeconfig.load(environment: nothing)
            }
            try folder.write(".kube/config", try #require(folder.read("a/config")))
            #expect(throws: KubeconfigError.missing(what: "user", name: "alice")) {
                try Kubeconfig.load(environment: ["HOME": folder.path])
            }
        }
    }

    @Test func inClusterConfigFromAFakeRoot() async throws {
        try await withHTTPSHub { hub, folder in
            let accountFolder = "var/run/secrets/kubernetes.io/serviceaccount"
            try folder.write("\(accountFolder)/token", hub.configuration.token + "\n")
            try folder.write("\(accountFolder)/ca.crt", try #require(hub.tls).caCertificatePEM)
            try folder.write("\(accountFolder)/namespace", "placer-system")
            let port = try #require(hub.baseURL.split(separator: ":").last.map(String.init))
            let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": port]
            let config = try Kubeconfig.inCluster(environment: environment, root: folder.path)
            #expect(config.server == hub.baseURL)
            #expect(config.namespace == "placer-system")
            #expect(config.tokenFile == "\(folder.path)/\(accountFolder)/token")
            #expect(try await listClusters(config) == ["edge-1"])

            #expect(throws: KubeconfigError.self) { try Kubeconfig.inCluster(environment: [:], root: folder.path) }
            let noRoot = #expect(throws: KubeconfigError.self) {
                try Kubeconfig.inCluster(environment: environment, root: "\(folder.path)/nothing")
            }
            #expect(noRoot?.description.contains("service-account token") == true)
        }
    }
}
