/// Why a kubeconfig could not be used. Descriptions name the kubeconfig field at fault, as a path such as
/// `users[edgesim].user.client-key-data`, and never contain credentials (tokens, passwords, keys).
public enum KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The text is not valid YAML (or JSON).
    case syntax(line: Int, message: String)
    /// A file of the kubeconfig is not valid YAML (or JSON).
    case invalidFile(path: String, line: Int, message: String)
    /// No context was named and the file has no `current-context`.
    case noContext
    /// A named context, cluster or user is missing (`what` is "context", "cluster" or "user").
    case missing(what: String, name: String)
    /// The cluster has no `server`.
    case noServer(cluster: String)
    /// A `*-data` field (named by its path) is not valid base64.
    case badBase64(field: String)
    /// The kubeconfig asks for an authentication method this client does not implement (the field path, e.g.
    /// `users[u].user.auth-provider`).
    case unsupportedAuthentication(String)
    /// The server URL is not an absolute `http://` or `https://` URL.
    case invalidServer(String)
    /// A certificate or key (named by its kubeconfig field) is not usable PEM.
    case invalidPEM(field: String)
    /// A field's value cannot be used; `reason` says why (never quoting a secret).
    case invalidField(field: String, reason: String)
    /// No kubeconfig file was found: `KUBECONFIG` named none that exists and there is no `~/.kube/config`.
    case noConfiguration(searched: [String])
    /// An exec credential plugin (the `users[...].user.exec` field) failed or returned no usable credential.
    case execFailed(field: String, reason: String)
    /// In-cluster configuration is not possible here (`reason` says which variable or file is missing).
    case inCluster(reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read kubeconfig \(path): \(reason)"
        case .syntax(let line, let message): return "kubeconfig line \(line): \(message)"
        case .invalidFile(let path, let line, let message): return "kubeconfig \(path) line \(line): \(message)"
        case .noContext: return "kubeconfig has no current-context and no context was given"
        case .missing(let what, let name): return "kubeconfig has no \(what) named \"\(name)\""
        case .noServer(let cluster): return "kubeconfig clusters[\(cluster)].cluster.server: missing"
        case .badBase64(let field): return "kubeconfig \(field): not valid base64"
        case .unsupportedAuthentication(let field): return "kubeconfig \(field): authentication method not supported"
        case .invalidServer(let server): return "kubeconfig server \(server) is not an http(s) URL"
        case .invalidPEM(let field): return "kubeconfig \(field): not a usable PEM certificate or key"
        case .invalidField(let field, let reason): return "kubeconfig \(field): \(reason)"
        case .noConfiguration(let searched):
            return "no kubeconfig found (looked for \(searched.joined(separator: ", ")))"
        case .execFailed(let field, let reason): return "kubeconfig \(field): \(reason)"
        case .inCluster(let reason): return "in-cluster config: \(reason)"
        }
    }
}
