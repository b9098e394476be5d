import Foundation
import Logging
import OCMClient
import PlacerCore
import ServiceLifecycle

/// Keeps a live copy of the hub's ManagedClusters by LIST then WATCH (client-go's reflector pattern,
/// CONTRACT.md §8): resumes from the last seen resourceVersion when a watch ends, advances on BOOKMARKs, and
/// re-lists when the server answers 410 Gone. Each change wakes waiters, so a failed or tainted cluster
/// triggers a reconcile within moments instead of the next poll.
public actor ClusterInventoryWatcher: Service {
    let hub: any Hub
    let logger: Logger
    private var clusters: [String: ManagedClusterObject] = [:]
    private var synced = false
    /// Bumped on every change of the cached clusters.
    private(set) var generation = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    /// The wait before re-listing after a failed LIST or WATCH: 1 s doubling to 16 s.
    static let backoff = Backoff(initial: .seconds(1), maximum: .seconds(16))

    /// Told whether each LIST and WATCH reached the hub (nil: not reported).
    let health: DependencyHealth?

    /// - Parameters:
    ///   - hub: the OCM hub.
    ///   - health: where to report whether the hub answers (the reconciler's, so one outage logs once).
    ///   - logger: where a failing watch is logged (once per run of failures; retries log at debug level).
    public init(hub: any Hub, health: DependencyHealth? = nil, logger: Logger = Logger(label: "placer.inventory")) {
        self.hub = hub
        self.health = health
        self.logger = logger
    }

    /// The watched clusters by name, or `nil` until the first LIST has completed.
    public func snapshot() -> [String: ManagedClusterObject]? {
        synced ? clusters : nil
    }

    /// Returns once the inventory changes after `generation` (or at once if it already has).
    public func waitForChange(after seen: Int) async {
        if generation != seen { return }
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if generation != seen || Task.isCancelled {
                    continuation.resume()
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
    }

    /// The current change counter, to pass to ``waitForChange(after:)``.
    public func currentGeneration() -> Int { generation }

    public func run() async throws {
        // A watch waits on the network: graceful shutdown cancels it rather than waiting for the next event.
        do {
            try await cancelWhenGracefulShutdown { try await self.watchLoop() }
        } catch is CancellationError {
            return
        }
    }

    private func watchLoop() async throws {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let page = try await hub.listAll(.managedCluster, namespace: nil)
                var fresh: [String: ManagedClusterObject] = [:]
                for item in page.items {
                    if let cluster = try? ManagedClusterObject.decode(item) { fresh[cluster.metadata.name] = cluster }
                }
                replace(with: fresh)
                health?.succeeded(.hub)
                if failures > 0 {
                    logger.info("ManagedCluster watch resumed", metadata: ["failedAttempts": "\(failures)"])
                }
                failures = 0
                var resourceVersion = page.resourceVersion
                // Watch until the server says our version is too old (410): then re-list.
                watching: while !Task.isCancelled {
                    for try await event in hub.watch(.managedCluster, namespace: nil, resourceVersion: resourceVersion)
                    {
                        if let version = event.metadata.resourceVersion { resourceVersion = version }
                        switch event.type {
                        case .added, .modified:
                            if let cluster = try? ManagedClusterObject.decode(event.object) { upsert(cluster) }
                        case .deleted:
                            if let name = event.metadata.name { remove(name) }
                        case .bookmark:
                            break
                        case .error:
                            if event.status?.code == 410 { break watching }
                            throw WatchFailure(message: event.status?.message ?? "watch error")
                        }
                    }
                }
            } catch let error as KubeError where error.statusCode == 410 {
                logger.info("ManagedCluster watch expired; re-listing")
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                failures += 1
                let wait = Self.backoff.seconds(afterFailures: failures, random: 0)
                if let error = error as? KubeError, error.isTransient {
                    health?.failed(.hub, reason: error.description)
                }
                // One line per run of failures: the retries of an outage are not news.
                if failures == 1 {
                    logger.warning("ManagedCluster watch failed: \(error)", metadata: ["retryInSeconds": "\(wait)"])
                } else {
                    logger.debug("ManagedCluster watch failed again: \(error)", metadata: ["retryInSeconds": "\(wait)"])
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            }
        }
    }

    private func replace(with fresh: [String: ManagedClusterObject]) {
        let changed = !synced || fresh != clusters
        clusters = fresh
        synced = true
        if changed { bump() }
    }

    private func upsert(_ cluster: ManagedClusterObject) {
        guard clusters[cluster.metadata.name] != cluster else { return }
        clusters[cluster.metadata.name] = cluster
        bump()
    }

    private func remove(_ name: String) {
        guard clusters.removeValue(forKey: name) != nil else { return }
        bump()
    }

    private func bump() {
        generation += 1
        let pending = waiters
        waiters = [:]
        for continuation in pending.values { continuation.resume() }
    }

    private func wake(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }

    struct WatchFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "watch error: \(message)" }
    }
}
