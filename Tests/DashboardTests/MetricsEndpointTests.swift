import Dashboard
import EdgeSim
import Foundation
import PlacerCore
import PlacerTestSupport
import Prometheus
import Reconciler
import Testing

/// `/metrics` over real HTTP: the series move when a reconcile runs on the EdgeSim hub and when webhooks are
/// answered; each test has its own registry (nothing is bootstrapped process-wide).
@Suite(.serialized) struct MetricsEndpointTests {
    let secret = try! WebhookSecret("metrics-test-secret")
    let logs = LogCapture()

    @Test func aReconcileOnTheEdgeSimHubMovesTheLoopsSeries() async throws {
        try await withMetricsWorld { world in
            let prometheus = PrometheusEndpoint()
            let reconciler = try world.reconciler(metrics: prometheus.metrics)
            let server = try await RunningServer.start(secret: secret, logs: logs, prometheus: prometheus)
            let before = try await get(server.baseURL + "/metrics")
            let first = try await reconciler.reconcileOnce()
            let afterFirst = try await get(server.baseURL + "/metrics")
            _ = try await reconciler.reconcileOnce()
            let afterSecond = try await get(server.baseURL + "/metrics")
            await server.stop()

            let apps = MetricsWorld.exampleApps
            #expect(apps > 1)
            #expect(before.status == 200)
            #expect(sample(before.body, "placer_reconcile_total", ["result": "success"]) == nil)
            let text = afterFirst.body
            #expect(sample(text, "placer_reconcile_total", ["result": "success"]) == 1, "\(text)")
            #expect(sample(afterSecond.body, "placer_reconcile_total", ["result": "success"]) == 2)
            #expect(sample(text, "placer_reconcile_duration_seconds_count", ["result": "success"]) == 1)
            let seconds = try #require(sample(text, "placer_reconcile_duration_seconds_sum", ["result": "success"]))
            #expect(seconds > 0 && seconds < 60)
            // Every app placed by PDLC, committed once, applied once.
            #expect(sample(text, "placer_decisions_total", ["outcome": "Placed"]) == Double(apps))
            #expect(sample(text, "placer_git_operation_duration_seconds_count", ["operation": "fetch"]) == 1)
            #expect(sample(text, "placer_git_operation_duration_seconds_count", ["operation": "commit"]) == 1)
            #expect(sample(text, "placer_git_operation_duration_seconds_count", ["operation": "push"]) == 1)
            #expect(sample(text, "placer_git_operation_failures_total", ["operation": "push"]) == nil)
            #expect(
                sample(
                    text, "placer_hub_request_duration_seconds_count",
                    ["verb": "apply", "resource": "manifestworks"]) == Double(first.applied.count))
            #expect(first.applied.count == apps)
            let ready = sample(text, "placer_apps", ["condition": "Ready", "status": "True"]) ?? -1
            let notReady = sample(text, "placer_apps", ["condition": "Ready", "status": "False"]) ?? -1
            #expect(ready + notReady == Double(apps))
            #expect(ready == Double(first.apps.filter { $0.phase == .ready }.count))
            #expect(sample(text, "placer_app_phase_apps", ["phase": "Ready"]) == ready)
            #expect(sample(text, "placer_app_phase_apps", ["phase": "Invalid"]) == 0)
            #expect(sample(text, "placer_reconcile_last_success_timestamp_seconds") ?? 0 > 1_700_000_000)
            // The help text comes from the catalog, and the format is Prometheus's text format.
            #expect(text.contains("# HELP placer_reconcile_total Reconciles by result"))
            #expect(text.contains("# TYPE placer_reconcile_duration_seconds histogram"))
            // The second reconcile saw an unchanged world: fetched again, committed nothing.
            #expect(
                sample(afterSecond.body, "placer_git_operation_duration_seconds_count", ["operation": "fetch"]) == 2)
            #expect(
                sample(afterSecond.body, "placer_git_operation_duration_seconds_count", ["operation": "commit"]) == 1)
        }
    }

    @Test func aDeletedWorkIsCountedAsADriftCorrection() async throws {
        try await withMetricsWorld { world in
            let prometheus = PrometheusEndpoint()
            let reconciler = try world.reconciler(metrics: prometheus.metrics)
            let first = try await reconciler.reconcileOnce()
            let work = try #require(first.applied.first)
            let parts = work.split(separator: "/")
            try await world.client.delete(.manifestWork, namespace: String(parts[0]), name: String(parts[1]))
            _ = try await reconciler.reconcileOnce()
            let text = prometheus.render()
            #expect(sample(text, "placer_drift_corrections_total", ["change": "deleted"]) == 1, "\(text)")
            // The correction is one more apply of that work (the test's own delete went past Placer).
            #expect(
                sample(
                    text, "placer_hub_request_duration_seconds_count", ["verb": "apply", "resource": "manifestworks"])
                    == Double(first.applied.count + 1))
            #expect(
                sample(
                    text, "placer_hub_request_duration_seconds_count", ["verb": "delete", "resource": "manifestworks"])
                    == nil)
        }
    }

    @Test func anUnreachableRepoCountsARetry() async throws {
        let prometheus = PrometheusEndpoint()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "placer-metrics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let port = try FreePort.find()  // nothing listens there
        let reconciler = try Reconciler(
            configuration: ReconcilerConfiguration(
                repoURL: "git://127.0.0.1:\(port)/none.git", cacheDirectory: folder.appendingPathComponent("cache").path
            ),
            hub: nil, metrics: prometheus.metrics)
        await #expect(throws: ReconcileError.self) { try await reconciler.reconcileOnce() }
        let text = prometheus.render()
        #expect(sample(text, "placer_reconcile_total", ["result": "retry"]) == 1, "\(text)")
        #expect(sample(text, "placer_git_operation_failures_total", ["operation": "fetch"]) == 1)
        #expect(sample(text, "placer_reconcile_total", ["result": "success"]) == nil)
    }

    @Test func webhookAnswersAreCountedByResult() async throws {
        let prometheus = PrometheusEndpoint()
        let server = try await RunningServer.start(secret: secret, logs: logs, prometheus: prometheus)
        let body = githubPush(
            after: sha("ab"),
            commits: [TestCommit(id: sha("ab"), message: "scale", modified: ["apps/shop/app.yaml"])])
        let forged = try await post(
            server.baseURL + "/hooks/github",
            headers: [
                ("X-GitHub-Event", "push"), ("X-Hub-Signature-256", "sha256=" + String(repeating: "0", count: 64)),
            ],
            body: body)
        let good = try await post(
            server.baseURL + "/hooks/github",
            headers: [
                ("X-GitHub-Event", "push"),
                ("X-Hub-Signature-256", WebhookVerifier.signature(provider: .github, secret: secret, body: body)),
            ],
            body: body)
        let badToken = try await post(
            server.baseURL + "/hooks/gitlab", headers: [("X-Gitlab-Event", "Push Hook"), ("X-Gitlab-Token", "no")],
            body: body)
        let metrics = try await get(server.baseURL + "/metrics")
        await server.stop()
        #expect(forged.status == 401)
        #expect(good.status == 202)
        #expect(badToken.status == 401)
        let text = metrics.body
        #expect(
            sample(
                text, "placer_webhook_requests_total", ["provider": "github", "code": "401", "result": "unauthorized"])
                == 1, "\(text)")
        #expect(
            sample(text, "placer_webhook_requests_total", ["provider": "github", "code": "202", "result": "accepted"])
                == 1)
        #expect(
            sample(
                text, "placer_webhook_requests_total", ["provider": "gitlab", "code": "401", "result": "unauthorized"])
                == 1)
        #expect(!text.contains(secret.description) && !text.contains("metrics-test-secret"))
    }

    @Test func theEpsilonGaugeIsReservedForTheLearningWork() {
        let prometheus = PrometheusEndpoint()
        prometheus.metrics.privacyEpsilonSpent(0.75, model: "cpu-forecast", cluster: "hall-1", budget: 3)
        prometheus.metrics.privacyEpsilonSpent(1.5, model: "cpu-forecast")
        let text = prometheus.render()
        #expect(sample(text, "placer_privacy_epsilon_spent", ["model": "cpu-forecast", "cluster": "hall-1"]) == 0.75)
        #expect(sample(text, "placer_privacy_epsilon_spent", ["model": "cpu-forecast", "cluster": ""]) == 1.5)
        #expect(sample(text, "placer_privacy_epsilon_budget", ["model": "cpu-forecast", "cluster": "hall-1"]) == 3)
    }

    @Test func everyExportedFamilyIsInTheCatalogAndTheDocs() throws {
        let docs = try String(
            contentsOf: packageRoot.appendingPathComponent("docs/metrics.md"), encoding: .utf8)
        for series in PlacerMetrics.Series.all {
            #expect(series.name.hasPrefix("placer_"))
            #expect(series.kind != .counter || series.name.hasSuffix("_total"), "\(series.name)")
            #expect(series.kind != .histogram || series.name.hasSuffix("_seconds"), "\(series.name)")
            #expect(docs.contains("`\(series.name)`"), "docs/metrics.md does not list \(series.name)")
        }
    }
}
