/// Coalesces reconcile requests from any source (push webhooks, the inventory watcher, metrics changes) so that
/// a burst of them starts one reconcile.
///
/// Sources call ``request(reason:)``; the reconcile loop calls
/// ``waitForRequest(debounce:maxDelay:)``, which returns once at least one request is pending and no new one
/// arrived for `debounce`, or once `maxDelay` has passed since the wait saw the first pending request (so a
/// constant stream still reconciles). Requests that arrive while no one waits (a reconcile is running) stay
/// pending and are returned by the next wait.
///
/// Waiting sleeps on the injected clock (no polling of state) and is cancellation-safe: a cancelled waiter
/// throws `CancellationError` promptly and leaves the pending requests for the next wait.
public actor ReconcileTrigger {
    /// The most reasons kept between two waits; later ones are counted, not stored, so a flood of
    /// requests cannot grow memory without bound.
    public static let maxKeptReasons = 256

    private let clock: any Clock<Duration>
    private var reasons: [String] = []
    private var droppedReasons = 0
    /// Bumped by every request; a debounce window ends quietly when it did not change.
    private var generation: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiterID: UInt64 = 0

    /// - Parameter clock: the clock waits sleep on (tests may pass their own).
    public init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = clock
    }

    /// Asks for a reconcile. Never blocks; the request is kept until a wait returns it.
    /// - Parameter reason: a short line for logs, such as `github push 1a2b3c4 to main`. Must not contain
    ///   secrets.
    public func request(reason: String) {
        generation &+= 1
        if reasons.count < Self.maxKeptReasons {
            reasons.append(reason)
        } else {
            droppedReasons += 1
        }
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting.values { waiter.resume() }
    }

    /// The reasons of the requests not yet returned by a wait, oldest first.
    public var pendingReasons: [String] {
        droppedReasons == 0 ? reasons : reasons + ["and \(droppedReasons) more requests"]
    }

    /// Takes the pending requests without waiting, leaving none.
    ///
    /// A loop that also reconciles on a timer calls this as a reconcile starts, so requests that reconcile
    /// already covers do not cause a second one; requests that arrive later stay pending.
    /// - Returns: the pending reasons, oldest first (possibly empty).
    public func takePending() -> [String] {
        let taken = pendingReasons
        reasons.removeAll()
        droppedReasons = 0
        return taken
    }

    /// Waits for a burst of requests to settle and takes them.
    ///
    /// Returns when at least one request is pending and none arrived during the last
    /// `debounce`, or when `maxDelay` has passed since this wait first saw a pending request. The quiet time
    /// after the last request is between `debounce` and twice `debounce` (windows are checked back to back).
    /// - Parameters:
    ///   - debounce: the quiet time that ends a burst.
    ///   - maxDelay: the longest this wait defers a pending request while new ones keep arriving.
    /// - Returns: the coalesced reasons, oldest first (at most ``maxKeptReasons`` plus one `and N more
    ///   requests` line); never empty.
    /// - Throws: `CancellationError` when the calling task is cancelled; pending requests are then kept.
    public func waitForRequest(debounce: Duration, maxDelay: Duration) async throws -> [String] {
        while true {
            while reasons.isEmpty {
                try await waitForSignal()
            }
            var budget = maxDelay
            while true {
                let seen = generation
                let step = min(debounce, budget)
                try await clock.sleep(for: step)
                budget -= step
                if reasons.isEmpty { break }  // another waiter took them: wait again
                if generation == seen || budget <= .zero { return takePending() }
            }
        }
    }

    /// Suspends until the next request or until the task is cancelled.
    private func waitForSignal() async throws {
        let id = nextWaiterID
        nextWaiterID &+= 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Runs on the actor: a cancellation before this point is seen here, one after it finds the
                // stored continuation (the handler's hop to the actor runs after this closure).
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
        try Task.checkCancellation()
    }

    private func cancelWaiter(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.resume()
    }
}
