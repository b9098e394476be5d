import Foundation
import NIOConcurrencyHelpers
import NIOSSL

/// What one request attempt carries: the `Authorization` header and, when an exec plugin supplied a client
/// certificate, the TLS configuration that presents it.
struct RequestCredentials: Sendable {
    /// `Bearer <token>` or `Basic <base64>`; never logged.
    var authorization: String?
    /// Replaces the client's TLS configuration for this request (exec plugin certificates only).
    var tlsConfiguration: TLSConfiguration?
}

/// A kubeconfig's credentials as they stand at each request: a static token, a token file read again every
/// request (``TokenFileReader``), basic auth, or an exec plugin's cached credential (``ExecCredentialProvider``).
/// Precedence as in client-go: a bearer token (tokenFile, then token) wins over basic auth, which wins over an exec
/// plugin's token; a client certificate from the kubeconfig is part of the TLS configuration, one from an exec
/// plugin replaces it per request.
final class KubeCredentials: Sendable {
    private let token: String?
    private let tokenFile: TokenFileReader?
    private let basic: String?
    private let plugin: ExecCredentialProvider?
    /// The kubeconfig's TLS configuration, which an exec plugin's certificate is added to.
    private let baseTLS: TLSConfiguration?
    private let userField: String
    /// The TLS configuration built for the exec plugin's current certificate, reused while the certificate stays
    /// the same so requests share pooled connections.
    private let pluginTLS = NIOLockedValueBox<(certificate: Data, key: Data, tls: TLSConfiguration)?>(nil)
    /// `tls-server-name`: requests go to the server's address but verify (and send SNI for) this name.
    let tlsServerName: String?

    /// - Throws: ``KubeconfigError`` for unusable PEM data.
    init(kubeconfig: Kubeconfig) throws {
        token = kubeconfig.token
        userField = kubeconfig.userField
        tokenFile = kubeconfig.tokenFile.map {
            TokenFileReader(path: $0, field: "\(kubeconfig.userField).tokenFile", initial: kubeconfig.token)
        }
        if let username = kubeconfig.username {
            basic = "Basic " + Data("\(username):\(kubeconfig.password ?? "")".utf8).base64EncodedString()
        } else {
            basic = nil
        }
        plugin = kubeconfig.exec.map {
            ExecCredentialProvider(config: $0, field: "\(kubeconfig.userField).exec", kubeconfig: kubeconfig)
        }
        baseTLS = kubeconfig.exec == nil ? nil : try TLSSettings.configuration(for: kubeconfig)
        tlsServerName = kubeconfig.tlsServerName
    }

    /// The credentials for the next request attempt.
    /// - Throws: ``KubeconfigError`` when the token file never gave a token or the exec plugin fails.
    func current() async throws -> RequestCredentials {
        if let tokenFile { return RequestCredentials(authorization: "Bearer \(try tokenFile.current())") }
        if let token { return RequestCredentials(authorization: "Bearer \(token)") }
        if let basic { return RequestCredentials(authorization: basic) }
        guard let plugin else { return RequestCredentials() }
        let credential = try await plugin.credential()
        var result = RequestCredentials(authorization: credential.token.map { "Bearer \($0)" })
        if let certificate = credential.clientCertificatePEM, let key = credential.clientKeyPEM, var tls = baseTLS {
            if let built = pluginTLS.withLockedValue({ $0 }), built.certificate == certificate, built.key == key {
                result.tlsConfiguration = built.tls
                return result
            }
            try TLSSettings.present(
                certificate: certificate, key: key, in: &tls,
                certificateField: "\(userField).exec (clientCertificateData)",
                keyField: "\(userField).exec (clientKeyData)")
            result.tlsConfiguration = tls
            pluginTLS.withLockedValue { $0 = (certificate, key, tls) }
        }
        return result
    }

    /// Forgets an exec plugin's cached credential, so the next request runs the plugin again.
    func invalidate() async {
        await plugin?.invalidate()
    }
}
