/// How an ``EdgeSimHub`` listens, authenticates and simulates its work agents.
public struct HubConfiguration: Sendable {
    /// Address to bind; the hub is meant for 127.0.0.1.
    public var host: String
    /// TCP port; 0 lets the system pick a free one (read it from ``EdgeSimHub/baseURL`` after start).
    public var port: Int
    /// The bearer token every request must carry.
    public var token: String
    /// How long the simulated work agent takes before it reports a ManifestWork applied.
    public var agentDelay: Duration
    /// Lets `GET` requests that carry no `Authorization` header through, like kube-apiserver's anonymous
    /// authentication with a read-only RBAC binding for `system:anonymous`. Requests with a wrong token and
    /// writes without one are still refused (401).
    ///
    /// Needed for stock kubectl while the hub speaks plain http: client-go applies a kubeconfig's credentials
    /// only to TLS connections, so kubectl never sends the bearer token to an `http://` server.
    public var anonymousReads: Bool

    /// - Parameters:
    ///   - host: address to bind (default 127.0.0.1).
    ///   - port: TCP port, 0 for a free one.
    ///   - token: bearer token; a fresh random one by default.
    ///   - agentDelay: the work agent's reaction time (default 100 ms).
    ///   - anonymousReads: let token-less `GET` requests through (for kubectl over http).
    public init(
        host: String = "127.0.0.1", port: Int = 0, token: String = HubConfiguration.randomToken(),
        agentDelay: Duration = .milliseconds(100), anonymousReads: Bool = false
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.agentDelay = agentDelay
        self.anonymousReads = anonymousReads
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
