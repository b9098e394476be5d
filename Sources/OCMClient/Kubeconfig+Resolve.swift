import Foundation

extension Kubeconfig {
    /// Resolves one context of a (merged) kubeconfig document.
    /// - Parameters:
    ///   - document: the merged files.
    ///   - context: the context to use (`--context`); nil means `current-context`.
    /// - Throws: ``KubeconfigError`` naming the field at fault.
    init(document: KubeconfigDocument, context: String?) throws {
        guard let contextName = context.flatMap({ $0.isEmpty ? nil : $0 }) ?? document.currentContext else {
            throw KubeconfigError.noContext
        }
        guard let contextEntry = document.contexts[contextName] else {
            throw KubeconfigError.missing(what: "context", name: contextName)
        }
        let clusterName = contextEntry.node["cluster"]?.string ?? ""
        guard let clusterEntry = document.clusters[clusterName] else {
            throw KubeconfigError.missing(what: "cluster", name: clusterName)
        }
        let userName = contextEntry.node["user"]?.string ?? ""
        var userEntry = KubeconfigDocument.Entry(node: .mapping([]), directory: nil)
        if !userName.isEmpty {
            guard let entry = document.users[userName] else {
                throw KubeconfigError.missing(what: "user", name: userName)
            }
            userEntry = entry
        }
        let cluster = clusterEntry.node
        guard let server = cluster["server"]?.string, !server.isEmpty else {
            throw KubeconfigError.noServer(cluster: clusterName)
        }
        self.init(server: server)
        self.contextName = contextName
        self.clusterName = clusterName
        self.userName = userName
        namespace = contextEntry.node["namespace"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        try readCluster(cluster, files: FieldReader(directory: clusterEntry.directory, prefix: clusterField))
        try readUser(userEntry.node, files: FieldReader(directory: userEntry.directory, prefix: userField))
    }

    private mutating func readCluster(_ cluster: ConfigNode, files: FieldReader) throws {
        guard let url = URL(string: server), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else { throw KubeconfigError.invalidField(field: "\(clusterField).server", reason: "not an http(s) URL") }
        insecureSkipTLSVerify = try files.bool(cluster, "insecure-skip-tls-verify")
        tlsServerName = cluster["tls-server-name"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        if let (data, field) = try files.data(cluster, "certificate-authority") {
            certificateAuthorityPEM = data
            certificateAuthorityField = field
        }
        if insecureSkipTLSVerify, certificateAuthorityPEM != nil {
            throw KubeconfigError.invalidField(
                field: "\(clusterField).insecure-skip-tls-verify",
                reason:
                    "cannot be combined with \(certificateAuthorityField) (kubectl refuses a CA with the insecure flag)"
            )
        }
        if let proxy = cluster["proxy-url"]?.string, !proxy.isEmpty {
            throw KubeconfigError.invalidField(field: "\(clusterField).proxy-url", reason: "proxies are not supported")
        }
    }

    private mutating func readUser(_ user: ConfigNode, files: FieldReader) throws {
        if let (data, field) = try files.data(user, "client-certificate") {
            clientCertificatePEM = data
            clientCertificateField = field
        }
        if let (data, field) = try files.data(user, "client-key") {
            clientKeyPEM = data
            clientKeyField = field
        }
        if (clientCertificatePEM == nil) != (clientKeyPEM == nil) {
            let missing =
                clientKeyPEM == nil ? "client-key-data or client-key" : "client-certificate-data or client-certificate"
            throw KubeconfigError.invalidField(
                field: userField, reason: "\(missing) must be set for certificate authentication")
        }
        if let path = user["tokenFile"]?.string, !path.isEmpty {
            let resolved = files.resolve(path)
            tokenFile = resolved
            token = try TokenFileReader.read(path: resolved, field: "\(userField).tokenFile")
        } else {
            token = user["token"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        }
        username = user["username"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        password = user["password"]?.string.flatMap { $0.isEmpty ? nil : $0 }
        if token != nil, username != nil || password != nil {
            throw KubeconfigError.invalidField(
                field: userField,
                reason: "more than one authentication method found (token and basic auth); only one is allowed")
        }
        if user["auth-provider"] != nil {
            throw KubeconfigError.unsupportedAuthentication("\(userField).auth-provider")
        }
        if let execNode = user["exec"], execNode != .scalar("") {
            exec = try ExecConfig(node: execNode, field: "\(userField).exec", files: files)
        }
    }
}

/// Reads kubeconfig fields that hold data inline (base64) or name a file, resolving relative paths against the
/// folder of the kubeconfig that defined the entry.
struct FieldReader {
    var directory: String?
    /// `clusters[x].cluster` or `users[x].user`, for error messages.
    var prefix: String

    func resolve(_ path: String) -> String {
        guard let directory, !path.hasPrefix("/") else { return path }
        return "\(directory)/\(path)"
    }

    /// `<name>-data` (base64) or else the file `<name>` names; returns the data and the field it came from.
    func data(_ node: ConfigNode, _ name: String) throws -> (Data, String)? {
        if let inline = node["\(name)-data"]?.string, !inline.isEmpty {
            // Strict base64 as Go decodes it, except that line breaks and spaces are skipped.
            let compact = inline.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: compact) else {
                throw KubeconfigError.badBase64(field: "\(prefix).\(name)-data")
            }
            return (data, "\(prefix).\(name)-data")
        }
        guard let path = node[name]?.string, !path.isEmpty else { return nil }
        let resolved = resolve(path)
        do {
            return (try Data(contentsOf: URL(fileURLWithPath: resolved)), "\(prefix).\(name)")
        } catch {
            throw KubeconfigError.invalidField(
                field: "\(prefix).\(name)", reason: "cannot read \(resolved): \(Kubeconfig.reason(error))")
        }
    }

    /// A YAML boolean (YAML 1.1 spellings, as sigs.k8s.io/yaml reads them); absent or empty is false.
    func bool(_ node: ConfigNode, _ name: String) throws -> Bool {
        guard let text = node[name]?.string, !text.isEmpty else { return false }
        if ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"].contains(text) { return true }
        if ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"].contains(text) { return false }
        throw KubeconfigError.invalidField(field: "\(prefix).\(name)", reason: "not a boolean")
    }
}
