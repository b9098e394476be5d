import Dispatch

/// A serial dispatch queue for blocking work (libgit2's network and disk calls, child processes), so it never
/// occupies one of the few threads of Swift's cooperative pool: the awaiting task is suspended, not blocked.
///
/// Work runs one item at a time, in the order submitted. Cancellation is not forwarded into running work.
public struct BlockingQueue: Sendable {
    private let queue: DispatchQueue

    /// - Parameter label: the queue's name in debuggers and crash logs (`placer.git`).
    public init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `work` on the queue and resumes the caller with its result.
    /// - Returns: what `work` returns.
    /// - Throws: what `work` throws.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
