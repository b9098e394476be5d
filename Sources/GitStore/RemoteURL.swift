/// The parts of a remote's URL that credentials and host checks need.
///
/// Understands `scheme://[user@]host[:port]/path` (scheme `ssh`, `https`, `http`, `git`, `file`), Git's scp-like
/// form `[user@]host:path` (SSH on port 22), and local paths. A URL carrying a password
/// (`https://user:secret@host/...`), or any user information in an http(s) URL (`https://TOKEN@host/...`), is refused: credentials belong in files or environment variables
/// (`GitCredentials`), and the refusal does not repeat the URL's user information.
struct RemoteURL: Sendable, Equatable {
    /// How the remote is reached.
    enum Transport: Sendable, Equatable {
        case ssh, https, http, git, local
    }

    /// The transport.
    let transport: Transport
    /// The user name in the URL, nil when it has none.
    let user: String?
    /// The host name or address, lower-cased, without IPv6 brackets; empty for local remotes.
    let host: String
    /// The TCP port, nil when the URL gives none (the transport's default).
    let port: Int?

    /// Parses `url`.
    ///
    /// - Parameter url: The remote's URL or path.
    /// - Throws: `GitError` (kind `.authenticationFailed`) if the URL embeds a password; the message gives the
    ///   URL with its user information removed.
    init(_ url: String) throws {
        guard let schemeEnd = url.range(of: "://") else {
            // scp-like `user@host:path` has a colon before any slash; anything else is a local path.
            if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/"), url[..<colon].count > 1 {
                let authority = String(url[..<colon])
                let at = authority.lastIndex(of: "@")
                transport = .ssh
                user = at.map { String(authority[..<$0]) }
                host = (at.map { String(authority[authority.index(after: $0)...]) } ?? authority).lowercased()
                port = nil
            } else {
                transport = .local
                user = nil
                host = ""
                port = nil
            }
            return
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        switch scheme {
        case "ssh", "git+ssh", "ssh+git": transport = .ssh
        case "https": transport = .https
        case "http": transport = .http
        case "git": transport = .git
        default: transport = .local
        }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        var hostPart = Substring(authority)
        var userPart: Substring?
        if let at = authority.lastIndex(of: "@") {
            userPart = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
        }
        if let userPart, userPart.contains(":") {
            throw GitError(
                code: -1,
                message: "remote URL \(scheme)://\(hostPart)/… embeds a password; put the token or password in a file "
                    + "or an environment variable (see docs/git.md) and use a URL without it",
                operation: "parse remote URL", kind: .authenticationFailed)
        }
        if userPart != nil, transport == .https || transport == .http {
            // `https://TOKEN@host/…` is how GitHub documents tokens in URLs: the user part is a secret there too,
            // sent as basic auth and kept in the cache's config. The user name belongs in --git-username.
            throw GitError(
                code: -1,
                message: "remote URL \(scheme)://\(hostPart)/… carries user information, which for HTTP is often a "
                    + "token; give the user name with --git-username and the token in a file or an environment "
                    + "variable (see docs/git.md), and use a URL without it",
                operation: "parse remote URL", kind: .authenticationFailed)
        }
        user = userPart.map(String.init)
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            host = hostPart[hostPart.index(after: hostPart.startIndex)..<close].lowercased()
            let after = hostPart[hostPart.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) : nil
        } else if let colon = hostPart.lastIndex(of: ":") {
            host = hostPart[..<colon].lowercased()
            port = Int(hostPart[hostPart.index(after: colon)...])
        } else {
            host = hostPart.lowercased()
            port = nil
        }
    }

    /// `url` with any password in its user information replaced by `***`, for messages and logs.
    ///
    /// The result still carries a user-information colon, so `RemoteURL(_:)` still refuses it.
    static func redacting(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }

    /// The name OpenSSH looks up in known_hosts: `host` on port 22, `[host]:port` otherwise.
    var knownHostsName: String {
        guard let port, port != 22 else { return host }
        return "[\(host)]:\(port)"
    }
}
