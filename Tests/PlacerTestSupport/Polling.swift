/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
///
/// Sleeps between polls (never blocks a thread), so the in-process servers a test talks to keep running.
/// - Parameters:
///   - timeout: how long to keep polling (default 5 s).
///   - interval: the pause between two polls (default 20 ms).
///   - condition: the check; an error it throws ends the wait.
/// - Returns: whether `condition` held before the deadline (it is checked once more at the deadline).
public func eventually(
    timeout: Duration = .seconds(5), interval: Duration = .milliseconds(20), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
