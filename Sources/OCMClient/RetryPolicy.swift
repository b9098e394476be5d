import PlacerCore

/// When and how long ``KubeClient`` waits before it sends a failed request again.
///
/// Retried: 429 Too Many Requests (waiting at least the server's `Retry-After` seconds), 500, 502, 503 and 504,
/// and failures to get an answer at all (connection refused, reset, or dropped mid-response). Every other 4xx is
/// final. A write that is not idempotent (POST, PUT) is sent again after a transport failure only when the
/// connection could not be made, so it never reached the server: replaying a PUT that did land would report a
/// conflict for a write that succeeded.
///
/// The delay after the `n`-th failed attempt (1-based) is ``backoff``'s (PlacerCore's `Backoff`):
/// `baseDelay * 2^(n-1)`, capped at `maxDelay`, then stretched by up to `jitter` of itself at random. Retrying stops after `maxAttempts` attempts, or when the next
/// wait would end after `maxElapsed` from the first attempt, so an unreachable hub fails within a few seconds.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 disables retries.
    public var maxAttempts: Int
    /// The waits between attempts: exponential from ``baseDelay`` to ``maxDelay`` with ``jitter``.
    public var backoff: Backoff
    /// The retry budget: no attempt starts after this much time has passed since the first one began.
    public var maxElapsed: Duration

    /// The wait after the first failure.
    public var baseDelay: Duration {
        get { backoff.initial }
        set { backoff = Backoff(initial: newValue, maximum: backoff.maximum, jitter: backoff.jitter) }
    }
    /// The longest computed wait between two attempts (a `Retry-After` may ask for more).
    public var maxDelay: Duration {
        get { backoff.maximum }
        set { backoff = Backoff(initial: backoff.initial, maximum: newValue, jitter: backoff.jitter) }
    }
    /// The random share (0...1) by which a wait is stretched, so clients do not retry in step.
    public var jitter: Double {
        get { backoff.jitter }
        set { backoff = Backoff(initial: backoff.initial, maximum: backoff.maximum, jitter: newValue) }
    }

    /// Creates a policy.
    /// - Parameters:
    ///   - maxAttempts: attempts in all (at least 1).
    ///   - baseDelay: the wait after the first failure.
    ///   - maxDelay: cap of a computed wait.
    ///   - jitter: random stretch share, clamped to 0...1.
    ///   - maxElapsed: time budget of the retries, measured from the first attempt.
    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(2),
        jitter: Double = 0.2, maxElapsed: Duration = .seconds(5)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        backoff = Backoff(initial: baseDelay, maximum: maxDelay, jitter: jitter)
        self.maxElapsed = maxElapsed
    }

    /// Five attempts, 200 ms doubling to 2 s, 20 % jitter, within 5 s.
    public static let `default` = RetryPolicy()
    /// One attempt: no retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before the attempt after failed attempt `attempt` (1-based).
    /// - Parameters:
    ///   - attempt: how many attempts have failed so far.
    ///   - retryAfter: the server's `Retry-After`, which is a lower bound when given.
    ///   - random: a value in 0...1 that picks the jitter (random by default).
    /// - Returns: the wait.
    public func delay(
        afterAttempt attempt: Int, retryAfter: Duration? = nil, random: Double = .random(in: 0...1)
    )
        -> Duration
    {
        let delay = backoff.delay(afterFailures: attempt, random: random)
        if let retryAfter, retryAfter > delay { return retryAfter }
        return delay
    }

    /// Whether an HTTP status code is worth another attempt.
    public static func isRetryable(statusCode: Int) -> Bool {
        [429, 500, 502, 503, 504].contains(statusCode)
    }
}
