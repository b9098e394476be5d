import Foundation
import Reconciler

/// One named check behind `/livez`, `/readyz` and `/healthz`, as Kubernetes components name theirs (`ping`,
/// `reconcile-loop`): a check answers nil when healthy and a reason when not.
public struct HealthCheck: Sendable {
    /// The check's name: lower case with dashes, the path segment of `/livez/<name>`.
    public var name: String
    /// Nil when healthy; else one line saying why not (shown only at `/<endpoint>/<name>`, like Kubernetes).
    public var run: @Sendable () async -> String?

    public init(name: String, run: @escaping @Sendable () async -> String?) {
        self.name = name
        self.run = run
    }

    /// Always healthy while the server answers.
    public static let ping = HealthCheck(name: "ping") { nil }

    /// Healthy once `isReady` says a reconcile has succeeded (only the leader reconciles, so a standby replica
    /// is not ready).
    public static func reconciled(_ isReady: @escaping @Sendable () async -> Bool) -> HealthCheck {
        HealthCheck(name: "reconcile") {
            await isReady() ? nil : "no reconcile has succeeded yet (a standby waits for the leader Lease)"
        }
    }

    /// Unhealthy while one reconcile has been running for longer than `wedgedAfterSeconds`: the loop is wedged
    /// (a remote that never answers, a deadlock), and a restart is the cure. A loop between reconciles, or one
    /// that never started (a standby), is healthy.
    /// - Parameters:
    ///   - status: the reconciler's status store (its loop's start and finish times).
    ///   - wedgedAfterSeconds: the longest a reconcile may run, in seconds.
    ///   - now: the clock the reconciler's status times come from.
    public static func reconcileLoop(
        status: StatusStore, wedgedAfterSeconds: Double, now: @escaping @Sendable () -> Date = Date.init
    ) -> HealthCheck {
        HealthCheck(name: "reconcile-loop") {
            let loop = await status.loop()
            guard let started = loop.lastReconcileStarted else { return nil }
            if let finished = loop.lastReconcileFinished, finished >= started { return nil }
            let running = now().timeIntervalSince(started)
            guard running > wedgedAfterSeconds else { return nil }
            return "a reconcile has been running for \(Int(running)) s (limit \(Int(wedgedAfterSeconds)) s)"
        }
    }
}
