/// Exponential backoff with a cap and jitter: the one retry delay rule of every Placer loop (the hub client's
/// request retries and watch restarts, the inventory watch, the reconcile loop after a failure, push retries
/// after the branch moved).
///
/// The wait after the `n`-th consecutive failure (1-based) is `initial × 2^(n−1)`, capped at `maximum`, then
/// stretched by up to `jitter` of itself (`random` in 0...1 picks how much), so replicas and clients that failed
/// together do not retry in step. A value type with no I/O and no clock: callers sleep.
public struct Backoff: Sendable, Equatable {
    /// The wait after the first failure.
    public var initial: Duration
    /// The longest wait before jitter.
    public var maximum: Duration
    /// The random share (0...1) by which a wait is stretched; 0 for none.
    public var jitter: Double

    /// - Parameters:
    ///   - initial: the wait after the first failure (negative is taken as 0).
    ///   - maximum: the cap of a wait before jitter (below `initial` is taken as `initial`).
    ///   - jitter: random stretch share, clamped to 0...1.
    public init(initial: Duration, maximum: Duration, jitter: Double = 0) {
        self.initial = max(.zero, initial)
        self.maximum = max(self.initial, maximum)
        self.jitter = min(1, max(0, jitter))
    }

    /// The wait after `failures` consecutive failures.
    /// - Parameters:
    ///   - failures: consecutive failures so far (values below 1 count as 1).
    ///   - random: a value in 0...1 that picks the jitter (random by default; clamped).
    /// - Returns: `min(initial × 2^(failures−1), maximum) × (1 + jitter × random)`.
    public func delay(afterFailures failures: Int, random: Double = .random(in: 0...1)) -> Duration {
        var delay = initial
        for _ in 1..<max(1, failures) where delay < maximum { delay *= 2 }
        delay = min(delay, maximum)
        return delay + delay * (jitter * min(1, max(0, random)))
    }

    /// ``delay(afterFailures:random:)`` in seconds.
    /// - Parameters:
    ///   - failures: consecutive failures so far.
    ///   - random: a value in 0...1 that picks the jitter.
    /// - Returns: the wait in seconds.
    public func seconds(afterFailures failures: Int, random: Double = .random(in: 0...1)) -> Double {
        let wait = delay(afterFailures: failures, random: random).components
        return Double(wait.seconds) + Double(wait.attoseconds) / 1e18
    }
}
