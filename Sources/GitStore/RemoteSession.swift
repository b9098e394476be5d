import CLibGit2
import Foundation

/// The state one fetch or push shares with libgit2's C callbacks through `git_remote_callbacks.payload`
/// (C callbacks cannot capture Swift state, DESIGN.md §7).
///
/// Used on one thread for one `git_remote_fetch` or `git_remote_push`, under the repository lock. A callback
/// that refuses records why in `failure`, so the caller throws GitStore's message rather than libgit2's
/// generic one; secrets are never part of it.
final class RemoteSession {
    /// The remote's URL as configured (it never embeds a password: `init` refuses such URLs).
    let url: String
    /// The URL's parts.
    let remote: RemoteURL
    /// What to authenticate with and verify against.
    let credentials: GitCredentials
    /// How many credentials were handed to libgit2. libgit2 asks again after each refusal; the second request
    /// means the first was refused, so it fails at once instead of retrying the same secret.
    private(set) var credentialAttempts = 0
    /// Why a callback refused, when one did.
    var failure: GitError?
    /// Reference name and the server's status, for each update the server refused (push only).
    var rejections: [(reference: String, status: String)] = []

    /// Creates the session for one connection to `url`.
    ///
    /// - Throws: `GitError` (kind `.authenticationFailed`) when `url` embeds a password.
    init(url: String, credentials: GitCredentials) throws {
        self.url = url
        self.remote = try RemoteURL(url)
        self.credentials = credentials
    }

    /// Installs the credential and certificate callbacks with this session as payload.
    ///
    /// The caller keeps the session alive (`withExtendedLifetime`) until the libgit2 call returns.
    func install(in callbacks: inout git_remote_callbacks) {
        callbacks.credentials = { out, _, usernameFromURL, allowedTypes, payload in
            guard let out, let payload else { return GIT_EAUTH.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.acquire(
                out, usernameFromURL: usernameFromURL.map { String(cString: $0) }, allowed: allowedTypes)
        }
        callbacks.certificate_check = { cert, valid, host, payload in
            guard let cert, let payload else { return GIT_ECERTIFICATE.rawValue }
            let session = Unmanaged<RemoteSession>.fromOpaque(payload).takeUnretainedValue()
            return session.check(cert, valid: valid != 0, host: host.map { String(cString: $0) } ?? "")
        }
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
    }

    /// Answers libgit2's credential request (`git_credential_acquire_cb`).
    private func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, usernameFromURL: String?, allowed: UInt32
    ) -> Int32 {
        let sshUser = usernameFromURL ?? credentials.ssh?.username ?? "git"
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            // libssh2 asks for the user name alone first when the URL has none; not an authentication try.
            return git_credential_username_new(out, sshUser)
        }
        credentialAttempts += 1
        if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0, let ssh = credentials.ssh {
            guard credentialAttempts == 1 else {
                return refuse(
                    "authentication failed for \(url): the server refused key \(ssh.privateKeyPath) for user \(sshUser)"
                )
            }
            do {
                let passphrase = try ssh.passphrase?.read()
                return git_credential_ssh_key_new(out, sshUser, ssh.publicKeyPath, ssh.privateKeyPath, passphrase)
            } catch let error as GitError {
                return refuse("cannot authenticate to \(url): \(error.message)")
            } catch {
                return refuse("cannot authenticate to \(url)")
            }
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let https = credentials.https,
            let token = https.token
        {
            guard credentialAttempts == 1 else {
                return refuse(
                    "authentication failed for \(url): the server refused user \(https.username) with the token from \(token)"
                )
            }
            guard remote.transport != .http else {
                return refuse("will not send the token from \(token) to \(url) over unencrypted http://; use https://")
            }
            do {
                return git_credential_userpass_plaintext_new(out, https.username, try token.read())
            } catch let error as GitError {
                return refuse("cannot authenticate to \(url): \(error.message)")
            } catch {
                return refuse("cannot authenticate to \(url)")
            }
        }
        let wanted = allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 ? "an SSH key" : "a user name and token"
        return refuse("authentication failed for \(url): the server asks for \(wanted) and none is configured")
    }

    /// Records an authentication failure and returns libgit2's code for it.
    private func refuse(_ message: String) -> Int32 {
        failure = GitError(
            code: GIT_EAUTH.rawValue, message: message, operation: "authenticate", kind: .authenticationFailed)
        return GIT_EAUTH.rawValue
    }

    /// Answers libgit2's certificate check (`git_transport_certificate_check_cb`): SSH host keys against
    /// known_hosts, TLS certificates by libgit2's own verification against the trusted CAs.
    private func check(_ cert: UnsafeMutablePointer<git_cert>, valid: Bool, host: String) -> Int32 {
        switch cert.pointee.cert_type {
        case GIT_CERT_HOSTKEY_LIBSSH2:
            let hostkey = UnsafeRawPointer(cert).load(as: git_cert_hostkey.self)
            return checkHostKey(hostkey)
        case GIT_CERT_X509:
            if valid { return 0 }
            let trusted = credentials.https?.caBundlePath.map { "CA bundle \($0)" } ?? "the system's CA certificates"
            return distrust(
                "TLS certificate of \(host) is not trusted: it is not issued by \(trusted) for that host name")
        default:
            return valid ? 0 : distrust("cannot verify the identity of \(host)")
        }
    }

    /// Compares the server's raw host key with the known_hosts file.
    private func checkHostKey(_ hostkey: git_cert_hostkey) -> Int32 {
        let name = remote.knownHostsName
        guard let knownHostsPath = credentials.ssh?.knownHostsPath else {
            return distrust("cannot verify SSH host \(name): no known_hosts file is configured")
        }
        guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey else {
            return distrust("cannot verify SSH host \(name): libssh2 gave no raw host key")
        }
        let key = [UInt8](UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
        let knownHosts: KnownHosts
        do {
            knownHosts = try KnownHosts(contentsOf: knownHostsPath)
        } catch {
            return distrust("cannot verify SSH host \(name): cannot read known_hosts file \(knownHostsPath)")
        }
        let offered = "\(RemoteSession.keyTypeName(hostkey.raw_type)) \(RemoteSession.fingerprint(hostkey))"
        switch knownHosts.verify(hostName: name, key: key) {
        case .trusted:
            return 0
        case .unknownHost:
            let portOption = remote.port.map { $0 == 22 ? "" : "-p \($0) " } ?? ""
            return distrust(
                "host key verification failed: SSH host \(name) is not in known_hosts file \(knownHostsPath) "
                    + "(it offered \(offered)); after checking that fingerprint, add it with "
                    + "'ssh-keyscan \(portOption)\(remote.host) >> \(knownHostsPath)'")
        case .mismatch(let knownTypes):
            return distrust(
                "host key verification failed: the host key of SSH host \(name) (\(offered)) does not match known_hosts "
                    + "file \(knownHostsPath), which lists \(knownTypes.joined(separator: ", ")) for it; the key changed "
                    + "or the connection is intercepted")
        case .revoked:
            return distrust(
                "host key verification failed: the host key of SSH host \(name) (\(offered)) is marked @revoked in "
                    + "known_hosts file \(knownHostsPath)")
        }
    }

    /// Records a refused server identity and returns libgit2's code for it.
    private func distrust(_ message: String) -> Int32 {
        failure = GitError(
            code: GIT_ECERTIFICATE.rawValue, message: message, operation: "verify server", kind: .untrustedServer)
        return GIT_ECERTIFICATE.rawValue
    }

    /// OpenSSH's name for a libssh2 raw key type.
    static func keyTypeName(_ type: git_cert_ssh_raw_type_t) -> String {
        switch type {
        case GIT_CERT_SSH_RAW_TYPE_RSA: return "ssh-rsa"
        case GIT_CERT_SSH_RAW_TYPE_DSS: return "ssh-dss"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_256: return "ecdsa-sha2-nistp256"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_384: return "ecdsa-sha2-nistp384"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ECDSA_521: return "ecdsa-sha2-nistp521"
        case GIT_CERT_SSH_RAW_TYPE_KEY_ED25519: return "ssh-ed25519"
        default: return "unknown key type"
        }
    }

    /// The key's SHA-256 fingerprint as `ssh-keygen -l` prints it (`SHA256:` + unpadded base64).
    static func fingerprint(_ hostkey: git_cert_hostkey) -> String {
        guard hostkey.type.rawValue & GIT_CERT_SSH_SHA256.rawValue != 0 else { return "no SHA-256 fingerprint" }
        var digest = hostkey.hash_sha256
        let base64 = withUnsafeBytes(of: &digest) { Data($0).base64EncodedString() }
        return "SHA256:" + base64.replacingOccurrences(of: "=", with: "")
    }
}
