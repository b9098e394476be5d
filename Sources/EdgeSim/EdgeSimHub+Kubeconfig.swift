import Foundation

extension EdgeSimHub {
    /// Issues a client certificate signed by the hub's CA; the hub then authenticates its holder as `commonName`
    /// with groups `organisations`.
    /// - Returns: the certificate and its private key, PEM.
    /// - Throws: ``HubTLSError/notEnabled`` for an http hub, or an X509 error.
    public func issueClientCertificate(
        commonName: String, organisations: [String] = []
    ) throws
        -> (certificatePEM: String, keyPEM: String)
    {
        guard let tls else { throw HubTLSError.notEnabled }
        return try tls.issueClientCertificate(commonName: commonName, organisations: organisations)
    }

    /// Writes a kubeconfig (YAML, mode 0600) for this hub: cluster and user `edgesim` with the bearer token,
    /// context `edgesim`, set as current context. With TLS the cluster carries `certificate-authority-data` (the
    /// hub CA, base64 PEM), so stock kubectl verifies the hub and sends the token.
    /// - Throws: a file-system error when the file cannot be written.
    public func writeKubeconfig(to path: String) throws {
        try write(user: "    token: \"\(configuration.token)\"\n", to: path)
    }

    /// Writes a kubeconfig (YAML, mode 0600) whose user `edgesim` authenticates with a fresh client certificate
    /// (`client-certificate-data`, `client-key-data`) instead of the token.
    /// - Parameters:
    ///   - path: the file to write.
    ///   - commonName: the user name the certificate carries.
    ///   - organisations: the groups it carries.
    /// - Throws: ``HubTLSError/notEnabled`` for an http hub, or a file-system error.
    public func writeClientCertificateKubeconfig(
        to path: String, commonName: String = "edgesim-admin", organisations: [String] = ["system:masters"]
    ) throws {
        let issued = try issueClientCertificate(commonName: commonName, organisations: organisations)
        try write(
            user: """
                    client-certificate-data: \(Data(issued.certificatePEM.utf8).base64EncodedString())
                    client-key-data: \(Data(issued.keyPEM.utf8).base64EncodedString())

                """, to: path)
    }

    private func write(user: String, to path: String) throws {
        var cluster = "    server: \(baseURL)\n"
        if let tls {
            cluster += "    certificate-authority-data: \(Data(tls.caCertificatePEM.utf8).base64EncodedString())\n"
        }
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: edgesim
              cluster:
            \(cluster)users:
            - name: edgesim
              user:
            \(user)contexts:
            - name: edgesim
              context:
                cluster: edgesim
                user: edgesim
            current-context: edgesim
            preferences: {}

            """
        let url = URL(fileURLWithPath: path)
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}
