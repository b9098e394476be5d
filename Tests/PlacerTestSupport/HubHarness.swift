import EdgeSim
import Foundation
import OCMClient

/// Runs `body` with an EdgeSim hub started from `configuration` and a ``KubeClient`` for it (bearer token, no
/// kubeconfig file); always stops both.
/// - Parameters:
///   - configuration: the hub's configuration (its token is the client's).
///   - retryPolicy: the client's retries of transient failures.
///   - body: the test.
/// - Returns: what `body` returns.
/// - Throws: what starting the hub, creating the client or `body` throws.
public func withHub<T>(
    _ configuration: HubConfiguration, retryPolicy: RetryPolicy = .default,
    _ body: (EdgeSimHub, KubeClient) async throws -> T
) async throws -> T {
    try await withHub(configuration: configuration) { hub in
        let client = try KubeClient(
            kubeconfig: Kubeconfig(server: hub.baseURL, token: configuration.token), retryPolicy: retryPolicy)
        do {
            let result = try await body(hub, client)
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

/// Starts an EdgeSim hub whose work agent waits `agentDelay`, runs `body`, and stops the hub whatever happens.
/// - Parameters:
///   - agentDelay: how long the simulated work agent takes to report a work applied (default 60 s: never, in
///     a short test).
///   - body: the test.
/// - Returns: what `body` returns.
/// - Throws: what starting the hub or `body` throws.
public func withHub<T>(
    agentDelay: Duration = .seconds(60), _ body: (EdgeSimHub) async throws -> T
) async throws -> T {
    try await withHub(configuration: HubConfiguration(agentDelay: agentDelay), body)
}

/// Starts an EdgeSim hub with `configuration` (HTTPS with `tls`), runs `body`, and stops the hub whatever happens.
/// - Parameters:
///   - configuration: the hub's configuration.
///   - tls: serve HTTPS with this CA and certificate; nil for plain http.
///   - body: the test.
/// - Returns: what `body` returns.
/// - Throws: what starting the hub or `body` throws.
public func withHub<T>(
    configuration: HubConfiguration, tls: HubTLS? = nil, _ body: (EdgeSimHub) async throws -> T
) async throws -> T {
    let hub = EdgeSimHub(configuration: configuration, tls: tls)
    try await hub.start()
    do {
        let result = try await body(hub)
        await hub.stop()
        return result
    } catch {
        await hub.stop()
        throw error
    }
}
