import Foundation

/// How an ``EdgeSimHub`` listens, authenticates, keeps watch history, validates and simulates its work agents.
public struct HubConfiguration: Sendable {
    /// Address to bind; the hub is meant for 127.0.0.1.
    public var host: String
    /// TCP port; 0 lets the system pick a free one (read it from ``EdgeSimHub/baseURL`` after start).
    public var port: Int
    /// The bearer token every request must carry.
    public var token: String
    /// How long the simulated work agent takes before it reports a ManifestWork applied (clusters without their
    /// own ``AgentBehaviour``).
    public var agentDelay: Duration
    /// Lets `GET` requests that carry no `Authorization` header through, like kube-apiserver's anonymous
    /// authentication with a read-only RBAC binding for `system:anonymous`. Requests with a wrong token and
    /// writes without one are still refused (401).
    ///
    /// Needed for stock kubectl while the hub speaks plain http: client-go applies a kubeconfig's credentials
    /// only to TLS connections, so kubectl never sends the bearer token to an `http://` server.
    public var anonymousReads: Bool
    /// How many change events the hub keeps for watches and list continue tokens; a watch or continue token
    /// from a resourceVersion older than the oldest kept event gets 410 Gone (etcd compaction, in short).
    public var watchHistoryLimit: Int
    /// How often an idle watch that asked for bookmarks gets a `BOOKMARK` event.
    public var bookmarkInterval: Duration
    /// Folder of CRD YAML files whose `openAPIV3Schema` validates objects and feeds `/openapi/v2` and `/openapi/v3`;
    /// nil for ``defaultCRDFolder``. A missing folder means no schema validation.
    public var crdFolder: String?
    /// The ManifestWork admission limit on the total size of `spec.workload.manifests`, in bytes (OCM's webhook
    /// default is 512000, CONTRACT.md §2).
    public var manifestLimitBytes: Int

    /// - Parameters:
    ///   - host: address to bind (default 127.0.0.1).
    ///   - port: TCP port, 0 for a free one.
    ///   - token: bearer token; a fresh random one by default.
    ///   - agentDelay: the work agent's reaction time (default 100 ms).
    ///   - anonymousReads: let token-less `GET` requests through (for kubectl over http).
    ///   - watchHistoryLimit: change events kept for watches (default 1000).
    ///   - bookmarkInterval: time between bookmarks on a watch (default 5 s).
    ///   - crdFolder: CRD folder, nil for ``defaultCRDFolder``.
    ///   - manifestLimitBytes: ManifestWork manifests size limit in bytes (default 512000).
    public init(
        host: String = "127.0.0.1", port: Int = 0, token: String = HubConfiguration.randomToken(),
        agentDelay: Duration = .milliseconds(100), anonymousReads: Bool = false, watchHistoryLimit: Int = 1000,
        bookmarkInterval: Duration = .seconds(5), crdFolder: String? = nil, manifestLimitBytes: Int = 512_000
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.agentDelay = agentDelay
        self.anonymousReads = anonymousReads
        self.watchHistoryLimit = max(1, watchHistoryLimit)
        self.bookmarkInterval = bookmarkInterval
        self.crdFolder = crdFolder
        self.manifestLimitBytes = manifestLimitBytes
    }

    /// `../shared/reference/ocm/crds` beside the package root (found from this source file's path), where the
    /// workspace and the CI clone keep OCM's CRDs.
    public static var defaultCRDFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/reference/ocm/crds").path
    }

    /// A random 32-character hexadecimal token.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined().prefix(32).description
    }
}
