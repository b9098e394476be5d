import Foundation
import NIOSSL

/// HTTPS for an ``EdgeSimHub``: a certificate authority generated when the value is created, a server certificate
/// it signs for the hub's addresses, and client certificates on demand.
///
/// The hub serves TLS 1.2 and later with this server certificate and *asks* for a client certificate: one signed by
/// this CA authenticates its subject (user = CN, groups = O), like kube-apiserver's `--client-ca-file`; a
/// certificate from any other CA fails the handshake; no certificate leaves the bearer token to authenticate.
/// Keys live in memory only and are never logged.
public struct HubTLS: Sendable {
    let authority: CertificateAuthority
    let server: CertificateAuthority.Issued
    /// The names the server certificate is valid for (DNS names and IP addresses).
    public let serverNames: [String]

    /// The CA certificate, PEM: what a client trusts (`certificate-authority-data` is its base64).
    public var caCertificatePEM: String { authority.certificatePEM }

    /// Generates the CA and a server certificate.
    /// - Parameters:
    ///   - dnsNames: DNS names of the server certificate (default `localhost`).
    ///   - ipAddresses: IPv4 addresses of the server certificate (default `127.0.0.1`).
    /// - Throws: an X509 error when a certificate cannot be built (not expected).
    public init(dnsNames: [String] = ["localhost"], ipAddresses: [String] = ["127.0.0.1"]) throws {
        authority = try CertificateAuthority()
        server = try authority.issue(
            commonName: "edgesim-hub", dnsNames: dnsNames, ipAddresses: ipAddresses, usage: .server)
        serverNames = dnsNames + ipAddresses
    }

    /// Issues a client certificate signed by this CA.
    /// - Parameters:
    ///   - commonName: the user name the hub sees.
    ///   - organisations: the user's groups.
    /// - Returns: the certificate and its private key, PEM.
    /// - Throws: an X509 error when the certificate cannot be built.
    public func issueClientCertificate(
        commonName: String, organisations: [String] = []
    ) throws
        -> (certificatePEM: String, keyPEM: String)
    {
        let issued = try authority.issue(commonName: commonName, organisations: organisations, usage: .client)
        return (issued.certificatePEM, issued.keyPEM)
    }

    /// The server side TLS configuration: this server certificate, TLS 1.2 minimum, client certificates optional
    /// but verified against this CA when presented.
    func serverConfiguration() throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(server.certificatePEM.utf8)).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(bytes: Array(server.keyPEM.utf8), format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caCertificatePEM.utf8)))
        configuration.certificateVerification = .optionalVerification
        // A client that closes without answering close_notify must not hold `stop()` for NIOSSL's default 5 s.
        configuration.shutdownTimeout = .milliseconds(200)
        return configuration
    }
}

/// Why a TLS operation of the hub failed.
public enum HubTLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The hub was created without ``HubTLS``, so it has no CA to issue certificates.
    case notEnabled

    public var description: String {
        switch self {
        case .notEnabled: return "the EdgeSim hub serves plain http: create it with a HubTLS to issue certificates"
        }
    }
}
