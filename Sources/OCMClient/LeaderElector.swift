import Foundation
import Logging
import NIOConcurrencyHelpers

/// Leader election on a `coordination.k8s.io/v1` Lease, with client-go's `leaderelection` semantics.
///
/// A candidate takes the lease when it does not exist, is free (no holder), or has not changed for
/// `leaseDurationSeconds` by the candidate's own clock: like client-go, expiry is judged from when this process
/// last saw the record change, never from the `renewTime` written by another machine's clock. Every write is
/// an optimistic-concurrency update (PUT with the resourceVersion last read), so of two candidates racing for
/// the same lease one gets 409 and stays a follower.
///
/// The leader renews every `retryPeriodSeconds`; when no renewal has succeeded for `renewDeadlineSeconds` it
/// stops leading, before any other candidate may take over (`renewDeadline < leaseDuration`). So two electors
/// never lead at once as long as the clocks run at the same rate.
public final class LeaderElector: Sendable {
    /// client-go's bound: `renewDeadline` must exceed `retryPeriod` times this.
    static let jitterFactor = 1.2
    /// The random stretch of a follower's wait between attempts (`retryPeriod * (1 + random(0..<0.2))`); smaller
    /// than client-go's 1.2 so a takeover comes within about one retry period of the lease's expiry.
    static let followerJitter = 0.2

    let client: KubeClient
    /// The Lease's namespace.
    public let namespace: String
    /// The Lease's name.
    public let name: String
    /// This candidate's identity, written as `holderIdentity` (unique per process, e.g. pod name + UUID).
    public let identity: String
    /// How long, in seconds, followers wait after the last change they saw before taking over.
    public let leaseDurationSeconds: Int
    /// How long, in seconds, the leader keeps trying to renew before it gives up leading.
    public let renewDeadline: Duration
    /// The wait between attempts to acquire or renew.
    public let retryPeriod: Duration
    /// Whether a leader that is cancelled frees the lease (empty holder) so a follower takes over at once.
    public let releaseOnCancel: Bool
    let logger: Logger
    private let leading = NIOLockedValueBox(false)

    /// Creates an elector; nothing happens until ``run(onStartedLeading:onStoppedLeading:)``.
    /// - Parameters:
    ///   - client: the hub client.
    ///   - namespace: the Lease's namespace.
    ///   - name: the Lease's name.
    ///   - identity: this candidate's unique identity.
    ///   - leaseDurationSeconds: followers' takeover wait, in seconds (default 15).
    ///   - renewDeadlineSeconds: the leader's renewal deadline, in seconds (default 10).
    ///   - retryPeriodSeconds: the wait between attempts, in seconds (default 2).
    ///   - releaseOnCancel: free the lease when cancelled while leading (default true).
    ///   - logger: leadership changes at info level.
    /// - Throws: ``LeaderElectionError`` unless `leaseDuration > renewDeadline > 1.2 × retryPeriod > 0` and
    ///   the identity is not empty.
    public init(
        client: KubeClient, namespace: String, name: String, identity: String, leaseDurationSeconds: Int = 15,
        renewDeadlineSeconds: Double = 10, retryPeriodSeconds: Double = 2, releaseOnCancel: Bool = true,
        logger: Logger = Logger(label: "placer.leaderelection")
    ) throws {
        guard !identity.isEmpty else { throw LeaderElectionError.invalidConfiguration("the identity is empty") }
        guard Double(leaseDurationSeconds) > renewDeadlineSeconds else {
            throw LeaderElectionError.invalidConfiguration("leaseDuration must be greater than renewDeadline")
        }
        guard retryPeriodSeconds > 0, renewDeadlineSeconds > Self.jitterFactor * retryPeriodSeconds else {
            throw LeaderElectionError.invalidConfiguration("renewDeadline must be greater than 1.2 × retryPeriod")
        }
        self.client = client
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.leaseDurationSeconds = leaseDurationSeconds
        renewDeadline = .milliseconds(Int64((renewDeadlineSeconds * 1000).rounded()))
        retryPeriod = .milliseconds(Int64((retryPeriodSeconds * 1000).rounded()))
        self.releaseOnCancel = releaseOnCancel
        self.logger = logger
    }

    /// Whether this elector leads right now.
    public var isLeader: Bool { leading.withLockedValue { $0 } }

    /// Campaigns until it holds the lease, leads while it keeps renewing, and returns when leadership is lost.
    ///
    /// `onStartedLeading` runs as a child task once the lease is acquired; it is cancelled the moment
    /// leadership ends, before `onStoppedLeading` runs, so work done in it stops before another candidate can
    /// lead. Cancelling the task that calls `run` ends the campaign (and frees the lease when
    /// ``releaseOnCancel``). Run it again to campaign again.
    /// - Parameters:
    ///   - onStartedLeading: the leader's work; it must return promptly once cancelled (`run` waits for it).
    ///   - onStoppedLeading: called after leading ends (only if it began).
    /// - Throws: `CancellationError` when cancelled before leading.
    public func run(
        onStartedLeading: @escaping @Sendable () async -> Void,
        onStoppedLeading: @escaping @Sendable () async -> Void = {}
    ) async throws {
        var lock = LeaseLock(elector: self)
        let acquired = try await acquire(&lock)
        leading.withLockedValue { $0 = true }
        logger.info("started leading", metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await onStartedLeading() }
            await renew(&lock, since: acquired)
            leading.withLockedValue { $0 = false }
            group.cancelAll()
        }
        logger.info("stopped leading", metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
        if Task.isCancelled, releaseOnCancel { await lock.release() }
        await onStoppedLeading()
    }

    /// Tries every retry period until the lease is ours; when the holder's lease will expire sooner than the
    /// next attempt, the attempt comes right after the expiry.
    /// - Returns: when the successful attempt began.
    private func acquire(_ lock: inout LeaseLock) async throws -> ContinuousClock.Instant {
        while true {
            try Task.checkCancellation()
            let start = ContinuousClock.now
            if await lock.tryAcquireOrRenew(deadline: start + renewDeadline) { return start }
            var wake = ContinuousClock.now + retryPeriod * (1 + Double.random(in: 0..<Self.followerJitter))
            if let expiry = lock.observedExpiry, expiry > ContinuousClock.now {
                wake = min(wake, expiry + .milliseconds(5))
            }
            try await Task.sleep(until: wake, clock: .continuous)
        }
    }

    /// Renews every retry period; returns when a renewal deadline passes without success, or when cancelled.
    ///
    /// A renewal counts from when its request was sent, never from when the answer came: followers measure the
    /// lease from when they saw the write, which is later, so the leader always gives up first.
    private func renew(_ lock: inout LeaseLock, since acquired: ContinuousClock.Instant) async {
        var lastRenewal = acquired
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: retryPeriod)
            } catch {
                return
            }
            let deadline = lastRenewal + renewDeadline
            let start = ContinuousClock.now
            if await lock.tryAcquireOrRenew(deadline: deadline) {
                lastRenewal = start
            } else if Task.isCancelled {
                return
            } else if ContinuousClock.now >= deadline || lock.observedHolder != identity {
                logger.warning("lost the lease", metadata: ["lease": "\(namespace)/\(name)"])
                return
            }
        }
    }
}

/// A leader-election setting that cannot work.
public enum LeaderElectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The durations or identity break `leaseDuration > renewDeadline > 1.2 × retryPeriod`.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): return "invalid leader election settings: \(reason)"
        }
    }
}
