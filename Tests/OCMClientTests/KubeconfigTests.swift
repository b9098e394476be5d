import EdgeSim
import Foundation
import Testing

@testable import OCMClient

@Suite struct KubeconfigTests {
    @Test func loadsTheKubeconfigEdgeSimWrites() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration(token: "tok-123"))
        try await hub.start()
        defer { Task { await hub.stop() } }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID().uuidString)").path
        try hub.writeKubeconfig(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let kubeconfig = try Kubeconfig.load(path: path)
        #expect(kubeconfig.server == hub.baseURL)
        #expect(kubeconfig.server.hasPrefix("http://127.0.0.1:"))
        #expect(kubeconfig.token == "tok-123")
        #expect(kubeconfig.certificateAuthorityPEM == nil)
        #expect(!kubeconfig.insecureSkipTLSVerify)
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        #expect(throws: KubeconfigError.missing(what: "context", name: "nope")) {
            try Kubeconfig.load(path: path, context: "nope")
        }
        await hub.stop()
    }

    @Test func readsCertificateDataTokenFilesAndContexts() throws {
        let ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let cert = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("file-token\n".utf8).write(to: directory.appendingPathComponent("token"))
        try Data("KEY".utf8).write(to: directory.appendingPathComponent("client.key"))
        let text = """
            # written by kubectl
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                certificate-authority-data: \(Data(ca.utf8).base64EncodedString())
                server: https://hub.example:6443
              name: hub
            - name: lab
              cluster:
                server: "https://lab.example:6443"   # quoted
                insecure-skip-tls-verify: true
            contexts:
            - context:
                cluster: hub
                user: admin
              name: hub-admin
            - name: lab
              context: {cluster: lab, user: reader}
            current-context: 'hub-admin'
            preferences: {}
            users:
            - name: admin
              user:
                client-certificate-data: \(Data(cert.utf8).base64EncodedString())
                client-key: client.key
            - name: reader
              user:
                tokenFile: token
                token: ignored-because-tokenFile-wins
            """
        let path = directory.appendingPathComponent("config").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let hub = try Kubeconfig.load(path: path)
        #expect(hub.server == "https://hub.example:6443")
        #expect(hub.certificateAuthorityPEM == Data(ca.utf8))
        #expect(hub.clientCertificatePEM == Data(cert.utf8))
        #expect(hub.clientKeyPEM == Data("KEY".utf8))
        #expect(hub.token == nil)
        let lab = try Kubeconfig.load(path: path, context: "lab")
        #expect(lab.server == "https://lab.example:6443")
        #expect(lab.insecureSkipTLSVerify)
        #expect(lab.token == "file-token", "tokenFile wins over token and resolves next to the kubeconfig")
    }

    @Test func yamlDetails() throws {
        let text = """
            ---
            clusters:
            - name: lab
              cluster:
                server: "https://lab.example:6443"   # quoted
                insecure-skip-tls-verify: true
            contexts:
              - name: lab
                context:
                  cluster: lab
                  user: "reader"
            current-context: lab
            users:
            - name: reader
              user:
                token: 'it''s # not a comment'
            """
        let config = try Kubeconfig(parsing: Data(text.utf8))
        #expect(config.server == "https://lab.example:6443")
        #expect(config.insecureSkipTLSVerify)
        #expect(config.token == "it's # not a comment")
        #expect(
            try ConfigNode.parse(Data("token: 0755\nn: ~\n".utf8))
                == .mapping([("token", .scalar("0755")), ("n", .scalar(""))]))
        let error = #expect(throws: KubeconfigError.self) { try ConfigNode.parse(Data("a: 1\nb: [2\n".utf8)) }
        guard case .syntax(let line, _) = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(line >= 2)
    }

    /// Aliases used as mapping keys stand for their whole value: refused from the events at the alias that passes
    /// the bound (line 6: a5's second alias brings the count past 250,000), before the composer would hash the
    /// keys' trees (fuzz, kubeconfig target: 16–21 s for such inputs; fuzz/regressions/kubeconfig/alias-keys.yaml).
    @Test func aliasKeysPastTheBoundAreRefusedWhereTheyPassIt() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...7 {
            lines.append(
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        lines.append("k: {*a7 : 1, *a6 : 2}")
        let error = #expect(throws: KubeconfigError.self) {
            try ConfigNode.parse(Data(lines.joined(separator: "\n").utf8))
        }
        guard case .syntax(let line, let message) = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(line == 6 && message.contains("excessive aliasing"), "\(line): \(message)")
        // Within the bound, aliases (as keys too) still read as the values they stand for.
        let fine = try ConfigNode.parse(Data("a: &a {x: 1}\nb: *a\nc: {*a : 2}\n".utf8))
        #expect(fine["b"] == .mapping([("x", .scalar("1"))]))
    }

    @Test func readsJSONKubeconfigs() throws {
        let json = """
            {"apiVersion":"v1","kind":"Config","current-context":"c",
             "clusters":[{"name":"k","cluster":{"server":"http://127.0.0.1:1","insecure-skip-tls-verify":true}}],
             "contexts":[{"name":"c","context":{"cluster":"k","user":"u"}}],
             "users":[{"name":"u","user":{"token":"t"}}]}
            """
        let config = try Kubeconfig(parsing: Data(json.utf8))
        #expect(config.server == "http://127.0.0.1:1")
        #expect(config.insecureSkipTLSVerify)
        #expect(config.token == "t")
    }

    @Test func listItemsKeepTheirBytes() throws {
        let body = #"{"kind":"XList","metadata":{"items":[1]},"items":[{"a":[1,{"b":"]"}]}, {"n":9007199254740993} ]}"#
        let items = try #require(JSONItems.split(Data(body.utf8)))
        #expect(
            items.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":[1,{"b":"]"}]}"#, #"{"n":9007199254740993}"#])
        #expect(JSONItems.split(Data(#"{"items":[]}"#.utf8)) == [])
        #expect(JSONItems.split(Data(#"{"kind":"Status"}"#.utf8)) == nil)
    }
}
