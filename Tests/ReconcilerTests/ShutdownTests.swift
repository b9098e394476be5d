import Foundation
import PlacerTestSupport
import Testing

/// `placer run` stops well within a second of SIGTERM even in the middle of a reconcile (issue 17 measured 5–6 s:
/// graceful shutdown waited for the reconcile in flight, which can wait `statusWaitSeconds` for work agents). A
/// failpoint holds the first reconcile mid-way for 30 s, deterministically; the idle case is
/// `LeaderFailoverTests.placerRunStopsWithinASecondOfSIGTERMOrSIGINTAndReleasesItsLease`.
@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: placerBinary)))
struct ShutdownTests {
    @Test(arguments: [
        ("after-decide", true), ("after-push", true), ("after-fetch", false), ("move-before-delete", false),
    ])
    func sigtermMidReconcileStopsWithinASecond(_ setup: (point: String, leaderElection: Bool)) async throws {
        let (point, leaderElection) = setup
        try await withFactory { factory in
            // move-before-delete needs a move: a first clean reconcile places the apps, then the twin is moved.
            if point == "move-before-delete" {
                _ = try await factory.reconciler().reconcileOnce()
                try HumanDecisionTests.slowRegionalLink(factory)
            }
            var environment = ProcessInfo.processInfo.environment
            environment["PLACER_FAILPOINTS"] = "\(point)=delay(30s)"
            let log = factory.folder.appendingPathComponent("stop.log")
            let daemon = try ChildProcess(
                placerBinary,
                [
                    "run", "--repo", factory.repoURL, "--hub-kubeconfig", factory.kubeconfigPath,
                    "--cache-dir", factory.folder.appendingPathComponent("cache-stop").path,
                    "--presets-dir", packageRoot.appendingPathComponent("policies").path,
                    "--interval", "1h", "--lease-duration", "3s", "--log-level", "info",
                ] + (leaderElection ? [] : ["--disable-leader-election"]), environment: environment, outputURL: log)
            defer { daemon.kill9() }
            #expect(
                await daemon.waitForOutput(timeout: .seconds(30)) { $0.contains("failpoint \(point): delay(30000ms)") },
                "\(daemon.text)")
            let sent = ContinuousClock.now
            kill(daemon.pid, SIGTERM)
            let stopped = await daemon.waitForExit(timeout: .seconds(20))
            let seconds = (ContinuousClock.now - sent) / .seconds(1)
            // Once in a clean-clone CI run under load, the daemon without leader election, held at after-fetch, was
            // still running 20 s after SIGTERM: the informers had not listed yet, and the task waiting for their
            // first LIST ignored cancellation (fixed in Informer.waitUntilSynced; HubCacheTests covers it).
            #expect(stopped, "still running 20 s after SIGTERM at \(point)")
            // The target is well under a second; the margin is for a loaded CI machine.
            #expect(seconds < 1.5, "stopped \(seconds) s after SIGTERM at \(point)")
            // A process still running has no termination status (Foundation traps on reading it).
            guard stopped else { return }
            #expect(daemon.process.terminationStatus == 0, "\(daemon.text)")
            #expect(!daemon.text.contains("reconcile failed"), "a shutdown is not a failure: \(daemon.text)")
            if leaderElection {
                #expect(await LeaderFailoverTests.holderPID(factory) == nil, "the Lease is released")
            }
        }
    }
}
