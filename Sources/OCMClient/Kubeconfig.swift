import Foundation

/// The connection settings of one kubeconfig context: where the hub is and how to authenticate to it.
///
/// Read as kubectl (client-go) reads kubeconfig.v1:
/// - files: ``load(path:context:)`` for one file, ``load(context:environment:)`` for `KUBECONFIG` (several files
///   separated by `:`, merged: the first file to set a cluster, user or context name, or `current-context`, wins)
///   or `~/.kube/config`, ``inCluster(environment:root:)`` for a pod's service account;
/// - `clusters[].cluster`: `server`, `certificate-authority-data` or `certificate-authority` (a file, relative to
///   the kubeconfig that names it), `insecure-skip-tls-verify` (refused together with a CA, as kubectl does),
///   `tls-server-name`;
/// - `users[].user`: `token`, `tokenFile` (wins over `token`; re-read on every request, so a rotated token is
///   picked up at once, and the last good token is kept while the file is briefly unreadable),
///   `client-certificate(-data)` + `client-key(-data)`, `exec` credential plugins
///   (`client.authentication.k8s.io/v1` and `v1beta1`, see ``ExecConfig``), `username`/`password` (basic auth).
///   `auth-provider` is refused. `*-data` fields win over their file variants.
///
/// TLS is verified by default. Errors (``KubeconfigError``) name the field at fault and never contain secrets.
public struct Kubeconfig: Sendable {
    /// The API server URL (`https://host:6443`, or `http://` for EdgeSim).
    public var server: String
    /// Bearer token (from `token`, or the contents of `tokenFile` when it was read). Never logged or shown in errors.
    public var token: String?
    /// Absolute path of `tokenFile`: when set, the token is read from it again on every request.
    public var tokenFile: String?
    /// PEM bundle of the CAs that sign the server certificate; nil uses the system trust store.
    public var certificateAuthorityPEM: Data?
    /// Skips server certificate verification (test hubs only). Never combined with a CA.
    public var insecureSkipTLSVerify: Bool
    /// The name to verify the server certificate against (and send as SNI) instead of the server URL's host.
    public var tlsServerName: String?
    /// PEM client certificate chain for mTLS.
    public var clientCertificatePEM: Data?
    /// PEM private key of the client certificate.
    public var clientKeyPEM: Data?
    /// Basic-auth user name (`username`).
    public var username: String?
    /// Basic-auth password (`password`). Never logged or shown in errors.
    public var password: String?
    /// An exec credential plugin that supplies a token or client certificate.
    public var exec: ExecConfig?
    /// The context's default namespace, if it sets one.
    public var namespace: String?
    /// Names of the context, cluster and user this configuration came from (empty when given directly).
    public var contextName = "", clusterName = "", userName = ""

    /// Settings given directly rather than read from a file.
    public init(
        server: String, token: String? = nil, certificateAuthorityPEM: Data? = nil,
        insecureSkipTLSVerify: Bool = false, clientCertificatePEM: Data? = nil, clientKeyPEM: Data? = nil
    ) {
        self.server = server
        self.token = token
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }

    /// Field paths for error messages: `clusters[<name>].cluster` and `users[<name>].user`.
    var clusterField: String { clusterName.isEmpty ? "cluster" : "clusters[\(clusterName)].cluster" }
    var userField: String { userName.isEmpty ? "user" : "users[\(userName)].user" }
    /// The field each PEM came from (`certificate-authority-data` or `certificate-authority`, ...), for errors.
    var certificateAuthorityField = "certificate-authority-data"
    var clientCertificateField = "client-certificate-data"
    var clientKeyField = "client-key-data"

    /// Reads one kubeconfig file and resolves one context (like `kubectl --kubeconfig <path> [--context <name>]`).
    /// - Parameters:
    ///   - path: the kubeconfig file; relative file references inside it resolve against its directory.
    ///   - context: the context to use; nil means `current-context`.
    /// - Throws: ``KubeconfigError``.
    public static func load(path: String, context: String? = nil) throws -> Kubeconfig {
        try Kubeconfig(document: try KubeconfigDocument.load(file: path), context: context)
    }

    /// Parses kubeconfig text (YAML or JSON) and resolves one context.
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - context: the context to use; nil means `current-context`.
    ///   - baseDirectory: where relative `certificate-authority`, `client-certificate`, `client-key`, `tokenFile`
    ///     and exec `command` paths resolve; nil means the current directory.
    /// - Throws: ``KubeconfigError``.
    public init(parsing data: Data, context: String? = nil, baseDirectory: String? = nil) throws {
        try self.init(document: try KubeconfigDocument(parsing: data, directory: baseDirectory), context: context)
    }

    static func reason(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError, cocoa.code == .fileReadNoSuchFile { return "no such file" }
        if let cocoa = error as? CocoaError, cocoa.code == .fileReadNoPermission { return "permission denied" }
        return (error as NSError).localizedDescription.split(separator: "\n").first.map(String.init) ?? "\(error)"
    }
}
