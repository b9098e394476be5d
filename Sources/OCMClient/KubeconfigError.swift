/// Why a kubeconfig could not be used. Descriptions never contain credentials.
public enum KubeconfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The text is not valid YAML (or JSON).
    case syntax(line: Int, message: String)
    /// No context was named and the file has no `current-context`.
    case noContext
    /// A named context, cluster or user is missing (`what` is "context", "cluster" or "user").
    case missing(what: String, name: String)
    /// The cluster has no `server`.
    case noServer(cluster: String)
    /// A `*-data` field is not valid base64.
    case badBase64(field: String)
    /// The kubeconfig asks for an authentication method this client does not implement (exec, auth-provider,
    /// username/password).
    case unsupportedAuthentication(String)

    /// The server URL is not an absolute `http://` or `https://` URL.
    case invalidServer(String)
    /// A certificate or key (named by its kubeconfig field) is not usable PEM.
    case invalidPEM(field: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read kubeconfig \(path): \(reason)"
        case .syntax(let line, let message): return "kubeconfig line \(line): \(message)"
        case .noContext: return "kubeconfig has no current-context and no context was given"
        case .missing(let what, let name): return "kubeconfig has no \(what) named \"\(name)\""
        case .noServer(let cluster): return "kubeconfig cluster \"\(cluster)\" has no server"
        case .badBase64(let field): return "kubeconfig field \(field) is not valid base64"
        case .unsupportedAuthentication(let method): return "kubeconfig authentication \(method) is not supported"
        case .invalidServer(let server): return "kubeconfig server \(server) is not an http(s) URL"
        case .invalidPEM(let field): return "kubeconfig \(field) is not a usable PEM certificate or key"
        }
    }
}
