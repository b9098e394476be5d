import Foundation
import NIOCore
import NIOSSL

/// Builds the client TLS configuration a kubeconfig asks for.
enum TLSSettings {
    /// How long closing a connection waits for the server's TLS close_notify (NIOSSL's default is 5 s). Every
    /// request has completed by then, and servers that close without answering (Go's crypto/tls among them) made
    /// `placer run` take 5 s to stop on SIGTERM.
    static let closeNotifyWait: TimeAmount = .milliseconds(250)

    /// Trust roots from the CA bundle (system roots when absent; the CA replaces them, as in kubectl), verification
    /// off when `insecure-skip-tls-verify`, and the client certificate and key for mTLS when both are given.
    /// - Throws: ``KubeconfigError/invalidPEM(field:)`` naming the field;
    ///   ``KubeconfigError/invalidField(field:reason:)``
    ///   for a CA combined with `insecure-skip-tls-verify`.
    static func configuration(for kubeconfig: Kubeconfig) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.shutdownTimeout = closeNotifyWait
        if let ca = kubeconfig.certificateAuthorityPEM {
            if kubeconfig.insecureSkipTLSVerify {
                throw KubeconfigError.invalidField(
                    field: "\(kubeconfig.clusterField).insecure-skip-tls-verify",
                    reason: "cannot be combined with \(kubeconfig.certificateAuthorityField)")
            }
            guard let roots = try? NIOSSLCertificate.fromPEMBytes([UInt8](ca)), !roots.isEmpty else {
                throw KubeconfigError.invalidPEM(field: kubeconfig.qualified(kubeconfig.certificateAuthorityField))
            }
            tls.trustRoots = .certificates(roots)
        }
        if kubeconfig.insecureSkipTLSVerify { tls.certificateVerification = .none }
        if let certificate = kubeconfig.clientCertificatePEM, let key = kubeconfig.clientKeyPEM {
            try present(
                certificate: certificate, key: key, in: &tls,
                certificateField: kubeconfig.qualified(kubeconfig.clientCertificateField),
                keyField: kubeconfig.qualified(kubeconfig.clientKeyField))
        }
        return tls
    }

    /// Adds a client certificate chain and its key to a TLS configuration.
    /// - Throws: ``KubeconfigError/invalidPEM(field:)`` naming the field of the unusable one.
    static func present(
        certificate: Data, key: Data, in tls: inout TLSConfiguration, certificateField: String, keyField: String
    ) throws {
        guard let chain = try? NIOSSLCertificate.fromPEMBytes([UInt8](certificate)), !chain.isEmpty else {
            throw KubeconfigError.invalidPEM(field: certificateField)
        }
        guard let privateKey = try? NIOSSLPrivateKey(bytes: [UInt8](key), format: .pem) else {
            throw KubeconfigError.invalidPEM(field: keyField)
        }
        tls.certificateChain = chain.map { .certificate($0) }
        tls.privateKey = .privateKey(privateKey)
    }

    /// For `tls-server-name`: the HTTP client resolves that name to the server URL's host, so requests whose URL
    /// names it (``url(_:host:)``) connect to the server but verify the certificate against the name.
    static func dnsOverride(for kubeconfig: Kubeconfig) -> [String: String] {
        guard let name = kubeconfig.tlsServerName, let host = URLComponents(string: kubeconfig.server)?.host else {
            return [:]
        }
        return [name: host]
    }

    /// `url` with its host replaced (for `tls-server-name`).
    static func url(_ url: String, host: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.host = host
        return components.string ?? url
    }
}

extension Kubeconfig {
    /// A field name qualified by the cluster or user entry it belongs to (`users[u].user.client-key-data`).
    func qualified(_ field: String) -> String {
        if field.contains("[") || field.contains(" ") { return field }
        return field.hasPrefix("certificate-authority") ? "\(clusterField).\(field)" : "\(userField).\(field)"
    }
}
