import Foundation

/// A credential an exec plugin returned (`ExecCredential.status`).
struct ExecCredential: Sendable {
    /// Bearer token.
    var token: String?
    /// PEM client certificate (`clientCertificateData`, PEM text, not base64).
    var clientCertificatePEM: Data?
    /// PEM client key (`clientKeyData`).
    var clientKeyPEM: Data?
    /// When the credential expires (`expirationTimestamp`); nil means it is kept for the client's lifetime.
    var expiration: Date?
}

/// Runs an exec credential plugin when a credential is needed and caches it until its expiry. Concurrent requests
/// share one run of the plugin.
actor ExecCredentialProvider {
    let config: ExecConfig
    /// `users[x].user.exec`, for errors.
    let field: String
    /// The `KUBERNETES_EXEC_INFO` JSON.
    let execInfo: String
    private var cached: ExecCredential?
    private var running: Task<ExecCredential, any Error>?

    init(config: ExecConfig, field: String, kubeconfig: Kubeconfig) {
        self.config = config
        self.field = field
        execInfo = Self.execInfo(config: config, kubeconfig: kubeconfig)
    }

    /// A valid credential: the cached one, or a fresh one from the plugin.
    /// - Throws: ``KubeconfigError/execFailed(field:reason:)``.
    func credential() async throws -> ExecCredential {
        if let cached, cached.expiration.map({ $0.timeIntervalSinceNow > 0 }) ?? true { return cached }
        if let running { return try await running.value }
        let (config, field, execInfo) = (self.config, self.field, self.execInfo)
        let task = Task {
            if config.interactiveMode == "Always" {
                throw KubeconfigError.execFailed(
                    field: field, reason: "interactiveMode Always needs a terminal, and this client has none")
            }
            let output = try await ExecPluginRunner.run(config, field: field, execInfo: execInfo)
            return try Self.parse(output, apiVersion: config.apiVersion, field: field)
        }
        running = task
        defer { running = nil }
        let credential = try await task.value
        cached = credential
        return credential
    }

    /// Forgets the cached credential (for example after the server answered 401 to it).
    func invalidate() {
        cached = nil
    }

    /// Reads the plugin's `ExecCredential` output; errors never quote it (it holds the secret).
    static func parse(_ output: Data, apiVersion: String, field: String) throws -> ExecCredential {
        struct Output: Decodable {
            struct Status: Decodable {
                var token: String?
                var clientCertificateData: String?
                var clientKeyData: String?
                var expirationTimestamp: String?
            }
            var apiVersion: String?
            var kind: String?
            var status: Status?
        }
        func failure(_ reason: String) -> KubeconfigError { .execFailed(field: field, reason: reason) }
        guard let decoded = try? JSONDecoder().decode(Output.self, from: output) else {
            throw failure("the plugin's output is not an ExecCredential JSON object")
        }
        guard decoded.kind == "ExecCredential" else {
            throw failure("the plugin's output is not of kind ExecCredential")
        }
        guard decoded.apiVersion == apiVersion else {
            throw failure("the plugin answered in \(decoded.apiVersion ?? "no apiVersion"), expected \(apiVersion)")
        }
        guard let status = decoded.status else { throw failure("the plugin returned no status") }
        let token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        let certificate = status.clientCertificateData.flatMap { $0.isEmpty ? nil : Data($0.utf8) }
        let key = status.clientKeyData.flatMap { $0.isEmpty ? nil : Data($0.utf8) }
        if (certificate == nil) != (key == nil) {
            throw failure(
                certificate == nil
                    ? "the plugin returned a client key without a certificate"
                    : "the plugin returned a client certificate without a key"
            )
        }
        guard token != nil || certificate != nil else {
            throw failure("the plugin returned neither a token nor a client certificate and key")
        }
        var expiration: Date?
        if let text = status.expirationTimestamp, !text.isEmpty {
            guard let date = RFC3339.date(text) else {
                throw failure("status.expirationTimestamp \(text) is not an RFC 3339 time")
            }
            expiration = date
        }
        return ExecCredential(
            token: token, clientCertificatePEM: certificate, clientKeyPEM: key, expiration: expiration)
    }

    /// The `ExecCredential` request the plugin reads from `KUBERNETES_EXEC_INFO`.
    static func execInfo(config: ExecConfig, kubeconfig: Kubeconfig) -> String {
        var spec: [String: Any] = ["interactive": false]
        if config.provideClusterInfo {
            var cluster: [String: Any] = ["server": kubeconfig.server]
            if let ca = kubeconfig.certificateAuthorityPEM {
                cluster["certificate-authority-data"] = ca.base64EncodedString()
            }
            if kubeconfig.insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
            if let name = kubeconfig.tlsServerName { cluster["tls-server-name"] = name }
            spec["cluster"] = cluster
        }
        let request: [String: Any] = ["apiVersion": config.apiVersion, "kind": "ExecCredential", "spec": spec]
        let data =
            (try? JSONSerialization.data(withJSONObject: request, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// RFC 3339 times as Kubernetes writes them (`2026-01-02T03:04:05Z`, optionally with fractional seconds).
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
