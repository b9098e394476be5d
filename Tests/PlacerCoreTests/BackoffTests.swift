import PlacerCore
import Testing

@Suite struct BackoffTests {
    @Test func doublesFromTheInitialWaitUpToTheCap() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .milliseconds(500))
        #expect(backoff.delay(afterFailures: 0, random: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 1, random: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2, random: 1) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 3, random: 1) == .milliseconds(400))
        #expect(backoff.delay(afterFailures: 4, random: 1) == .milliseconds(500))
        #expect(backoff.delay(afterFailures: 1_000, random: 1) == .milliseconds(500))
    }

    @Test func jitterStretchesByAtMostItsShare() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(8), jitter: 0.5)
        #expect(backoff.delay(afterFailures: 1, random: 0) == .seconds(1))
        #expect(backoff.delay(afterFailures: 1, random: 1) == .milliseconds(1_500))
        #expect(backoff.delay(afterFailures: 9, random: 1) == .seconds(12))
        for _ in 0..<100 {
            let wait = backoff.delay(afterFailures: 2)
            #expect(wait >= .seconds(2) && wait <= .seconds(3))
        }
    }

    @Test func clampsItsSettings() {
        let backoff = Backoff(initial: .seconds(2), maximum: .seconds(1), jitter: 7)
        #expect(backoff.maximum == .seconds(2))
        #expect(backoff.jitter == 1)
        #expect(backoff.seconds(afterFailures: 3, random: 0.5) == 3)
    }
}
