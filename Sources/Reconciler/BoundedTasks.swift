import OCMClient
import PlacerCore

/// Independent hub operations run with at most a fixed number in flight: a bounded task group, as a client-go
/// controller runs several workers over its queue (`--hub-writes`, ``ReconcilerConfiguration/hubWriteConcurrency``).
///
/// One item's failure cancels no other: every item started runs to its end and its outcome is kept, so the caller
/// records what was written before it reports the first error. Only an error that every other request would meet
/// too (the hub unreachable or refusing this client, an injected failpoint, cancellation) stops new items from
/// starting; a per-object answer (400, 404, 409, 422) does not.
enum BoundedTasks {
    /// Runs `body` on each of `items`, at most `limit` at once, starting them in order.
    /// - Parameters:
    ///   - limit: the most in flight; values below 1 count as 1 (one at a time, in order).
    ///   - body: one item's work.
    /// - Returns: each item's outcome, in the order of `items`; nil for an item never started (after a stopping
    ///   error or a cancellation).
    static func run<Item: Sendable, Value: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async throws -> Value
    ) async -> [Result<Value, any Error>?] {
        var outcomes = [Result<Value, any Error>?](repeating: nil, count: items.count)
        guard !items.isEmpty else { return outcomes }
        await withTaskGroup(of: (Int, Result<Value, any Error>).self) { group in
            var next = 0
            var stopped = false
            func start(_ group: inout TaskGroup<(Int, Result<Value, any Error>)>) {
                let index = next
                next += 1
                group.addTask {
                    do {
                        return (index, .success(try await body(items[index])))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            while next < min(max(limit, 1), items.count) { start(&group) }
            while let finished = await group.next() {
                let (index, outcome) = finished
                outcomes[index] = outcome
                if case let .failure(error) = outcome, stopsOthers(error) { stopped = true }
                if Task.isCancelled { stopped = true }
                if !stopped, next < items.count { start(&group) }
            }
        }
        return outcomes
    }

    /// Runs `body` on each of `items` as ``run(_:limit:_:)`` does.
    /// - Returns: the values in the order of `items`.
    /// - Throws: the first error in the order of `items` once every started item has finished; `CancellationError`
    ///   when the task was cancelled before every item started.
    static func values<Item: Sendable, Value: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async throws -> Value
    ) async throws -> [Value] {
        try settle(await run(items, limit: limit, body))
    }

    /// The values of `outcomes` (from ``run(_:limit:_:)``).
    /// - Throws: the first error in order; `CancellationError` for an item never started.
    static func settle<Value>(_ outcomes: [Result<Value, any Error>?]) throws -> [Value] {
        if let failure = outcomes.lazy.compactMap({ outcome -> (any Error)? in
            if case let .failure(error)? = outcome { return error }
            return nil
        }).first {
            throw failure
        }
        return try outcomes.map { outcome in
            guard case let .success(value)? = outcome else { throw CancellationError() }
            return value
        }
    }

    /// Whether `error` would meet every other request too, so no new one should start: the hub unreachable,
    /// overloaded (429, 5xx) or refusing this client (401, 403), a failpoint's injected error, or cancellation.
    static func stopsOthers(_ error: any Error) -> Bool {
        guard let error = error as? KubeError else { return true }
        return error.isTransient || error.isUnauthorized || error.kind != .status
    }
}
