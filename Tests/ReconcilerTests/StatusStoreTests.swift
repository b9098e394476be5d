import Foundation
import PDLC
import Testing

@testable import Reconciler

/// The ``StatusStore`` alone, no server: Flux conditions and their transitions, the bounded history, errors classed
/// by what the loop does next, remembered decisions, and persistence written only on change.
@Suite struct StatusStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_000_000)

    static func pass(
        _ apps: [(String, AppStatus.Phase, String?)], decided: Bool = true, decisions: [String: LastDecision] = [:],
        awaitingMerge: [String: AwaitingMerge] = [:], proposal: String? = nil
    ) -> ReconcilePass {
        var report = ReconcileReport(
            revision: "aaaaaaaaaaaaaaaa", commit: nil, decided: decided,
            apps: apps.map { AppStatus(app: $0.0, phase: $0.1, cluster: $0.2, reason: "r-\($0.0)", moved: false) },
            applied: [], deleted: [], errors: [], warnings: [])
        report.proposal = proposal
        return ReconcilePass(report: report, decided: decided, decisions: decisions, awaitingMerge: awaitingMerge)
    }

    @Test func conditionsFollowThePhaseAndKeepTheirTransitionTimeWhileUnchanged() async throws {
        let store = StatusStore()
        _ = await store.finish(Self.pass([("web", .progressing, "a")]), at: Self.t0)
        var web = try #require(await store.app("web"))
        #expect(web.condition("Ready")?.status == .false && web.condition("Ready")?.reason == "Progressing")
        #expect(web.condition("Reconciling")?.status == .true)
        #expect(web.condition("Stalled") == nil)

        let later = Self.t0.addingTimeInterval(60)
        let statuses = await store.finish(Self.pass([("web", .ready, "a")]), at: later)
        web = try #require(await store.app("web"))
        #expect(web.conditions.map(\.type) == ["Ready"], "Reconciling exists only while true")
        #expect(web.condition("Ready")?.status == .true && web.condition("Ready")?.reason == "Available")
        #expect(web.condition("Ready")?.lastTransitionTime == later)
        #expect(web.condition("Ready")?.message.first?.isLowercase == true)
        #expect(statuses.first?.conditions == web.conditions, "the report carries the store's conditions")

        _ = await store.finish(Self.pass([("web", .ready, "a")]), at: later.addingTimeInterval(60))
        web = try #require(await store.app("web"))
        #expect(web.condition("Ready")?.lastTransitionTime == later, "no change, no transition")
        // Ready appeared, Reconciling appeared, cluster appeared; then Ready changed and Reconciling went away.
        #expect(
            web.history.map(\.subject) == ["Ready", "Reconciling", "cluster", "Ready", "Reconciling"], "\(web.history)")
        #expect(web.history[3].from == "False/Progressing" && web.history[3].to == "True/Available")
        #expect(web.history[4].to == nil)
    }

    @Test func historyIsBounded() async throws {
        let store = StatusStore(historyLimit: 4)
        for round in 0..<10 {
            let phase: AppStatus.Phase = round.isMultiple(of: 2) ? .ready : .degraded
            _ = await store.finish(Self.pass([("web", phase, "a")]), at: Self.t0.addingTimeInterval(Double(round)))
        }
        let web = try #require(await store.app("web"))
        #expect(web.history.count == 4)
        #expect(web.history.last?.at == Self.t0.addingTimeInterval(9), "newest kept, oldest dropped")
        #expect(web.history.last?.to == "False/Degraded")
        let loop = await store.loop()
        #expect(loop.history.count == 1, "the loop was Ready all along: one transition")
    }

    @Test func aRefusedMassPruneStallsAndAnUnreachableHubRetries() async throws {
        let store = StatusStore()
        await store.beginReconcile(at: Self.t0)
        #expect(await store.loop().condition("Reconciling")?.status == .true)
        let prune = ReconcileError.massPrune(apps: ["a", "b"], share: 0.6, limit: 0.3)
        #expect(prune.nextAction == .stall)
        await store.fail(prune, step: .decide, revision: "abc", at: Self.t0)
        var loop = await store.loop()
        #expect(loop.condition("Ready")?.status == .false && loop.condition("Ready")?.reason == "PruneRefused")
        #expect(loop.condition("Stalled")?.status == .true && loop.condition("Stalled")?.reason == "PruneRefused")
        #expect(loop.condition("PruneFailed")?.status == .true)
        #expect(loop.condition("Reconciling") == nil, "a stalled loop is not retrying")
        #expect(loop.nextAction == .stall && loop.revision == "abc")
        #expect(loop.condition("Ready")?.message.hasPrefix("refusing to prune 2 apps") == true)

        let hub = ReconcileError.hubUnreachable(detail: "connection refused")
        #expect(hub.nextAction == .retry)
        await store.fail(hub, step: .apply, revision: "abc", at: Self.t0.addingTimeInterval(1))
        loop = await store.loop()
        #expect(loop.condition("Stalled") == nil && loop.condition("PruneFailed") == nil, "…Failed only while true")
        #expect(loop.condition("ApplyFailed")?.reason == "HubUnreachable")
        #expect(loop.condition("Reconciling")?.reason == "ProgressingWithRetry")
        #expect(loop.consecutiveFailures == 2 && loop.failedStep == .apply)

        _ = await store.finish(Self.pass([("web", .ready, "a")]), at: Self.t0.addingTimeInterval(2))
        loop = await store.loop()
        #expect(loop.conditions.map(\.type) == ["Ready"])
        #expect(loop.condition("Ready")?.reason == "Succeeded")
        #expect(loop.consecutiveFailures == 0 && loop.nextAction == nil)
    }

    @Test func errorsAreClassedByWhatTheLoopDoesNext() {
        #expect(ReconcileError.inputs(["policies/x.yaml:1:1: bad"]).nextAction == .stall)
        #expect(ReconcileError.branchMissing(branch: "main").nextAction == .stall)
        #expect(ReconcileError.repoUnreachable(url: "git://x", detail: "down").nextAction == .retry)
        #expect(ReconcileError.pushFailed(attempts: 5, detail: "moved").nextAction == .retry)
        #expect(NextAction.after(CocoaError(.fileNoSuchFile)) == .retry)
        // A retry counts and backs off; a stall waits one interval and does not grow the backoff.
        let retry = ReconcileService.schedule(after: .retry, failures: 2, intervalSeconds: 10)
        #expect(retry.failures == 3 && retry.seconds == 40)
        let stall = ReconcileService.schedule(after: .stall, failures: 2, intervalSeconds: 10)
        #expect(stall.failures == 0 && stall.seconds == 10)
    }

    @Test func aRememberedDecisionHoldsWhilePDLCDoesNotRun() async throws {
        let store = StatusStore()
        let pinned = LastDecision(
            cluster: "a", outcome: .pinnedInfeasible,
            reason: "pinned to a by a human, but a fails its filters: Capacity: full",
            at: Self.t0)
        _ = await store.finish(Self.pass([("web", .ready, "a")], decisions: ["web": pinned]), at: Self.t0)
        var web = try #require(await store.app("web"))
        #expect(web.phase == .pinnedInfeasible && web.reason.contains("Capacity: full"))
        #expect(web.condition("Ready")?.reason == "PinnedInfeasible")
        // The inputs did not change: no decision this time, the remembered one still says so.
        _ = await store.finish(Self.pass([("web", .ready, "a")], decided: false), at: Self.t0.addingTimeInterval(5))
        web = try #require(await store.app("web"))
        #expect(web.phase == .pinnedInfeasible && web.lastDecision == pinned)

        let merge = AwaitingMerge(cluster: "a", reason: "proposed → b on placer/proposals: closer")
        let proposed = LastDecision(cluster: "b", outcome: .proposed, reason: merge.reason, at: Self.t0)
        _ = await store.finish(
            Self.pass(
                [("web", .ready, "b")], decisions: ["web": proposed], awaitingMerge: ["web": merge], proposal: "p"),
            at: Self.t0.addingTimeInterval(10))
        web = try #require(await store.app("web"))
        #expect(web.phase == .proposed && web.cluster == "a" && web.condition("Ready")?.reason == "AwaitingMerge")
        _ = await store.finish(
            Self.pass([("web", .ready, "a")], decided: false, proposal: "p"), at: Self.t0.addingTimeInterval(15))
        web = try #require(await store.app("web"))
        #expect(web.phase == .proposed && web.reason == merge.reason, "still waiting for the merge")
        // The proposal branch went away without a new decision: back to what runs.
        _ = await store.finish(Self.pass([("web", .ready, "a")], decided: false), at: Self.t0.addingTimeInterval(20))
        #expect(await store.app("web")?.phase == .ready)
        // An app gone from the pass is gone from the store.
        _ = await store.finish(Self.pass([("api", .ready, "a")]), at: Self.t0.addingTimeInterval(25))
        #expect(await store.snapshot().apps.keys.sorted() == ["api"])
    }

    final class MemoryPersistence: StatePersistence, @unchecked Sendable {
        let lock = NSLock()
        var stored: Data?
        var saves = 0
        var failing = false
        init(_ stored: Data? = nil) { self.stored = stored }
        func load() async throws -> Data? {
            try lock.withLock {
                if failing { throw CocoaError(.fileReadUnknown) }
                return stored
            }
        }
        func save(_ data: Data) async throws {
            lock.withLock {
                stored = data
                saves += 1
            }
        }
    }

    @Test func stabilityIsPersistedOnlyWhenItChangesAndNeverBeforeItWasRead() async throws {
        let persistence = MemoryPersistence()
        persistence.failing = true
        let store = StatusStore(persistence: persistence)
        let state = StabilityState(apps: ["web": .init(challenger: "b", wins: 2)])
        #expect(await store.restoreStabilityOnce() == nil)
        await store.persist(state)
        #expect(persistence.saves == 0, "a state that could not be read is not overwritten")
        persistence.failing = false
        #expect(await store.restoreStabilityOnce() == nil)  // nothing stored yet
        await store.persist(state)
        await store.persist(state)
        #expect(persistence.saves == 1, "unchanged: written once")
        var moved = state
        moved.apps["web"] = .init(challenger: nil, wins: 0, lastMoveSeconds: 120)
        await store.persist(moved)
        #expect(persistence.saves == 2)
        #expect(await store.persistedWrites == 2)

        // A new store (a restart) reads it back once.
        let restarted = StatusStore(persistence: MemoryPersistence(persistence.stored))
        #expect(await restarted.restoreStabilityOnce() == moved)
        #expect(await restarted.restoreStabilityOnce() == nil, "read once")
    }
}
