import Reconciler
import Testing

/// ReconcileTrigger on the real continuous clock. Windows are generous and nothing asserts how long a wait took:
/// the assertions are about which requests come back together and in what order.
@Suite struct ReconcileTriggerTests {
    @Test func aBurstComesBackAsOneBatchInOrder() async throws {
        let trigger = ReconcileTrigger()
        let waiter = Task { try await trigger.waitForRequest(debounce: .milliseconds(400), maxDelay: .seconds(30)) }
        for index in 0..<20 {
            await trigger.request(reason: "push \(index)")
            try await Task.sleep(for: .milliseconds(5))
        }
        let batch = try await waiter.value
        #expect(batch == (0..<20).map { "push \($0)" })
        #expect(await trigger.pendingReasons.isEmpty)
    }

    @Test func aRequestMadeWhileNoOneWaitsIsKeptForTheNextWait() async throws {
        let trigger = ReconcileTrigger()
        await trigger.request(reason: "inventory changed")
        #expect(await trigger.pendingReasons == ["inventory changed"])
        let batch = try await trigger.waitForRequest(debounce: .milliseconds(50), maxDelay: .seconds(5))
        #expect(batch == ["inventory changed"])
    }

    @Test func requestsDuringAReconcileGoToTheNextBatch() async throws {
        let trigger = ReconcileTrigger()
        await trigger.request(reason: "first")
        let first = try await trigger.waitForRequest(debounce: .milliseconds(50), maxDelay: .seconds(5))
        // The loop is now "reconciling": nobody waits.
        await trigger.request(reason: "second")
        await trigger.request(reason: "third")
        let second = try await trigger.waitForRequest(debounce: .milliseconds(50), maxDelay: .seconds(5))
        #expect(first == ["first"])
        #expect(second == ["second", "third"])
    }

    @Test func aConstantStreamStillReconcilesAfterMaxDelay() async throws {
        let trigger = ReconcileTrigger()
        let producer = Task {
            // Requests every 10 ms for at least 3 s: never quiet for the 500 ms debounce.
            for index in 0..<300 {
                await trigger.request(reason: "metric \(index)")
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let batch = try await trigger.waitForRequest(debounce: .milliseconds(500), maxDelay: .milliseconds(500))
        producer.cancel()
        #expect(!batch.isEmpty)
        #expect(batch.count < 300, "the wait returned only after the stream ended; maxDelay did not cap it")
        #expect(batch.first == "metric 0")
    }

    @Test func aCancelledIdleWaiterThrowsAndLosesNothing() async throws {
        let trigger = ReconcileTrigger()
        let waiter = Task { try await trigger.waitForRequest(debounce: .milliseconds(10), maxDelay: .seconds(1)) }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        await trigger.request(reason: "after cancel")
        #expect(await trigger.pendingReasons == ["after cancel"])
    }

    @Test func aWaiterCancelledWhileDebouncingThrowsAndKeepsTheRequests() async throws {
        let trigger = ReconcileTrigger()
        await trigger.request(reason: "push")
        // A debounce far longer than the test: only cancellation can end this wait.
        let waiter = Task { try await trigger.waitForRequest(debounce: .seconds(3600), maxDelay: .seconds(3600)) }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await trigger.pendingReasons == ["push"])
    }

    @Test func aWaiterCancelledBeforeItStartsThrows() async throws {
        let trigger = ReconcileTrigger()
        let waiter = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await trigger.waitForRequest(debounce: .seconds(3600), maxDelay: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }

    @Test func takePendingClearsWhatAReconcileCovers() async throws {
        let trigger = ReconcileTrigger()
        await trigger.request(reason: "a")
        await trigger.request(reason: "b")
        #expect(await trigger.takePending() == ["a", "b"])
        #expect(await trigger.takePending().isEmpty)
        await trigger.request(reason: "c")
        let batch = try await trigger.waitForRequest(debounce: .milliseconds(20), maxDelay: .seconds(5))
        #expect(batch == ["c"])
    }

    @Test func aFloodKeepsAtMostTheCapAndCountsTheRest() async throws {
        let trigger = ReconcileTrigger()
        let total = ReconcileTrigger.maxKeptReasons + 44
        for index in 0..<total { await trigger.request(reason: "r\(index)") }
        let batch = try await trigger.waitForRequest(debounce: .milliseconds(20), maxDelay: .seconds(5))
        #expect(batch.count == ReconcileTrigger.maxKeptReasons + 1)
        #expect(batch.last == "and 44 more requests")
        #expect(await trigger.pendingReasons.isEmpty)
    }
}
