import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority for the emulator: a P-256 key and a self-signed CA certificate, able to issue
/// server and client certificates. Keys live in memory only.
struct CertificateAuthority: Sendable {
    /// A certificate with its private key, both PEM.
    struct Issued: Sendable {
        /// The certificate, PEM (`CERTIFICATE`).
        var certificatePEM: String
        /// The private key, PEM (PKCS #8 `PRIVATE KEY`).
        var keyPEM: String
    }

    /// What an issued certificate is for (its extended key usage).
    enum Usage: Sendable {
        case server
        case client
    }

    private let key: Certificate.PrivateKey
    private let certificate: Certificate
    /// The CA certificate, PEM.
    let certificatePEM: String

    /// Generates the CA's key and self-signed certificate, valid from one hour ago for `validity`.
    /// - Throws: an X509 error when the certificate cannot be built (not expected).
    init(
        commonName: String = "edgesim-ca-\(UInt32.random(in: 0...UInt32.max))", validity: TimeInterval = 7 * 24 * 3600
    )
        throws
    {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        self.key = Certificate.PrivateKey(key)
        self.certificate = certificate
        certificatePEM = try certificate.serializeAsPEM().pemString
    }

    /// Issues a leaf certificate signed by this CA.
    /// - Parameters:
    ///   - commonName: the subject CN (for a client certificate, the user name Kubernetes sees).
    ///   - organisations: subject O values (for a client certificate, the user's groups).
    ///   - dnsNames: DNS subject alternative names.
    ///   - ipAddresses: IP subject alternative names, dotted IPv4 (for example `127.0.0.1`).
    ///   - usage: server or client authentication.
    ///   - validity: lifetime in seconds from now.
    /// - Throws: an X509 error when the certificate cannot be built.
    func issue(
        commonName: String, organisations: [String] = [], dnsNames: [String] = [], ipAddresses: [String] = [],
        usage: Usage, validity: TimeInterval = 7 * 24 * 3600
    ) throws -> Issued {
        let leafKey = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            for organisation in organisations { OrganizationName(organisation) }
            CommonName(commonName)
        }
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            let octets = address.split(separator: ".").compactMap { UInt8($0) }
            if octets.count == 4 { names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(octets)))) }
        }
        let now = Date()
        let leaf = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(leafKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage == .server ? .serverAuth : .clientAuth])
                if !names.isEmpty { SubjectAlternativeNames(names) }
            },
            issuerPrivateKey: key)
        return Issued(certificatePEM: try leaf.serializeAsPEM().pemString, keyPEM: leafKey.pemRepresentation)
    }
}
