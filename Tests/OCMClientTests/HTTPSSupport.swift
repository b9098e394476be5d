import AppModel
import EdgeSim
import Foundation
import OCMClient

/// A temporary folder for kubeconfigs, certificates, token files and plugin scripts.
struct TempFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("ocm-https-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the folder (creating subfolders) and returns the file's path.
    @discardableResult
    func write(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let file = "\(path)/\(name)"
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file) }
        return file
    }

    func read(_ name: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: "\(path)/\(name)"))).map { String(decoding: $0, as: UTF8.self) }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` with a started HTTPS hub (seeded with ManagedCluster `edge-1`) and a temporary folder; always
/// stops the hub and removes the folder.
func withHTTPSHub<T>(
    token: String = HubConfiguration.randomToken(), anonymousReads: Bool = false, tls: HubTLS? = nil,
    _ body: (EdgeSimHub, TempFolder) async throws -> T
) async throws -> T {
    let hub = EdgeSimHub(
        configuration: HubConfiguration(token: token, agentDelay: .seconds(60), anonymousReads: anonymousReads),
        tls: try tls ?? HubTLS())
    try await hub.start()
    let folder = try TempFolder()
    do {
        try await hub.seed(managedCluster("edge-1"))
        let result = try await body(hub, folder)
        await hub.stop()
        folder.remove()
        return result
    } catch {
        await hub.stop()
        folder.remove()
        throw error
    }
}

/// Lists ManagedClusters with a client built from `kubeconfig` and shuts the client down.
/// - Returns: the names listed.
func listClusters(_ kubeconfig: Kubeconfig) async throws -> [String] {
    let client = try KubeClient(kubeconfig: kubeconfig, retryPolicy: .none)
    do {
        let names = try await client.list(.managedCluster, namespace: nil).map {
            try ManagedClusterObject.decode($0).metadata.name
        }
        try await client.shutdown()
        return names
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// The error `body` throws (nil when it succeeds).
func caught(_ body: () async throws -> Void) async -> (any Error)? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}

/// A one-context kubeconfig (context `edgesim`, cluster `edgesim`, user `edgesim`) whose cluster and user mappings
/// hold the given lines (already in `key: value` form).
func kubeconfigText(cluster: [String], user: [String]) -> String {
    """
    apiVersion: v1
    kind: Config
    clusters:
    - name: edgesim
      cluster:
    \(cluster.map { "    \($0)\n" }.joined())users:
    - name: edgesim
      user:
    \(user.isEmpty ? "    {}\n" : user.map { "    \($0)\n" }.joined())contexts:
    - name: edgesim
      context: {cluster: edgesim, user: edgesim}
    current-context: edgesim

    """
}

/// `key: base64(text)`, for `*-data` fields.
func dataField(_ key: String, _ text: String) -> String {
    "\(key): \(Data(text.utf8).base64EncodedString())"
}
