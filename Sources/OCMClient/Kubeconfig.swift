import Foundation

/// The connection settings of one kubeconfig context: where the hub is and how to authenticate to it.
///
/// Supported (kubeconfig.v1): `clusters[].cluster {server, certificate-authority-data, certificate-authority,
/// insecure-skip-tls-verify}`, `users[].user {token, tokenFile, client-certificate-data, client-key-data,
/// client-certificate, client-key}`, `contexts`, `current-context`. `*-data` fields win over their path variants
/// and `tokenFile` wins over `token`, as in client-go. Parsed with Yams; scalars stay text (``ConfigNode``).
public struct Kubeconfig: Sendable {
    /// The API server URL (`https://host:6443`, or `http://` for EdgeSim).
    public var server: String
    /// Bearer token. Never logged or shown in errors.
    public var token: String?
    /// PEM bundle of the CAs that sign the server certificate; nil uses the system trust store.
    public var certificateAuthorityPEM: Data?
    /// Skips server certificate verification (test hubs only).
    public var insecureSkipTLSVerify: Bool
    /// PEM client certificate chain for mTLS.
    public var clientCertificatePEM: Data?
    /// PEM private key of the client certificate.
    public var clientKeyPEM: Data?

    /// Settings given directly rather than read from a file.
    public init(
        server: String, token: String? = nil, certificateAuthorityPEM: Data? = nil,
        insecureSkipTLSVerify: Bool = false, clientCertificatePEM: Data? = nil, clientKeyPEM: Data? = nil
    ) {
        self.server = server
        self.token = token
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }

    /// Reads a kubeconfig file and resolves one context.
    /// - Parameters:
    ///   - path: the kubeconfig file; relative file references inside it resolve against its directory.
    ///   - context: the context to use; nil means `current-context`.
    /// - Throws: ``KubeconfigError``.
    public static func load(path: String, context: String? = nil) throws -> Kubeconfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw KubeconfigError.unreadable(path: path, reason: Self.reason(error))
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try Kubeconfig(parsing: data, context: context, baseDirectory: directory)
    }

    /// Parses kubeconfig text (YAML or JSON) and resolves one context.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - context: the context to use; nil means `current-context`.
    ///   - baseDirectory: where relative `certificate-authority`, `client-certificate`, `client-key` and
    ///     `tokenFile` paths resolve; nil means the current directory.
    /// - Throws: ``KubeconfigError``.
    public init(parsing data: Data, context: String? = nil, baseDirectory: String? = nil) throws {
        let root = try ConfigNode.parse(data)
        guard let contextName = context ?? root["current-context"]?.string, !contextName.isEmpty else {
            throw KubeconfigError.noContext
        }
        func named(_ list: String, _ name: String, _ what: String) throws -> ConfigNode {
            guard let entry = root[list]?.items.first(where: { $0["name"]?.string == name }) else {
                throw KubeconfigError.missing(what: what, name: name)
            }
            return entry[what] ?? .mapping([])
        }
        let contextNode = try named("contexts", contextName, "context")
        let clusterName = contextNode["cluster"]?.string ?? ""
        let cluster = try named("clusters", clusterName, "cluster")
        let userName = contextNode["user"]?.string ?? ""
        let user = userName.isEmpty ? ConfigNode.mapping([]) : try named("users", userName, "user")
        let files = FileReader(baseDirectory: baseDirectory)

        guard let server = cluster["server"]?.string, !server.isEmpty else {
            throw KubeconfigError.noServer(cluster: clusterName)
        }
        self.server = server
        insecureSkipTLSVerify = cluster["insecure-skip-tls-verify"]?.string == "true"
        certificateAuthorityPEM = try files.data(
            inline: cluster["certificate-authority-data"]?.string, field: "certificate-authority-data",
            path: cluster["certificate-authority"]?.string)
        clientCertificatePEM = try files.data(
            inline: user["client-certificate-data"]?.string, field: "client-certificate-data",
            path: user["client-certificate"]?.string)
        clientKeyPEM = try files.data(
            inline: user["client-key-data"]?.string, field: "client-key-data", path: user["client-key"]?.string)
        if let tokenFile = user["tokenFile"]?.string, !tokenFile.isEmpty {
            let contents = try files.data(inline: nil, field: "tokenFile", path: tokenFile) ?? Data()
            token = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = user["token"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        }
        for method in ["exec", "auth-provider", "username"]
        where user[method] != nil && token == nil && clientCertificatePEM == nil {
            throw KubeconfigError.unsupportedAuthentication(method)
        }
    }

    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, cocoa.code == .fileReadNoSuchFile { return "no such file" }
        return (error as NSError).localizedDescription.split(separator: "\n").first.map(String.init) ?? "\(error)"
    }

    /// Reads the data of a `*-data` field or of the file a path field names.
    private struct FileReader {
        var baseDirectory: String?

        func data(inline: String?, field: String, path: String?) throws -> Data? {
            if let inline, !inline.isEmpty {
                guard let data = Data(base64Encoded: inline, options: .ignoreUnknownCharacters) else {
                    throw KubeconfigError.badBase64(field: field)
                }
                return data
            }
            guard let path, !path.isEmpty else { return nil }
            var resolved = path
            if let baseDirectory, !path.hasPrefix("/") { resolved = "\(baseDirectory)/\(path)" }
            do {
                return try Data(contentsOf: URL(fileURLWithPath: resolved))
            } catch {
                throw KubeconfigError.unreadable(path: resolved, reason: Kubeconfig.reason(error))
            }
        }
    }
}
