import EdgeSim
import Foundation
import NIOConcurrencyHelpers
import OCMClient
import PlacerTestSupport
import Testing

/// Lease-based leader election between electors on one EdgeSim hub.
@Suite struct LeaderElectorTests {
    /// Short timings: lease 4 s, renew deadline 2.5 s, retry every 0.5 s.
    static let leaseSeconds = 4
    static let renewSeconds = 2.5
    static let retrySeconds = 0.5

    /// A running candidate: its elector and the task running its campaign.
    struct Candidate {
        let elector: LeaderElector
        let task: Task<Void, Never>
        let client: KubeClient
        /// Whether the leader's work is running, and how often leading started and stopped.
        let log: NIOLockedValueBox<[String]>

        /// Starts campaigning; with `again`, a candidate that lost the lease (a stalled test machine can make a
        /// leader miss its renew deadline) campaigns again, as a restarted replica would.
        static func start(
            _ hub: EdgeSimHub, identity: String, releaseOnCancel: Bool, again: Bool = true
        ) throws
            -> Candidate
        {
            let client = try KubeClient(kubeconfig: Kubeconfig(server: hub.baseURL, token: hub.configuration.token))
            let elector = try LeaderElector(
                client: client, namespace: "placer", name: "placer-leader", identity: identity,
                leaseDurationSeconds: leaseSeconds, renewDeadlineSeconds: renewSeconds,
                retryPeriodSeconds: retrySeconds,
                releaseOnCancel: releaseOnCancel)
            let log = NIOLockedValueBox<[String]>([])
            let task = Task {
                repeat {
                    try? await elector.run(
                        onStartedLeading: {
                            log.withLockedValue { $0.append("started") }
                            while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(50)) }
                            log.withLockedValue { $0.append("work cancelled") }
                        },
                        onStoppedLeading: { log.withLockedValue { $0.append("stopped") } })
                } while again && !Task.isCancelled
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

    /// Every version of the lease, recorded through a watch on a client of its own.
    final class LeaseHistory: Sendable {
        let specs = NIOLockedValueBox<[LeaseObject.Spec]>([])
        private let task: NIOLockedValueBox<Task<Void, Never>?> = .init(nil)
        private let client: KubeClient

        init(_ hub: EdgeSimHub) throws {
            let client = try KubeClient(kubeconfig: Kubeconfig(server: hub.baseURL, token: hub.configuration.token))
            self.client = client
            let specs = specs
            task.withLockedValue {
                $0 = Task {
                    func record(_ objects: [Data]) {
                        let decoded = objects.compactMap { try? LeaseObject.decode($0).spec }
                        specs.withLockedValue { $0 += decoded }
                    }
                    do {
                        for try await event in client.watchList(.lease, namespace: "placer") {
                            switch event {
                            case .listed(let items), .relisted(let items): record(items)
                            case .changed(let change): record([change.object])
                            }
                        }
                    } catch {
                        return
                    }
                }
            }
        }

        /// The renewTime of the last version `old` wrote before `new` took over.
        func lastRenewal(of old: String, before new: String) -> Date? {
            let all = specs.withLockedValue { $0 }
            guard let takeover = all.firstIndex(where: { $0.holderIdentity == new }) else { return nil }
            return all[..<takeover].last { $0.holderIdentity == old }?.renewDate
        }

        func stop() async {
            let running = task.withLockedValue { $0 }
            running?.cancel()
            await running?.value
            try? await client.shutdown()
        }
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

    /// Timing bounds are checked on the Lease's own timestamps where they can be, so a test machine that stalls
    /// the whole process does not turn a correct step-down into a failure; the safety property (never two
    /// leaders) is sampled throughout.
    @Test func exactlyOneLeadsAndTheOtherTakesOverAfterTheLeaseExpires() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration())
        try await hub.start()
        let a = try Candidate.start(hub, identity: "placer-a", releaseOnCancel: false)
        let b = try Candidate.start(hub, identity: "placer-b", releaseOnCancel: false)
        let sampler = Sampler(a.elector, b.elector)
        let history = try LeaseHistory(hub)
        defer { sampler.stop() }

        _ = try #require(await Self.leader(of: [a, b], within: .seconds(10)))
        // Several renewals later there is still exactly one leader, and the lease names it.
        try await Task.sleep(for: .seconds(Double(Self.leaseSeconds) + 0.5))
        let first = try #require(await Self.leader(of: [a, b], within: .seconds(10)))
        let follower = first.elector === a.elector ? b : a
        #expect(!follower.elector.isLeader)
        let held = try #require(try await Self.lease(first.client))
        #expect(held.spec.holderIdentity == first.elector.identity)
        #expect(held.spec.leaseDurationSeconds == Self.leaseSeconds)
        #expect(held.spec.renewTime?.count == "2026-01-01T00:00:00.000000Z".count, "MicroTime")
        let heldAcquired = try #require(held.spec.acquireDate)
        #expect(try #require(held.spec.renewDate) >= heldAcquired)

        // The leader stops renewing (its task ends without freeing the lease): the follower waits for the
        // lease to expire by its own clock, then takes over.
        let stopped = ContinuousClock.now
        await first.stop()
        #expect(first.log.withLockedValue { $0 }.suffix(3) == ["started", "work cancelled", "stopped"])
        let next = try #require(await Self.leader(of: [follower], within: .seconds(12)))
        let takeover = ContinuousClock.now - stopped
        let taken = try #require(try await Self.lease(next.client))
        #expect(taken.spec.holderIdentity == next.elector.identity)
        #expect(taken.spec.leaseTransitions == (held.spec.leaseTransitions ?? 0) + 1)
        let acquired = try #require(taken.spec.acquireDate)
        // The last renewal the old leader wrote is what the follower timed the expiry from.
        #expect(
            await eventually { history.lastRenewal(of: first.elector.identity, before: next.elector.identity) != nil })
        let previousRenewal = try #require(
            history.lastRenewal(of: first.elector.identity, before: next.elector.identity))
        let gap = acquired.timeIntervalSince(previousRenewal)
        #expect(gap >= Double(Self.leaseSeconds) - 0.01, "no takeover before the lease expired (gap \(gap) s)")
        #expect(gap < Double(Self.leaseSeconds) + 1.2 * Self.retrySeconds + 1.5, "taken over soon after expiry")
        #expect(takeover < .seconds(Double(Self.leaseSeconds) + 1.2 * Self.retrySeconds + 1.5))
        #expect(next.log.withLockedValue { $0 }.last == "started")

        await next.stop()
        sampler.stop()
        await history.stop()
        await hub.stop()
        #expect(sampler.overlaps.withLockedValue { $0 } == 0, "never both leading")
        #expect(sampler.samples.withLockedValue { $0 } > 20)
    }

    @Test func aCancelledLeaderReleasesTheLeaseForAnImmediateHandover() async throws {
        let hub = EdgeSimHub(configuration: HubConfiguration())
        try await hub.start()
        let a = try Candidate.start(hub, identity: "placer-a", releaseOnCancel: true)
        let b = try Candidate.start(hub, identity: "placer-b", releaseOnCancel: true)
        let sampler = Sampler(a.elector, b.elector)
        defer { sampler.stop() }
        let first = try #require(await Self.leader(of: [a, b], within: .seconds(10)))
        let follower = first.elector === a.elector ? b : a
        let stopped = ContinuousClock.now
        await first.stop()
        _ = try #require(await Self.leader(of: [follower], within: .seconds(10)))
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
        let a = try Candidate.start(hub, identity: "placer-a", releaseOnCancel: false, again: false)
        #expect(await eventually(timeout: .seconds(10)) { a.elector.isLeader })
        let cut = ContinuousClock.now
        await hub.stop()  // renewals now fail: connection refused
        #expect(await eventually(timeout: .seconds(4)) { !a.elector.isLeader })
        let lost = ContinuousClock.now - cut
        #expect(lost < .seconds(Self.renewSeconds + 0.9), "gave up by the renew deadline after the last renewal")
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
