import AppModel
import AsyncHTTPClient
import Dashboard
import EdgeSim
import Foundation
import GitStore
import Logging
import OCMClient
import PlacerCLI
import Reconciler
import ServiceLifecycle

/// Push-to-apply latency through the webhook on the demo repo: a human pushes a new image tag for the digital
/// twin, a GitHub-style webhook delivery follows, and the clock stops when the hub's ManifestWork for the twin
/// carries the new tag (Placer fetched, decided, committed, pushed and applied). The poll interval is an hour,
/// so only the webhook can explain a fast apply.
enum PushToApplyBench {
    /// Latencies in seconds, one per run.
    static func measure(runs: Int, exampleRepo: String, presets: String, folder: URL) async throws -> [Double] {
        let files = try RepoFiles.read(directory: exampleRepo)
        let human = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())
        try BenchRepo.seedBare(
            at: folder.appendingPathComponent("demo.git").path, files: files, message: "demo\n", author: human)
        let daemon = try GitDaemon(baseDirectory: folder.path)
        defer { daemon.stop() }
        let url = daemon.url(repository: "demo.git")
        let hub = EdgeSimHub(
            configuration: HubConfiguration(), tls: try HubTLS(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        try await hub.start()
        for cluster in RepoLoader.load(files: files).clusters {
            try await hub.seed(ManagedClusterFactory.make(from: cluster))
        }
        let kubeconfig = folder.appendingPathComponent("hub.kubeconfig").path
        try hub.writeKubeconfig(to: kubeconfig)
        let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: kubeconfig), fieldManager: "placer")
        let configuration = ReconcilerConfiguration(
            repoURL: url, branch: "main", cacheDirectory: folder.appendingPathComponent("cache").path,
            presets: ReconcilerConfiguration.loadPresets(from: presets))
        let reconciler = try Reconciler(configuration: configuration, hub: client)
        _ = try await reconciler.reconcileOnce()

        let webhookSecret = try WebhookSecret("bench-webhook-secret")
        let port = try FreePort.find()
        let trigger = ReconcileTrigger()
        let readiness = ReadinessState()
        readiness.markReconciled()
        var quiet = Logger(label: "placer.bench")
        quiet.logLevel = .warning
        let loop = ReconcileService(reconciler: reconciler, intervalSeconds: 3600, trigger: trigger, logger: quiet)
        let dashboard = DashboardServer(
            configuration: DashboardConfiguration(
                host: "127.0.0.1", port: port, secret: webhookSecret,
                filter: WebhookFilter(configuration: configuration)),
            trigger: trigger, isReady: { readiness.isReady }, logger: quiet)
        let group = ServiceGroup(configuration: .init(services: [loop, dashboard], logger: quiet))
        let running = Task { try await group.run() }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let humanClone = try GitRepository.openCache(at: folder.appendingPathComponent("human").path, remoteURL: url)
        var latencies: [Double] = []
        do {
            try await BenchWebhook.waitUntilHealthy(http: http, port: port, attempts: 100)
            for run in 0..<runs {
                guard let tip = try humanClone.fetch(branch: "main"),
                    let twin = try humanClone.files(at: tip, under: ["apps/digital-twin"])["apps/digital-twin/app.yaml"]
                else { throw CommandFailure("the demo repo has no digital twin") }
                let text = String(decoding: twin.data, as: UTF8.self)
                guard let tagRange = text.range(of: #"engine:[0-9.]+"#, options: .regularExpression) else {
                    throw CommandFailure("the digital twin has no engine image tag")
                }
                let image = "engine:1.\(run).0"
                let edited = text.replacingCharacters(in: tagRange, with: image)
                let start = DispatchTime.now().uptimeNanoseconds
                guard
                    let commit = try humanClone.commit(
                        parent: tip, changes: ["apps/digital-twin/app.yaml": Data(edited.utf8)], author: human,
                        committer: human,
                        message: "twin engine \(image)\n")
                else { throw CommandFailure("the edit changed nothing") }
                try humanClone.push(commit, toBranch: "main")
                try await BenchWebhook.postPush(
                    http: http, port: port, secret: webhookSecret, before: tip, after: commit,
                    modified: "apps/digital-twin/app.yaml", message: "twin engine", author: human)
                var applied = false
                for _ in 0..<3000 {
                    let works = await hub.objects("manifestworks")
                    if works.contains(where: {
                        $0[path: "metadata.name"]?.stringValue == "digital-twin"
                            && String(decoding: $0.canonicalJSONData(), as: UTF8.self).contains(image)
                    }) {
                        applied = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                guard applied else { throw CommandFailure("run \(run): the move was not applied within 15 s") }
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
        } catch {
            running.cancel()
            try? await http.shutdown()
            await hub.stop()
            try? await client.shutdown()
            throw error
        }
        running.cancel()
        _ = try? await running.value
        try? await http.shutdown()
        await hub.stop()
        try? await client.shutdown()
        return latencies
    }
}
