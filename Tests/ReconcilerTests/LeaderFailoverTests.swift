import AppModel
import EdgeSim
import Foundation
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
        let process = Process()
        let log: URL

        init(_ factory: FactoryFixture, name: String) throws {
            log = factory.folder.appendingPathComponent("\(name).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let handle = try FileHandle(forWritingTo: log)
            process.executableURL = URL(fileURLWithPath: LeaderFailoverTests.placer)
            process.arguments = [
                "run", "--repo", factory.repoURL, "--hub-kubeconfig", factory.kubeconfigPath,
                "--cache-dir", factory.folder.appendingPathComponent("cache-\(name)").path,
                "--presets-dir", packageRoot.appendingPathComponent("policies").path,
                "--interval", "1s", "--lease-duration", "\(LeaderFailoverTests.leaseSeconds)s", "--log-level", "info",
            ]
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }
        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        /// Log lines, in order.
        var lines: [String] { output.split(separator: "\n").map(String.init) }

        func kill9() {
            if process.isRunning { kill(pid, SIGKILL) }
        }

        /// Sends `signal` and waits (up to 10 s) for the process to exit.
        /// - Returns: the seconds from the signal to the exit.
        func stop(_ signal: Int32) async -> Double {
            let sent = Date()
            kill(pid, signal)
            while process.isRunning && Date().timeIntervalSince(sent) < 10 { try? await Task.sleep(for: .milliseconds(20)) }
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

    static func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
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
            #expect(try await Self.eventually(20) { try factory.tip() != seed }, "a leader committed placements")
            let leaderPID = try #require(await Self.holderPID(factory))
            let (leader, standby) = leaderPID == first.pid ? (first, second) : (second, first)
            #expect(leaderPID == first.pid || leaderPID == second.pid)
            #expect(Self.firstLine(standby.lines, containing: "started leading") == nil, "only one leads")

            leader.kill9()
            let killed = Date()
            #expect(await Self.eventually(Double(Self.leaseSeconds) + 4) { await Self.holderPID(factory) == standby.pid })
            let handover = Date().timeIntervalSince(killed)
            #expect(handover <= Double(Self.leaseSeconds) + 3, "took over in \(handover) s")

            // The new leader reconciles: a pushed edit is placed.
            let before = try factory.tip()
            try factory.humanEdit("apps/digital-twin/app.yaml", message: "twin near the halls") {
                $0.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")
            }
            let edited = try factory.tip()
            #expect(before != edited)
            #expect(try await Self.eventually(15) { try factory.tip() != edited }, "the new leader committed the move")

            // The standby wrote nothing before it led.
            let lines = standby.lines
            let led = try #require(Self.firstLine(lines, containing: "started leading"), "\(standby.output)")
            for marker in ["pushed placement commit", "applied ManifestWork", "deleted ManifestWork"] {
                if let wrote = Self.firstLine(lines, containing: marker) { #expect(wrote > led, "\(marker) before leading") }
            }
        }
    }

    @Test func placerRunStopsWithinASecondOfSIGTERMOrSIGINTAndReleasesItsLease() async throws {
        try await withFactory { factory in
            for (index, signal) in [SIGTERM, SIGINT].enumerated() {
                let replica = try Replica(factory, name: "stop-\(index)")
                defer { replica.kill9() }
                #expect(await Self.eventually(20) { await Self.holderPID(factory) == replica.pid }, "it leads")
                // Let it reach the idle wait between reconciles, where a daemon spends its life.
                try await Task.sleep(for: .milliseconds(1500))
                let seconds = await replica.stop(signal)
                // NIOSSL waited 5 s for a TLS close_notify the hub never sends before this was fixed.
                #expect(seconds < 1.5, "stopped \(seconds) s after signal \(signal)")
                #expect(replica.process.terminationStatus == 0, "\(replica.output)")
                #expect(await Self.holderPID(factory) == nil, "the Lease is released for an immediate handover")
            }
        }
    }
}
