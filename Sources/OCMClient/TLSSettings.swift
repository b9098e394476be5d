import Foundation
import NIOSSL

/// Builds the client TLS configuration a kubeconfig asks for.
enum TLSSettings {
    /// Trust roots from the CA bundle (system roots when absent), verification off when
    /// `insecure-skip-tls-verify`, and the client certificate and key for mTLS when both are given.
    /// - Throws: ``KubeconfigError/invalidPEM(field:)``.
    static func configuration(for kubeconfig: Kubeconfig) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = kubeconfig.certificateAuthorityPEM {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes([UInt8](ca)))
            } catch {
                throw KubeconfigError.invalidPEM(field: "certificate-authority")
            }
        }
        if kubeconfig.insecureSkipTLSVerify { tls.certificateVerification = .none }
        if let certificate = kubeconfig.clientCertificatePEM, let key = kubeconfig.clientKeyPEM {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes([UInt8](certificate)).map { .certificate($0) }
            } catch {
                throw KubeconfigError.invalidPEM(field: "client-certificate")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: [UInt8](key), format: .pem))
            } catch {
                throw KubeconfigError.invalidPEM(field: "client-key")
            }
        }
        return tls
    }
}
