import Foundation

extension Kubeconfig {
    /// Loads the kubeconfig as kubectl does without `--kubeconfig`: the files `KUBECONFIG` lists (separated by `:`;
    /// empty entries, duplicates and files that do not exist are skipped), merged so that the first file to set a
    /// cluster, user or context name, or `current-context`, wins; without `KUBECONFIG`, `$HOME/.kube/config`; and
    /// when no file exists but the process runs in a pod, the in-cluster service-account config.
    /// - Parameters:
    ///   - context: the context to use (`--context`); nil means the merged `current-context`.
    ///   - environment: the variables to read (`KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST`, ...).
    /// - Throws: ``KubeconfigError``; ``KubeconfigError/noConfiguration(searched:)`` when nothing was found.
    public static func load(
        context: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Kubeconfig {
        let paths = searchPaths(environment: environment)
        let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
        if existing.isEmpty {
            if environment["KUBERNETES_SERVICE_HOST"]?.isEmpty == false {
                return try inCluster(environment: environment)
            }
            throw KubeconfigError.noConfiguration(searched: paths)
        }
        return try load(paths: existing, context: context)
    }

    /// Loads and merges kubeconfig files in order (the first file to set a name or `current-context` wins), then
    /// resolves one context. Relative paths in an entry resolve against the folder of the file that defined it.
    /// - Parameters:
    ///   - paths: the files; every one must be readable.
    ///   - context: the context to use; nil means the merged `current-context`.
    /// - Throws: ``KubeconfigError``.
    public static func load(paths: [String], context: String? = nil) throws -> Kubeconfig {
        var merged = KubeconfigDocument()
        for path in paths { merged.merge(try KubeconfigDocument.load(file: path)) }
        return try Kubeconfig(document: merged, context: context)
    }

    /// The files kubectl would read: `KUBECONFIG`'s entries, or `$HOME/.kube/config`.
    static func searchPaths(environment: [String: String]) -> [String] {
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            return list.split(separator: ":").map(String.init).filter { !$0.isEmpty && seen.insert($0).inserted }
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return ["\(home)/.kube/config"]
    }

    /// The in-cluster configuration of a pod (client-go's `rest.InClusterConfig`): server
    /// `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, the service-account token (as a token file, so
    /// a rotated projected token is picked up), its CA and namespace.
    /// - Parameters:
    ///   - environment: the variables to read.
    ///   - root: prefix of `/var/run/secrets/kubernetes.io/serviceaccount` (for tests; "" in a pod).
    /// - Throws: ``KubeconfigError/inCluster(reason:)`` naming the missing variable or file.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment, root: String = ""
    ) throws -> Kubeconfig {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeconfigError.inCluster(reason: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set")
        }
        let folder = "\(root)/var/run/secrets/kubernetes.io/serviceaccount"
        let bracketed = host.contains(":") ? "[\(host)]" : host
        var config = Kubeconfig(server: "https://\(bracketed):\(port)")
        config.contextName = "in-cluster"
        config.tokenFile = "\(folder)/token"
        do {
            config.token = try TokenFileReader.read(path: "\(folder)/token", field: "service-account token")
        } catch {
            throw KubeconfigError.inCluster(reason: "cannot read the service-account token \(folder)/token")
        }
        guard let ca = FileManager.default.contents(atPath: "\(folder)/ca.crt") else {
            throw KubeconfigError.inCluster(reason: "cannot read the service-account CA \(folder)/ca.crt")
        }
        config.certificateAuthorityPEM = ca
        config.certificateAuthorityField = "service-account ca.crt"
        if let namespace = FileManager.default.contents(atPath: "\(folder)/namespace") {
            let text = String(decoding: namespace, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            config.namespace = text.isEmpty ? nil : text
        }
        return config
    }
}
