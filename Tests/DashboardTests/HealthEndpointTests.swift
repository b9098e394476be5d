import AsyncHTTPClient
import Dashboard
import Foundation
import PlacerTestSupport
import Reconciler
import Testing

/// `/livez`, `/readyz` and `/healthz` over real HTTP, answered as Kubernetes components answer them.
@Suite(.serialized) struct HealthEndpointTests {
    let secret = try! WebhookSecret("health-test-secret")
    let logs = LogCapture()

    @Test func answersAreKubernetesShaped() async throws {
        let server = try await RunningServer.start(secret: secret, logs: logs)
        let livez = try await get(server.baseURL + "/livez")
        let verbose = try await get(server.baseURL + "/livez?verbose")
        let healthz = try await get(server.baseURL + "/healthz")
        let notReady = try await get(server.baseURL + "/readyz")
        let notReadyVerbose = try await get(server.baseURL + "/readyz?verbose")
        let oneCheck = try await get(server.baseURL + "/readyz/reconcile")
        let excluded = try await get(server.baseURL + "/readyz?exclude=reconcile&verbose")
        let unknown = try await get(server.baseURL + "/livez/etcd")
        let headers = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: server.baseURL + "/livez"), timeout: .seconds(10)
        ).headers
        server.readiness.markReconciled()
        let ready = try await get(server.baseURL + "/readyz")
        let readyVerbose = try await get(server.baseURL + "/readyz?verbose")
        await server.stop()

        #expect(livez.status == 200 && livez.body == "ok")
        #expect(verbose.status == 200)
        #expect(verbose.body == "[+]ping ok\nlivez check passed\n")
        #expect(healthz.status == 200 && healthz.body == "ok")
        #expect(notReady.status == 500)
        #expect(notReady.body == "[+]ping ok\n[-]reconcile failed: reason withheld\nreadyz check failed\n")
        #expect(notReadyVerbose.body == notReady.body)
        #expect(oneCheck.status == 500)
        #expect(oneCheck.body.hasPrefix("internal server error: no reconcile has succeeded yet"))
        #expect(excluded.status == 200)
        #expect(excluded.body == "[+]ping ok\n[+]reconcile excluded: ok\nreadyz check passed\n")
        #expect(unknown.status == 404)
        #expect(headers["Content-Type"].first == "text/plain; charset=utf-8")
        #expect(headers["X-Content-Type-Options"].first == "nosniff")
        #expect(ready.status == 200 && ready.body == "ok")
        #expect(readyVerbose.body == "[+]ping ok\n[+]reconcile ok\nreadyz check passed\n")
    }

    @Test func livezFailsWhileAReconcileRunsPastTheLimitAndRecoversAfter() async throws {
        // The work agent never reports, so the reconcile waits its 3 s for the works' status: a reconcile in flight.
        try await withMetricsWorld(agentDelay: .seconds(600)) { world in
            let reconciler = try world.reconciler(metrics: PrometheusEndpoint().metrics, statusWaitSeconds: 3)
            // Seen from an hour later, the running reconcile is past a 60 s limit: wedged.
            let wedged = HealthCheck.reconcileLoop(
                status: reconciler.status, wedgedAfterSeconds: 60, now: { Date().addingTimeInterval(3600) })
            let server = try await RunningServer.start(secret: secret, logs: logs, livenessChecks: [wedged])
            let idle = try await get(server.baseURL + "/livez")
            let running = Task { try await reconciler.reconcileOnce() }
            let failed = await eventually(timeout: .seconds(10), interval: .milliseconds(50)) {
                (try? await get(server.baseURL + "/livez").status) == 500
            }
            let detail = try await get(server.baseURL + "/livez/reconcile-loop")
            let listed = try await get(server.baseURL + "/livez")
            _ = try await running.value
            let after = try await get(server.baseURL + "/livez")
            await server.stop()

            #expect(idle.status == 200, "a loop that never started is not wedged")
            #expect(failed)
            #expect(listed.body == "[+]ping ok\n[-]reconcile-loop failed: reason withheld\nlivez check failed\n")
            #expect(detail.status == 500)
            #expect(detail.body.contains("a reconcile has been running for"), "\(detail.body)")
            #expect(after.status == 200, "\(after.body)")
        }
    }
}
