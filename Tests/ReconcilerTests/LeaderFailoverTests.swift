import AppModel
import EdgeSim
import Foundation
import PlacerTestSupport
import Testing

/// Two `placer run` processes against one hub: exactly one reconciles; `kill -9` of the leader hands over
/// within the lease duration, and the standby never wrote before it led.
/// The placer binary that `scripts/test.sh` builds before the tests.
let placerBinary = packageRoot.appendingPathComponent(".build/debug/placer").path

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct LeaderFailoverTests {
    static let placer = placerBinary
    static let leaseSeconds = 6

    final class Replica: @unchecked Sendable {
        let child: ChildProcess

        init(_ factory: FactoryFixture, name: String) throws {
            let log = factory.folder.appendingPathComponent("\(name).log")
            child = try ChildProcess(
                LeaderFailoverTests.placer,
                [
                    "run", "--repo", factory.repoURL, "--hub-kubeconfig", factory.kubeconfigPath,
                    "--cache-dir", factory.folder.appendingPathComponent("cache-\(name)").path,
                    "--presets-dir", packageRoot.appendingPathComponent("policies").path,
                    "--interval", "1s", "--lease-duration", "\(LeaderFailoverTests.leaseSeconds)s", "--log-level",
                    "info",
                ], environment: ProcessInfo.processInfo.environment, outputURL: log)
        }

        var pid: Int32 { child.pid }
        var output: String { child.text }

        /// Log lines, in order.
        var lines: [String] { output.split(separator: "\n").map(String.init) }

        func kill9() { child.kill9() }

        /// Sends `signal` and waits (up to 10 s) for the process to exit.
        /// - Returns: the seconds from the signal to the exit.
        func stop(_ signal: Int32) async -> Double {
            let sent = Date()
            kill(pid, signal)
            while child.process.isRunning && Date().timeIntervalSince(sent) < 10 {
                try? await Task.sleep(for: .milliseconds(20))
            }
            return Date().timeIntervalSince(sent)
        }
    }

    /// The Lease holder's pid (identities are `<host>-<pid>-<random>`).
    static func holderPID(_ factory: FactoryFixture) async -> Int32? {
        guard let lease = await factory.hub.objects("leases", namespace: "placer").first,
            let holder = lease[path: "spec.holderIdentity"]?.stringValue, !holder.isEmpty
        else { return nil }
        let parts = holder.split(separator: "-")
        return parts.count >= 3 ? Int32(parts[parts.count - 2]) : nil
    }

    /// Index of the first line containing `text`, if any.
    static func firstLine(_ lines: [String], containing text: String) -> Int? {
        lines.firstIndex { $0.contains(text) }
    }

    @Test func killingTheLeaderHandsOverWithinTheLeaseDurationAndOnlyTheLeaderWrites() async throws {
        try await withFactory { factory in
            let first = try Replica(factory, name: "a")
            let second = try Replica(factory, name: "b")
            defer {
                first.kill9()
                second.kill9()
            }
            let seed = try factory.tip()
            #expect(
                try await eventually(timeout: .seconds(20), interval: .milliseconds(100)) { try factory.tip() != seed },
                "a leader committed placements")
            let leaderPID = try #require(await Self.holderPID(factory))
            let (leader, standby) = leaderPID == first.pid ? (first, second) : (second, first)
            #expect(leaderPID == first.pid || leaderPID == second.pid)
            #expect(Self.firstLine(standby.lines, containing: "started leading") == nil, "only one leads")

            leader.kill9()
            let killed = Date()
            #expect(
                await eventually(timeout: .seconds(Self.leaseSeconds + 4), interval: .milliseconds(100)) {
                    await Self.holderPID(factory) == standby.pid
                })
            let handover = Date().timeIntervalSince(killed)
            #expect(handover <= Double(Self.leaseSeconds) + 3, "took over in \(handover) s")

            // The new leader reconciles: a pushed edit is placed.
            let before = try factory.tip()
            try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
                $0.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
            }
            let edited = try factory.tip()
            #expect(before != edited)
            #expect(
                try await eventually(timeout: .seconds(15), interval: .milliseconds(100)) {
                    try factory.tip() != edited
                }, "the new leader committed the move")

            // The standby wrote nothing before it led.
            let lines = standby.lines
            let led = try #require(Self.firstLine(lines, containing: "started leading"), "\(standby.output)")
            for marker in ["pushed placement commit", "applied ManifestWork", "deleted ManifestWork"] {
                if let wrote = Self.firstLine(lines, containing: marker) {
                    #expect(wrote > led, "\(marker) before leading")
                }
            }
        }
    }

    @Test func placerRunStopsWithinASecondOfSIGTERMOrSIGINTAndReleasesItsLease() async throws {
        try await withFactory { factory in
            for (index, signal) in [SIGTERM, SIGINT].enumerated() {
                let replica = try Replica(factory, name: "stop-\(index)")
                defer { replica.kill9() }
                #expect(
                    await eventually(timeout: .seconds(20), interval: .milliseconds(100)) {
                        await Self.holderPID(factory) == replica.pid
                    }, "it leads")
                // Let it reach the idle wait between reconciles, where a daemon spends its life.
                try await Task.sleep(for: .milliseconds(1500))
                let seconds = await replica.stop(signal)
                // NIOSSL waited 5 s for a TLS close_notify the hub never sends before this was fixed.
                #expect(seconds < 1.5, "stopped \(seconds) s after signal \(signal)")
                #expect(replica.child.process.terminationStatus == 0, "\(replica.output)")
                #expect(await Self.holderPID(factory) == nil, "the Lease is released for an immediate handover")
            }
        }
    }
}
