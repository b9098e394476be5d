import Foundation
import Logging
import PlacerCore
import ServiceLifecycle

/// The reconcile loop as a swift-service-lifecycle `Service`: reconciles every interval (±10% jitter so
/// replicas do not poll in step) and, after a failure, does what its class says (``NextAction``): a transient one
/// waits with exponential backoff (capped at 5 minutes); a stall (a refused mass prune, broken inputs) waits at the
/// normal interval for a human's commit, without backoff.
/// Stops at graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`) at once, cancelling a reconcile in flight.
public struct ReconcileService: Service {
    public let reconciler: Reconciler
    /// The poll interval in seconds.
    public let intervalSeconds: Double
    let onReport: @Sendable (ReconcileReport) -> Void
    let logger: Logger
    /// When set, a change of the watched ManagedClusters starts a reconcile before the interval is up.
    let inventoryWatcher: ClusterInventoryWatcher?
    /// When set, requests from webhooks and the metrics watcher start a reconcile before the interval is up;
    /// a burst of them coalesces into one (300 ms of quiet, at most 3 s of deferral).
    let trigger: ReconcileTrigger?

    /// - Parameters:
    ///   - reconciler: the loop's reconciler.
    ///   - intervalSeconds: time between reconciles, in seconds.
    ///   - onReport: called after each successful reconcile (on the service's task).
    public init(
        reconciler: Reconciler, intervalSeconds: Double, inventoryWatcher: ClusterInventoryWatcher? = nil,
        trigger: ReconcileTrigger? = nil, logger: Logger = Logger(label: "placer.loop"),
        onReport: @escaping @Sendable (ReconcileReport) -> Void = { _ in }
    ) {
        self.inventoryWatcher = inventoryWatcher
        self.trigger = trigger
        self.reconciler = reconciler
        self.intervalSeconds = intervalSeconds
        self.onReport = onReport
        self.logger = logger
    }

    public func run() async throws {
        var failures = 0
        // The last failure's text: a retry failing the same way logs at debug level only (one line per change of
        // state; DependencyHealth names the part that is down).
        var lastFailure: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var wait = intervalSeconds * Double.random(in: 0.9...1.1)
            // Requests that arrived during the last reconcile are served by the one starting now.
            if let pending = await trigger?.takePending(), !pending.isEmpty {
                logger.info(
                    "reconciling on request", metadata: ["reasons": "\(pending.prefix(5).joined(separator: "; "))"])
            }
            do {
                let started = ContinuousClock.now
                // A reconcile in flight is cancelled by graceful shutdown rather than awaited: it may be waiting up
                // to `statusWaitSeconds` for work agents, or backing off a push race, and every step is safe to stop
                // at (the crash suite kills the daemon at each one; the next start finishes the work).
                let report = try await cancelWhenGracefulShutdown { try await reconciler.reconcileOnce() }
                if let failed = lastFailure, failures > 0 {
                    logger.notice(
                        "reconcile succeeded again after \(failures) failed attempt\(failures == 1 ? "" : "s")",
                        metadata: ["lastError": "\(failed)"])
                }
                failures = 0
                lastFailure = nil
                // One line per pass, as Flux's controllers log (at debug: a quiet loop stays quiet at info): what was
                // read, what was written, how long it took. The crash suite waits on it.
                let milliseconds = Int((ContinuousClock.now - started) / .milliseconds(1))
                logger.debug(
                    "reconciliation finished",
                    metadata: [
                        "revision": "\(report.revision)", "commit": "\(report.commit ?? "-")",
                        "durationMs": "\(milliseconds)",
                    ])
                onReport(report)
            } catch is CancellationError {
                return  // shutting down mid-reconcile: not a failure
            } catch {
                // A cancelled step may surface as its own error (a hub call, a fetch): at shutdown, not a failure.
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                let next = NextAction.after(error)
                (failures, wait) = Self.schedule(after: next, failures: failures, intervalSeconds: intervalSeconds)
                if next == .stall {
                    // Stalled (the status store logged it when it began): only a new commit can help, so poll at the
                    // interval (or a webhook) without backing off, and without retrying the same tip.
                    logger.debug("reconcile stalled: \(error)", metadata: ["nextInSeconds": "\(Int(wait))"])
                } else if lastFailure != "\(error)" && !reconciler.configuration.logsInputErrors {
                    // (With logsInputErrors the status store already logged the failure when the loop's Ready
                    // condition changed: one line, not two.)
                    logger.error("reconcile failed: \(error)", metadata: ["retryInSeconds": "\(Int(wait))"])
                } else {
                    logger.debug("reconcile failed again: \(error)", metadata: ["retryInSeconds": "\(Int(wait))"])
                }
                lastFailure = "\(error)"
            }
            let pause = Duration.milliseconds(Int(wait * 1000))
            let seen = await inventoryWatcher?.currentGeneration()
            try? await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await Task.sleep(for: pause) }
                    if let trigger {
                        group.addTask {
                            let reasons = try await trigger.waitForRequest(
                                debounce: .milliseconds(300), maxDelay: .seconds(3))
                            logger.info(
                                "reconcile requested",
                                metadata: ["reasons": "\(reasons.prefix(5).joined(separator: "; "))"])
                        }
                    }
                    if let watcher = inventoryWatcher, let seen {
                        group.addTask {
                            await watcher.waitForChange(after: seen)
                            // Let a burst of cluster updates settle into one reconcile.
                            try await Task.sleep(for: .milliseconds(200))
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// The failure count and the wait in seconds after a failed reconcile classed `next`, given `failures` earlier
    /// consecutive failures: a retry counts and backs off; a stall or a wait resets the count and waits one interval.
    public static func schedule(
        after next: NextAction, failures: Int, intervalSeconds: Double
    ) -> (failures: Int, seconds: Double) {
        switch next {
        case .retry:
            return (failures + 1, backoffSeconds(failures: failures + 1, intervalSeconds: intervalSeconds))
        case .stall, .wait:
            return (0, intervalSeconds)
        }
    }

    /// The wait after `failures` consecutive failures: interval × 2^(failures−1), at most 300 s (a ``Backoff``
    /// without jitter; the interval's own ±10% spreads replicas).
    /// - Parameters:
    ///   - failures: consecutive failed reconciles (values below 1 count as 1).
    ///   - intervalSeconds: the poll interval in seconds.
    /// - Returns: the wait in seconds.
    public static func backoffSeconds(failures: Int, intervalSeconds: Double) -> Double {
        let interval = Duration.milliseconds(Int64((intervalSeconds * 1000).rounded()))
        return Backoff(initial: min(interval, .seconds(300)), maximum: .seconds(300))
            .seconds(afterFailures: failures, random: 0)
    }
}
