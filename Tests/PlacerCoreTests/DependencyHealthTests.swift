import Foundation
import PlacerCore
import PlacerTestSupport
import Synchronization
import Testing

/// DependencyHealth logs a change of state once, however many calls report it, and times outages on its clock.
struct DependencyHealthTests {
    final class Clock: Sendable {
        let seconds = Mutex(0.0)
        var now: Date { Date(timeIntervalSince1970: 1_000_000 + seconds.withLock { $0 }) }
        func advance(_ by: Double) { seconds.withLock { $0 += by } }
    }

    @Test func oneLineWhenAPartGoesDownAndOneWhenItIsBack() {
        let capture = LogCapture()
        let clock = Clock()
        let health = DependencyHealth(logger: capture.logger(label: "placer.health"), now: { clock.now })
        health.succeeded(.git)
        for attempt in 1...50 {
            health.failed(.git, reason: "failed to connect to 127.0.0.1: Connection refused")
            clock.advance(Double(attempt % 3))
        }
        #expect(health.isDown(.git))
        #expect(!health.isDown(.hub))
        let down = capture.all.filter { $0.contains("git remote unreachable:") }
        #expect(down.count == 1, "\(capture.text)")
        #expect(down.first?.contains("(will retry with backoff)") == true)
        #expect(health.outages().map(\.failures) == [50])
        #expect(health.outageLines().first?.contains("git remote unreachable since") == true)

        health.succeeded(.git)
        health.succeeded(.git)
        let back = capture.all.filter { $0.contains("git remote reachable again after") }
        #expect(back == capture.all.filter { $0.contains("reachable again after 51 s") }, "\(capture.text)")
        #expect(back.count == 1)
        #expect(health.outages().isEmpty)
        #expect(!health.isDown(.git))

        // A second outage is news again.
        health.failed(.git, reason: "timed out")
        #expect(capture.all.filter { $0.contains("git remote unreachable:") }.count == 2)
    }

    @Test func partsAreTrackedApartAndListedInOrder() {
        let health = DependencyHealth(logger: LogCapture().logger())
        health.failed(.prometheus, reason: "refused")
        health.failed(.hub, reason: "HTTP 503")
        #expect(health.outages().map(\.dependency) == [.hub, .prometheus])
        health.succeeded(.prometheus)
        #expect(health.outages().map(\.dependency) == [.hub])
        #expect(health.outageLines().first?.contains("OCM hub unreachable since") == true)
    }
}
