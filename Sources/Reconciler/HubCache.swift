import Foundation
import Logging
import OCMClient
import PlacerCore
import ServiceLifecycle

/// The reconciler's informer caches on the hub (issue 15): a ``CachedHub`` over the real client with one
/// ``Informer`` per collection a reconcile reads, run as a service beside the loop.
///
/// - ManifestWorks this instance owns, in every namespace (``Ownership/selector(instance:)``).
/// - Placements and PlacementDecisions in the decision namespace (when one is configured), the decisions indexed
///   by their placement label.
/// - ManagedClusters and AddOnPlacementScores, everywhere.
///
/// Pass ``hub`` to the ``Reconciler`` in place of the client: at steady state a reconcile then reads everything
/// from the caches and writes only what differs, sending no request beyond the open watches. Writes are timed
/// by ``PlacerMetrics`` under the cache (the cache's reads are not hub requests and are not timed).
public struct HubCache: Service {
    /// The caching hub to hand to the ``Reconciler``.
    public let hub: CachedHub

    /// - Parameters:
    ///   - client: the real hub (a ``KubeClient``).
    ///   - configuration: the instance (owner selector) and decision namespace.
    ///   - metrics: where hub writes are timed.
    ///   - health: told whether each request sent to the hub (the writes, and reads no cache answered) was answered
    ///     (the outage gauge and log lines); share the reconciler's, since a ``Reconciler`` handed a ``CachedHub``
    ///     does not wrap it again.
    ///   - logger: where the informers log a LIST or WATCH that failed for good (they then list again).
    public init(
        client: any Hub, configuration: ReconcilerConfiguration, metrics: PlacerMetrics = PlacerMetrics(),
        health: DependencyHealth? = nil, logger: Logger = Logger(label: "placer.hubcache")
    ) {
        let base = MeteredHub(base: client, metrics: metrics, health: health)
        var informers = [
            Informer(
                hub: client, kind: .manifestWork, labelSelector: Ownership.selector(instance: configuration.instance),
                logger: logger),
            Informer(hub: client, kind: .managedCluster, logger: logger),
            Informer(hub: client, kind: .addOnPlacementScore, logger: logger),
        ]
        if let namespace = configuration.decisionNamespace {
            informers += [
                Informer(hub: client, kind: .placement, namespace: namespace, logger: logger),
                Informer(
                    hub: client, kind: .placementDecision, namespace: namespace,
                    indexedLabels: [DecisionPublisher.placementLabel], logger: logger),
            ]
        }
        self.hub = CachedHub(base: base, informers: informers)
    }

    /// Asks `trigger` for a reconcile whenever someone else edits or deletes an object this instance wrote
    /// (drift), so it is repaired from the watch event rather than at the next poll.
    public func requestReconcileOnDrift(_ trigger: ReconcileTrigger) {
        hub.onForeignChange { kind, namespace, name, type in
            let what = type == .deleted ? "deleted" : "edited"
            Task { await trigger.request(reason: "drift: \(kind.kind) \(namespace ?? "")/\(name) \(what) on the hub") }
        }
    }

    /// Runs the informers until graceful shutdown.
    /// - Throws: an informer's lasting failure (401, 403, 404 from the hub).
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await hub.run() }
        } catch is CancellationError {
            return
        }
    }
}
