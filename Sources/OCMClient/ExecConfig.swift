import Foundation

/// An exec credential plugin from a kubeconfig's `users[].user.exec` (client.authentication.k8s.io `v1` or
/// `v1beta1`): a command that prints an `ExecCredential` whose status holds a bearer token or a client certificate
/// and key.
///
/// The command runs without a terminal, with the process environment plus ``environment`` and
/// `KUBERNETES_EXEC_INFO` (the `ExecCredential` request: apiVersion, kind, `spec.interactive: false`, and
/// `spec.cluster` when ``provideClusterInfo`` is set). Its credential is cached until its
/// `status.expirationTimestamp` (for the client's lifetime when it has none).
public struct ExecConfig: Sendable, Equatable {
    /// One `env` entry.
    public struct Variable: Sendable, Equatable {
        /// The variable name.
        public var name: String
        /// Its value.
        public var value: String

        /// - Parameters: name and value of the variable.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The program: a name looked up in `PATH`, or a path (a relative path with a `/` resolves against the
    /// kubeconfig's folder, as client-go does).
    public var command: String
    /// Its arguments (`args`).
    public var arguments: [String]
    /// Extra environment variables (`env`).
    public var environment: [Variable]
    /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`; the plugin must answer in it.
    public var apiVersion: String
    /// `Never`, `IfAvailable` or `Always` (`interactiveMode`); this client has no terminal, so `Always` fails.
    public var interactiveMode: String
    /// Whether the plugin is given the cluster's server and CA in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// Shown when the command cannot be found (`installHint`).
    public var installHint: String?

    /// The two API versions this client speaks.
    public static let supportedAPIVersions = [
        "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1",
    ]

    /// A plugin given directly.
    public init(
        command: String, arguments: [String] = [], environment: [Variable] = [],
        apiVersion: String = "client.authentication.k8s.io/v1", interactiveMode: String = "Never",
        provideClusterInfo: Bool = false, installHint: String? = nil
    ) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.apiVersion = apiVersion
        self.interactiveMode = interactiveMode
        self.provideClusterInfo = provideClusterInfo
        self.installHint = installHint
    }

    /// Reads and checks the `exec` mapping as client-go validates it.
    /// - Throws: ``KubeconfigError/invalidField(field:reason:)`` naming the sub-field at fault.
    init(node: ConfigNode, field: String, files: FieldReader) throws {
        guard let command = node["command"]?.string, !command.isEmpty else {
            throw KubeconfigError.invalidField(field: "\(field).command", reason: "missing")
        }
        guard let apiVersion = node["apiVersion"]?.string, !apiVersion.isEmpty else {
            throw KubeconfigError.invalidField(field: "\(field).apiVersion", reason: "missing")
        }
        guard Self.supportedAPIVersions.contains(apiVersion) else {
            throw KubeconfigError.invalidField(
                field: "\(field).apiVersion",
                reason: "\(apiVersion) is not supported (use \(Self.supportedAPIVersions.joined(separator: " or ")))")
        }
        var mode = node["interactiveMode"]?.string ?? ""
        if mode.isEmpty {
            guard apiVersion.hasSuffix("/v1beta1") else {
                throw KubeconfigError.invalidField(field: "\(field).interactiveMode", reason: "must be set for v1")
            }
            mode = "IfAvailable"
        }
        guard ["Never", "IfAvailable", "Always"].contains(mode) else {
            throw KubeconfigError.invalidField(
                field: "\(field).interactiveMode", reason: "\(mode) is not Never, IfAvailable or Always")
        }
        var environment: [Variable] = []
        for (index, item) in (node["env"]?.items ?? []).enumerated() {
            guard let name = item["name"]?.string, !name.isEmpty else {
                throw KubeconfigError.invalidField(field: "\(field).env[\(index)].name", reason: "missing")
            }
            environment.append(Variable(name: name, value: item["value"]?.string ?? ""))
        }
        self.init(
            command: command.contains("/") ? files.resolve(command) : command,
            arguments: (node["args"]?.items ?? []).map { $0.string ?? "" }, environment: environment,
            apiVersion: apiVersion, interactiveMode: mode,
            provideClusterInfo: try FieldReader(directory: files.directory, prefix: field).bool(
                node, "provideClusterInfo"),
            installHint: node["installHint"]?.string.flatMap { $0.isEmpty ? nil : $0 })
    }
}
