import Foundation

/// Whether Placer is ready to serve: true once a reconcile has succeeded. Answers `GET /readyz`.
///
/// Thread-safe; ``markReconciled()`` is synchronous so the reconcile loop's `onReport` callback can call it.
public final class ReadinessState: @unchecked Sendable {
    // Guarded by `lock`; @unchecked because NSLock-guarded state is invisible to the checker.
    private let lock = NSLock()
    private var reconciled = false

    public init() {}

    /// Records a successful reconcile; ``isReady`` stays true from then on.
    public func markReconciled() {
        lock.withLock { reconciled = true }
    }

    /// True once ``markReconciled()`` was called.
    public var isReady: Bool {
        lock.withLock { reconciled }
    }
}
