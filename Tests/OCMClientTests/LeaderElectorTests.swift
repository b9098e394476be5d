import EdgeSim
import Foundation
import NIOConcurrencyHelpers
import OCMClient
import Testing

/// Lease-based leader election between electors on one EdgeSim hub.
@Suite struct LeaderElectorTests {
    /// Short timings: lease 3 s, renew deadline 2 s, retry every 0.5 s.
    static let leaseSeconds = 3
    static let retrySeconds = 0.5

    /// A running candidate: its elector and the task running its campaign.
    struct Candidate {
        let elector: LeaderElector
        let task: Task<Void, Never>
        let client: KubeClient
        /// Whether the leader's work is running, and how often leading started and stopped.
        let log: NIOLockedValueBox<[String]>

        static func start(_ hub: EdgeSimHub, identity: String, releaseOnCancel: Bool) throws -> Candidate {
            let client = try KubeClient(kubeconfig: Kubeconfig(server: hub.baseURL, token: hub.configuration.token))
            let elector = try LeaderElector(
                client: client, namespace: "placer", name: "placer-leader", identity: identity,
                leaseDurationSeconds: leaseSeconds, renewDeadlineSeconds: 2, retryPeriodSeconds: retrySeconds,
                releaseOnCancel: releaseOnCancel)
            let log = NIOLockedValueBox<[String]>([])
            let task = Task {
                try? await elector.run(
                    onStartedLeading: {
                        log.withLockedValue { $0.append("started") }
                        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
                        log.withLockedValue { $0.append("work cancelled") }
                    },
                    onStoppedLeading: { log.withLockedValue { $0.append("stopped") } })
                return
            }
            return Candidate(elector: elector, task: task, client: client, log: log)
        }

        func stop() async {
            task.cancel()
            await task.value
            try? await client.shutdown()
        }
    }

    /// Samples both candidates every 100 ms and records any moment both led.
    final class Sampler: Sendable {
        let overlaps = NIOLockedValueBox(0)
        let samples = NIOLockedValueBox(0)
        private let task: NIOLockedValueBox<Task<Void, Never>?> = .init(nil)

        init(_ a: LeaderElector, _ b: LeaderElector) {
            let overlaps = overlaps
            let samples = samples
            task.withLockedValue {
                $0 = Task {
                    while !Task.isCancelled {
                        if a.isLeader && b.isLeader { overlaps.withLockedValue { $0 += 1 } }
                        samples.withLockedValue { $0 += 1 }
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
            }
        }

        func stop() { task.withLockedValue { $0?.cancel() } }
    }

    static func lease(_ client: KubeClient) async throws -> LeaseObject? {
        try await client.get(.lease, namespace: "placer", name: "placer-leader").map(LeaseObject.decode)
    }

    /// Waits until exactly one of the two leads and returns it.
    static func leader(of candidates: [Candidate], within timeout: Duration) async -> Candidate? {
        var found: Candidate?
        _ = await eventually(timeout: timeout) {
            let leading = candidates.filter(\.elector.isLeader)
            found = leading.count == 1 ? leading.first : nil
            return found != nil
        }
        return found
    }

    @Test func exactlyOneLeadsAndTheOtherTakesOverAfterTheLeaseExpires() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration())
        try await hub.start()
        let a = try Candidate.start(hub, identity: "placer-a", releaseOnCancel: false)
        let b = try Candidate.start(hub, identity: "placer-b", releaseOnCancel: false)
        let sampler = Sampler(a.elector, b.elector)
        defer { sampler.stop() }

        let first = try #require(await Self.leader(of: [a, b], within: .seconds(3)))
        let follower = first.elector === a.elector ? b : a
        // It keeps leading across several renewals, and the follower stays a follower.
        try await Task.sleep(for: .seconds(Double(Self.leaseSeconds) + 0.5))
        #expect(first.elector.isLeader)
        #expect(!follower.elector.isLeader)
        let held = try #require(try await Self.lease(first.client))
        #expect(held.spec.holderIdentity == first.elector.identity)
        #expect(held.spec.leaseTransitions == 0)
        #expect(held.spec.leaseDurationSeconds == Self.leaseSeconds)
        let renewed = try #require(held.spec.renewDate)
        #expect(abs(renewed.timeIntervalSinceNow) < 2, "renewTime is recent (MicroTime)")
        #expect(held.spec.renewTime?.count == "2026-01-01T00:00:00.000000Z".count)

        // The leader stops renewing (its task ends without freeing the lease): the follower waits for the
        // lease to expire by its own clock, then takes over.
        let stopped = ContinuousClock.now
        await first.stop()
        #expect(first.log.withLockedValue { $0 } == ["started", "work cancelled", "stopped"])
        let next = try #require(await Self.leader(of: [follower], within: .seconds(8)))
        let takeover = ContinuousClock.now - stopped
        #expect(takeover < .seconds(Double(Self.leaseSeconds) + 1.2 * Self.retrySeconds + 0.4))
        #expect(takeover > .seconds(Double(Self.leaseSeconds) - Self.retrySeconds - 0.2), "no takeover before expiry")
        let taken = try #require(try await Self.lease(next.client))
        #expect(taken.spec.holderIdentity == next.elector.identity)
        #expect(taken.spec.leaseTransitions == 1)
        #expect(taken.spec.acquireTime != held.spec.acquireTime)
        #expect(next.log.withLockedValue { $0 } == ["started"])

        await next.stop()
        sampler.stop()
        await hub.stop()
        #expect(sampler.overlaps.withLockedValue { $0 } == 0, "never both leading")
        #expect(sampler.samples.withLockedValue { $0 } > 40)
    }

    @Test func aCancelledLeaderReleasesTheLeaseForAnImmediateHandover() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration())
        try await hub.start()
        let a = try Candidate.start(hub, identity: "placer-a", releaseOnCancel: true)
        let b = try Candidate.start(hub, identity: "placer-b", releaseOnCancel: true)
        let sampler = Sampler(a.elector, b.elector)
        defer { sampler.stop() }
        let first = try #require(await Self.leader(of: [a, b], within: .seconds(3)))
        let follower = first.elector === a.elector ? b : a
        let stopped = ContinuousClock.now
        await first.stop()
        _ = try #require(await Self.leader(of: [follower], within: .seconds(3)))
        #expect(ContinuousClock.now - stopped < .seconds(Double(Self.leaseSeconds) - 1), "faster than an expiry")
        let lease = try #require(try await Self.lease(follower.client))
        #expect(lease.spec.holderIdentity == follower.elector.identity)
        #expect(lease.spec.leaseTransitions == 1)
        await follower.stop()
        sampler.stop()
        await hub.stop()
        #expect(sampler.overlaps.withLockedValue { $0 } == 0)
    }

    @Test func aLeaderThatCannotRenewStopsLeadingWithinTheRenewDeadline() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration())
        try await hub.start()
        let a = try Candidate.start(hub, identity: "placer-a", releaseOnCancel: false)
        #expect(await eventually(timeout: .seconds(3)) { a.elector.isLeader })
        let cut = ContinuousClock.now
        await hub.stop()  // renewals now fail: connection refused
        #expect(await eventually(timeout: .seconds(4)) { !a.elector.isLeader })
        let lost = ContinuousClock.now - cut
        #expect(lost < .seconds(2.6), "gave up by the renew deadline (2 s) after the last renewal")
        #expect(lost < .seconds(Self.leaseSeconds), "before any follower could take over")
        #expect(await eventually(timeout: .seconds(2)) { a.log.withLockedValue { $0 }.last == "stopped" })
        #expect(a.log.withLockedValue { $0 } == ["started", "work cancelled", "stopped"])
        await a.task.value  // run returns once leadership is lost
        try? await a.client.shutdown()
    }

    @Test func invalidTimingsAreRefused() throws {
        let client = try KubeClient(kubeconfig: Kubeconfig(server: "http://127.0.0.1:1"))
        defer { Task { try? await client.shutdown() } }
        #expect(throws: LeaderElectionError.self) {
            _ = try LeaderElector(
                client: client, namespace: "n", name: "l", identity: "a", leaseDurationSeconds: 10,
                renewDeadlineSeconds: 10)
        }
        #expect(throws: LeaderElectionError.self) {
            _ = try LeaderElector(
                client: client, namespace: "n", name: "l", identity: "a", renewDeadlineSeconds: 2, retryPeriodSeconds: 2
            )
        }
        #expect(throws: LeaderElectionError.self) {
            _ = try LeaderElector(client: client, namespace: "n", name: "l", identity: "")
        }
        let elector = try LeaderElector(client: client, namespace: "n", name: "l", identity: "a")
        #expect(elector.leaseDurationSeconds == 15)
        #expect(elector.renewDeadline == .seconds(10))
        #expect(elector.retryPeriod == .seconds(2))
    }
}
