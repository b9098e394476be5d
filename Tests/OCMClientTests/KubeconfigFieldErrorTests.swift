import EdgeSim
import Foundation
import OCMClient
import Testing

/// Errors name the kubeconfig field at fault, and no secret ever appears in an error.
@Suite struct KubeconfigFieldErrorTests {
    static let canary = "CANARY-s3cr3t-7f1c"

    static func parse(cluster: [String] = ["server: https://127.0.0.1:6443"], user: [String]) throws -> Kubeconfig {
        try Kubeconfig(parsing: Data(kubeconfigText(cluster: cluster, user: user).utf8))
    }

    @Test func errorsNameTheField() throws {
        #expect(
            (#expect(throws: KubeconfigError.self) {
                try Self.parse(user: [
                    "client-certificate-data: \(Data("x".utf8).base64EncodedString())", "client-key-data: '%%%'",
                ])
            })?.description == "kubeconfig users[edgesim].user.client-key-data: not valid base64")
        #expect(
            (#expect(throws: KubeconfigError.self) {
                try Self.parse(user: ["client-certificate-data: \(Data("x".utf8).base64EncodedString())"])
            })?.description.hasPrefix("kubeconfig users[edgesim].user: client-key-data or client-key must be set")
                == true)
        #expect(
            (#expect(throws: KubeconfigError.self) {
                try Self.parse(user: ["exec: {command: x, apiVersion: client.authentication.k8s.io/v1}"])
            })?.description == "kubeconfig users[edgesim].user.exec.interactiveMode: must be set for v1")
        #expect(
            (#expect(throws: KubeconfigError.self) {
                try Self.parse(user: ["exec: {command: x, apiVersion: client.authentication.k8s.io/v1alpha1}"])
            })?.description.hasPrefix(
                "kubeconfig users[edgesim].user.exec.apiVersion: client.authentication.k8s.io/v1alpha1 is not supported"
            ) == true)
        #expect(
            (#expect(throws: KubeconfigError.self) {
                try Self.parse(user: ["auth-provider: {name: gcp}"])
            })?.description == "kubeconfig users[edgesim].user.auth-provider: authentication method not supported")
        #expect(
            (#expect(throws: KubeconfigError.self) {
                try Self.parse(cluster: ["server: https://h:1", "certificate-authority: /no/such/ca.crt"], user: [])
            })?.description
                == "kubeconfig clusters[edgesim].cluster.certificate-authority: cannot read /no/such/ca.crt: no such file"
        )
        #expect(
            (#expect(throws: KubeconfigError.self) {
                try Self.parse(cluster: ["server: https://h:1", "insecure-skip-tls-verify: maybe"], user: [])
            })?.description == "kubeconfig clusters[edgesim].cluster.insecure-skip-tls-verify: not a boolean")
        let pem = try Self.parse(user: [
            dataField("client-certificate-data", "not a certificate"), dataField("client-key-data", "not a key"),
        ])
        #expect(
            (#expect(throws: KubeconfigError.self) { try KubeClient(kubeconfig: pem) })?.description
                == "kubeconfig users[edgesim].user.client-certificate-data: not a usable PEM certificate or key")
        let basic = try Self.parse(user: ["username: admin", "password: pw"])
        #expect(basic.username == "admin" && basic.password == "pw")
    }

    @Test func aCanarySecretNeverAppearsInAnError() async throws {
        let canary = Self.canary
        var errors: [any Error] = []
        func collect(_ body: () async throws -> Void) async {
            if let error = await caught(body) { errors.append(error) }
        }
        try await withHTTPSHub { hub, folder in
            let ca = dataField("certificate-authority-data", try #require(hub.tls).caCertificatePEM)
            let cluster = ["server: \(hub.baseURL)", ca]
            // A wrong token: 401.
            await collect { _ = try await listClusters(try Self.parse(cluster: cluster, user: ["token: \(canary)"])) }
            // A key that is not base64, and one that is base64 of garbage holding the canary.
            let certificate = dataField(
                "client-certificate-data", try hub.issueClientCertificate(commonName: "x").certificatePEM)
            await collect { _ = try Self.parse(user: [certificate, "client-key-data: '\(canary)!!'"]) }
            await collect {
                _ = try KubeClient(
                    kubeconfig: try Self.parse(user: [
                        certificate,
                        dataField(
                            "client-key-data", "-----BEGIN PRIVATE KEY-----\n\(canary)\n-----END PRIVATE KEY-----\n"),
                    ]))
            }
            // Token and basic auth together; a password alone is fine to hold but must not leak either.
            await collect { _ = try Self.parse(user: ["token: \(canary)", "password: \(canary)"]) }
            // An exec plugin that prints the canary in a credential of the wrong form.
            let plugin = try folder.write(
                "plugin",
                "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"apiVersion\":\"v9\",\"status\":{\"token\":\"\(canary)\"}}'\n",
                executable: true)
            await collect {
                _ = try await listClusters(
                    try Self.parse(
                        cluster: cluster,
                        user: [
                            "exec: {command: \(plugin), apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}"
                        ]))
            }
            let brokenJSON = try folder.write(
                "broken", "#!/bin/sh\necho '{\"token\": \"\(canary)\"'\n", executable: true)
            await collect {
                _ = try await listClusters(
                    try Self.parse(
                        cluster: cluster,
                        user: [
                            "exec: {command: \(brokenJSON), apiVersion: client.authentication.k8s.io/v1, interactiveMode: Never}"
                        ]))
            }
        }
        #expect(errors.count == 6, "\(errors)")
        for error in errors {
            for text in [String(describing: error), String(reflecting: error)] {
                #expect(!text.contains(canary), "\(text)")
            }
        }
    }

    /// Seen while writing the fuzz target (fuzz/regressions/kubeconfig/billion-laughs.yaml): nine levels of nine
    /// aliases stand for 387 million nodes, and the reader expanded them all. Now it stops with a line.
    @Test func aBillionLaughsKubeconfigIsRefusedWithALine() throws {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
            previous = name
        }
        do {
            _ = try Kubeconfig(parsing: Data(text.utf8))
            Issue.record("a billion laughs kubeconfig was accepted")
        } catch let error as KubeconfigError {
            guard case .syntax(let line, let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(line >= 1)
            #expect(message.contains("excessive aliasing"))
        }
    }
}
