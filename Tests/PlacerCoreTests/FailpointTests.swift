import Foundation
import Testing

@testable import PlacerCore

@Suite struct FailpointTests {
    @Test func parsesActionsHitCountsAndOff() throws {
        let points = try Failpoints(
            parsing: "after-fetch=crash@3; before-push=error ;after-push=delay(250ms)@2;after-decide=off;"
                + "publish-decisions=delay(1.5s)")
        #expect(points.armed[.afterFetch]?.action == .crash && points.armed[.afterFetch]?.onlyHit == 3)
        #expect(points.armed[.beforePush]?.action == .error && points.armed[.beforePush]?.onlyHit == nil)
        #expect(points.armed[.afterPush]?.action == .delay(.milliseconds(250)))
        #expect(points.armed[.publishDecisions]?.action == .delay(.milliseconds(1500)))
        #expect(points.armed[.afterDecide] == nil)
        #expect(points.armed.count == 4)
    }

    @Test(arguments: [
        "after-fech=crash", "after-fetch=explode", "after-fetch=crash@0", "after-fetch=crash@x", "after-fetch",
        "after-fetch=delay(soon)", "after-fetch=delay(-1ms)",
    ])
    func refusesWhatItCannotRead(_ text: String) {
        #expect(throws: FailpointSyntaxError.self) { try Failpoints(parsing: text) }
    }

    @Test func anErrorOnTheSecondHitFailsThatHitOnly() async throws {
        let points = try Failpoints(parsing: "after-push=error@2")
        try await points.fire(.afterPush)
        await #expect(throws: FailpointError.self) { try await points.fire(.afterPush) }
        try await points.fire(.afterPush)
        try await points.fire(.afterFetch)  // not armed
    }

    @Test func anErrorWithoutACountFailsEveryHit() async throws {
        let points = try Failpoints(parsing: "before-push=error")
        for _ in 0..<3 { await #expect(throws: FailpointError.self) { try await points.fire(.beforePush) } }
    }

    @Test func aDelayWaitsThenGoesOn() async throws {
        let points = try Failpoints(parsing: "after-decide=delay(120ms)")
        let started = ContinuousClock.now
        try await points.fire(.afterDecide)
        #expect(ContinuousClock.now - started >= .milliseconds(120))
    }

    @Test func unsetMeansNothingIsArmed() async throws {
        // The test process does not set PLACER_FAILPOINTS: every point passes.
        #expect(ProcessInfo.processInfo.environment[Failpoints.environmentVariable] == nil)
        #expect(Failpoints.active == nil)
        for point in Failpoint.allCases { try await point.hit() }
    }
}
