/// How GitStore authenticates to a remote and checks the remote's identity.
///
/// One value covers both network transports; the URL's scheme picks the part used: `ssh://` (and scp-like
/// `user@host:path`) uses `ssh`, `https://` uses `https`. `file://` and `git://` need none. Secrets are
/// `GitSecret`s read at connect time, never stored in the value.
public struct GitCredentials: Sendable, Equatable {
    /// SSH public-key authentication and host-key checking.
    public struct SSH: Sendable, Equatable {
        /// The private key file (OpenSSH format, e.g. made by `ssh-keygen -t ed25519`).
        public var privateKeyPath: String
        /// The public key file; nil lets libssh2 derive it from the private key.
        public var publicKeyPath: String?
        /// The private key's passphrase; nil for an unencrypted key.
        public var passphrase: GitSecret?
        /// The OpenSSH known_hosts file the server's host key must be listed in (plain, `[host]:port`,
        /// comma lists, wildcards and hashed `|1|` entries; `@revoked` honoured, `@cert-authority` ignored).
        public var knownHostsPath: String
        /// The user name when the URL has none (`ssh://host/x.git`); default `"git"`.
        public var username: String

        /// Creates SSH settings.
        ///
        /// - Parameters:
        ///   - privateKeyPath: The private key file.
        ///   - publicKeyPath: The public key file, or nil to derive it.
        ///   - passphrase: Where the key's passphrase is, nil if the key has none.
        ///   - knownHostsPath: The known_hosts file to verify the server against.
        ///   - username: The user name for URLs without one.
        public init(
            privateKeyPath: String, publicKeyPath: String? = nil, passphrase: GitSecret? = nil,
            knownHostsPath: String, username: String = "git"
        ) {
            self.privateKeyPath = privateKeyPath
            self.publicKeyPath = publicKeyPath
            self.passphrase = passphrase
            self.knownHostsPath = knownHostsPath
            self.username = username
        }
    }

    /// HTTP basic authentication with a token as the password, and the CA the server's certificate must chain to.
    public struct HTTPS: Sendable, Equatable {
        /// The user name sent with the token (GitHub, GitLab and Gitea accept any for tokens; default `"git"`).
        public var username: String
        /// The token (or password); nil for anonymous access.
        public var token: GitSecret?
        /// A PEM CA bundle to trust instead of the system's (`/etc/ssl/certs/ca-certificates.crt`); nil for the
        /// system's. Process-wide in libgit2 1.5: GitStore serialises HTTPS operations so each uses its own.
        public var caBundlePath: String?

        /// Creates HTTPS settings.
        ///
        /// - Parameters:
        ///   - username: The basic-auth user name.
        ///   - token: Where the token is, nil for anonymous access.
        ///   - caBundlePath: A PEM CA bundle file, nil for the system's.
        public init(username: String = "git", token: GitSecret? = nil, caBundlePath: String? = nil) {
            self.username = username
            self.token = token
            self.caBundlePath = caBundlePath
        }
    }

    /// SSH settings, nil when no SSH remote is used.
    public var ssh: SSH?
    /// HTTPS settings, nil for anonymous HTTPS with the system's CAs.
    public var https: HTTPS?

    /// Creates credentials.
    ///
    /// - Parameters:
    ///   - ssh: SSH settings.
    ///   - https: HTTPS settings.
    public init(ssh: SSH? = nil, https: HTTPS? = nil) {
        self.ssh = ssh
        self.https = https
    }

    /// No credentials: anonymous `file://`, `git://` and public `https://` only.
    public static let none = GitCredentials()
}
