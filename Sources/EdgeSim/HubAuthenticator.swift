import NIOSSL
import X509

/// Who made a request, as the hub's authenticator established it.
struct HubUser: Sendable, Equatable {
    /// The user name: `edgesim` for the bearer token, the CN of a client certificate, `system:anonymous`.
    var name: String
    /// Groups: the O values of a client certificate; `system:authenticated` is implied for everyone but anonymous.
    var groups: [String]
}

/// Authenticates hub requests like kube-apiserver with `--client-ca-file` and a static token: a client certificate
/// that the TLS handshake verified against the hub's CA, else the configured bearer token, else (opt-in, and only
/// for a request that presents no credentials) an anonymous `GET`. Anything else is 401.
struct HubAuthenticator: Sendable {
    /// The bearer token every request may carry.
    let token: String
    /// See ``HubConfiguration/anonymousReads``.
    let anonymousReads: Bool

    /// - Parameters:
    ///   - authorization: the `Authorization` header, if any.
    ///   - isRead: whether the request is a `GET`.
    ///   - peerCertificate: the client certificate the TLS layer verified, if any.
    /// - Throws: ``APIError/unauthorized`` when no method authenticates the request. As in kube-apiserver's union
    ///   authenticator the certificate is tried first, so a valid certificate wins over a wrong token.
    func authenticate(authorization: String?, isRead: Bool, peerCertificate: NIOSSLCertificate?) throws -> HubUser {
        if let peerCertificate, let user = Self.user(of: peerCertificate) { return user }
        if let authorization {
            guard authorization == "Bearer \(token)" else { throw APIError.unauthorized }
            return HubUser(name: "edgesim", groups: ["system:masters"])
        }
        if anonymousReads, isRead { return HubUser(name: "system:anonymous", groups: ["system:unauthenticated"]) }
        throw APIError.unauthorized
    }

    /// The user a client certificate names: CN as user name, O values as groups; nil without a CN.
    static func user(of certificate: NIOSSLCertificate) -> HubUser? {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else {
            return nil
        }
        var name: String?
        var groups: [String] = []
        for relativeName in parsed.subject {
            for attribute in relativeName {
                if attribute.type == .RDNAttributeType.commonName { name = String(attribute.value) }
                if attribute.type == .RDNAttributeType.organizationName, let group = String(attribute.value) {
                    groups.append(group)
                }
            }
        }
        guard let name, !name.isEmpty else { return nil }
        return HubUser(name: name, groups: groups)
    }
}
