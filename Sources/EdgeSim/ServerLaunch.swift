import ServiceLifecycle

/// Starting a Hummingbird server in the background and waiting until it listens: shared by ``EdgeSimHub`` and
/// ``MetricsExporter``.
enum ServerLaunch {
    /// The stream a server's `onServerRunning` feeds with its bound port, and its run task with a failure.
    typealias Readiness = AsyncStream<Result<Int, any Error>>

    /// Runs `services` in a task and returns the port the server reports once it listens.
    /// - Parameters:
    ///   - services: the group holding the Hummingbird application (and any companions).
    ///   - ready: the readiness stream; `sink` is its continuation.
    ///   - claim: records the task and group; returns false when the owner is already started.
    ///   - stop: the owner's stop, called when the server fails or ends before listening.
    /// - Returns: the bound TCP port.
    /// - Throws: the server's error when it cannot bind, ``EdgeSimError/alreadyStarted`` when `claim` refuses,
    ///   ``EdgeSimError/stoppedBeforeListening`` when it ends without listening.
    static func run(
        _ services: ServiceGroup, ready: Readiness, sink: Readiness.Continuation,
        claim: (Task<Void, Never>, ServiceGroup) -> Bool, stop: () async -> Void
    ) async throws -> Int {
        let task = Task {
            do { try await services.run() } catch { sink.yield(.failure(error)) }
            sink.finish()
        }
        guard claim(task, services) else {
            task.cancel()
            throw EdgeSimError.alreadyStarted
        }
        for await result in ready {
            switch result {
            case .success(let port):
                return port
            case .failure(let error):
                await stop()
                throw error
            }
        }
        await stop()
        throw EdgeSimError.stoppedBeforeListening
    }
}
