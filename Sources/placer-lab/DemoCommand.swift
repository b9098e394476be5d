import AppModel
import ArgumentParser
import Dashboard
import EdgeSim
import Foundation
import GitStore
import Logging
import OCMClient
import PlacerCLI
import PlacerCore
import Reconciler
import ServiceLifecycle

/// `placer-lab demo`: the AGV factory demo (a git daemon, the EdgeSim hub over HTTPS and Placer, on 127.0.0.1).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the AGV factory demo: a Git server, an emulated OCM hub and Placer, all on 127.0.0.1.")

    @Flag(help: "Exit after the first reconcile.")
    var once = false

    @Option(help: "Keep everything (bare repo, cache, kubeconfig) in this folder (default: a new temporary folder).")
    var workdir: String?

    @Option(help: "Poll interval while watching (e.g. 5s).")
    var interval: IntervalArgument = IntervalArgument(seconds: 5)

    @Option(help: "How often each simulated cluster's agent reads its metrics and publishes its forecast (e.g. 2s).")
    var agentInterval: IntervalArgument = IntervalArgument(seconds: 2)

    @Flag(help: "Run no agents (no learned forecasts, no federated rounds).")
    var noAgents = false

    @Option(help: "Placer's source tree, holding example-repo/ and policies/ (default: found from here).")
    var source: String?

    @Option(help: "Port of the console on 127.0.0.1 (0 picks a free one).")
    var consolePort = 0

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        logging.bootstrap()
        let prometheus = PrometheusEndpoint.bootstrapped()
        guard let tree = SourceTree.locate(from: source) else {
            throw CommandFailure("cannot find Placer's source tree (example-repo/ and policies/): pass --source DIR")
        }
        let work = URL(
            fileURLWithPath: workdir
                ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("placer-demo-\(ProcessInfo.processInfo.processIdentifier)").path
        ).standardizedFileURL
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: work.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw CommandFailure("--workdir \(work.path) is a file, not a folder")
        }
        do {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create --workdir \(work.path): \((error as NSError).localizedDescription)")
        }
        let lock = try WorkdirLock(folder: work)
        defer { withExtendedLifetime(lock) {} }

        let bare = work.appendingPathComponent("app-repo.git").path
        try seedRepository(at: bare, from: tree.exampleRepo)
        let daemon = try GitDaemon(baseDirectory: work.path)
        defer { daemon.stop() }
        let cloneURL = daemon.url(repository: "app-repo.git")

        // HTTPS with a CA generated now: the kubeconfig carries it, so Placer and stock kubectl verify the hub.
        let hub = EdgeSimHub(
            configuration: HubConfiguration(), tls: try HubTLS(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"]))
        try await hub.start()
        let inventory = RepoLoader.load(files: try RepoFiles.read(directory: tree.exampleRepo)).clusters
        for cluster in inventory { try await hub.seed(ManagedClusterFactory.make(from: cluster)) }
        let kubeconfigPath = work.appendingPathComponent("hub.kubeconfig").path
        try hub.writeKubeconfig(to: kubeconfigPath)

        let client = try KubeClient(kubeconfig: try Kubeconfig.load(path: kubeconfigPath), fieldManager: "placer")
        let configuration = ReconcilerConfiguration(
            repoURL: cloneURL, branch: "main", cacheDirectory: work.appendingPathComponent("cache").path,
            presets: ReconcilerConfiguration.loadPresets(from: tree.presetsDirectory), decisionNamespace: "placer")
        // One view of the dependencies for the watcher, the cache's writes and the loop, as `placer run` has.
        let health = DependencyHealth(metrics: prometheus.metrics, now: configuration.now)
        let watcher = ClusterInventoryWatcher(hub: client, health: health)
        // Informer caches: until they run (the first reconcile below) reads go to the hub itself.
        let cache = HubCache(client: client, configuration: configuration, metrics: prometheus.metrics, health: health)
        let reconciler = try Reconciler(
            configuration: configuration, hub: cache.hub, inventoryWatcher: watcher, metrics: prometheus.metrics,
            health: health)

        Console.print("Placer demo: AGV flexible factory (3 halls, factory data centre, regional cloud)\n")
        do {
            let report = try await reconciler.reconcileOnce()
            ReportPrinter.print(report)
        } catch {
            try? await client.shutdown()
            await hub.stop()
            throw CommandFailure("\(error)")
        }
        Console.print("\napp repo (bare):  \(bare)")
        if once {
            Console.print("clone it with:    git clone \(bare)")
            try? await client.shutdown()
            await hub.stop()
            return
        }
        Console.print(
            """
            clone URL:        \(cloneURL)
            hub kubeconfig:   \(kubeconfigPath)
              kubectl --kubeconfig \(kubeconfigPath) get manifestworks -A

            Watching every \(Int(interval.seconds))s. Try:
              git clone \(cloneURL) factory && cd factory
              sed -i 's/nwlatency: "100"/nwlatency: "10"/' apps/digital-twin/app.yaml
              git commit -am "digital twin now serves the control room" && git push
              git pull && git log -1 --stat     # Placer's placement commit
            Ctrl-C stops the demo.
            """)
        let trigger = ReconcileTrigger()
        cache.requestReconcileOnDrift(trigger)
        let readiness = ReadinessState()
        readiness.markReconciled()  // the first reconcile above succeeded
        let tokenFile = work.appendingPathComponent("console-token").path
        let console = PlacerConsole(
            reconciler: reconciler, trigger: trigger,
            configuration: ConsoleConfiguration(tokens: try Self.writeToken(to: tokenFile), openReads: true))
        var address = DashboardConfiguration(
            host: "127.0.0.1", port: consolePort, secret: try WebhookSecret(UUID().uuidString),
            filter: WebhookFilter(configuration: configuration))
        address.servesWebhooks = false
        let server = DashboardServer(
            configuration: address, trigger: trigger, isReady: { readiness.isReady },
            livenessChecks: [
                .reconcileLoop(status: reconciler.status, wedgedAfterSeconds: max(900, 10 * interval.seconds))
            ],
            prometheus: prometheus, console: console,
            onServerRunning: { port in
                Console.print("Console: http://127.0.0.1:\(port)/")
                Console.print("Console token file (for actions): \(tokenFile)")
                Console.print("Metrics: http://127.0.0.1:\(port)/metrics")
            })
        var learning: DemoLearning?
        if !noAgents {
            learning = try await DemoLearning.start(
                inventory: inventory, hub: client, tree: tree, intervalSeconds: agentInterval.seconds)
            Console.print(
                """

                Agents: one per cluster, each reading its cluster's exporter every \(Int(agentInterval.seconds))s and \
                publishing AddOnPlacementScore placer-forecast in its namespace:
                  kubectl --kubeconfig \(kubeconfigPath) get addonplacementscores -A -o yaml
                """)
        }
        let loop = ReconcileService(
            reconciler: reconciler, intervalSeconds: interval.seconds, inventoryWatcher: watcher, trigger: trigger
        ) { report in
            readiness.markReconciled()
            // Agents refresh their scores every few seconds, so most passes decide again and change nothing.
            if report.commit != nil || !report.applied.isEmpty || !report.deleted.isEmpty {
                Console.print("")
                ReportPrinter.print(report)
            }
        }
        var services: [any Service] = [watcher, cache, loop]
        if let learning {
            services += learning.services
            services.append(DemoAgentPrinter(learning: learning, intervalSeconds: max(10, 5 * agentInterval.seconds)))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services + [server], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "placer.demo")))
        try await group.run()
        await learning?.stop()
        // The hub first: it closes the client's open TLS connections, which the client would otherwise wait on
        // (about 5 s) at shutdown.
        await hub.stop()
        try? await client.shutdown()
    }

    /// Writes a new random console token (owner-only file) signing in as the demo's engineer.
    static func writeToken(to path: String) throws -> ConsoleTokens {
        var generator = SystemRandomNumberGenerator()
        let token = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let line = "\(token) Demo Engineer <engineer@factory.example>\n"
        FileManager.default.createFile(
            atPath: path, contents: Data(line.utf8), attributes: [.posixPermissions: 0o600])
        return try ConsoleTokens.load(file: path)
    }

    /// Creates the bare app repo with example-repo as its first commit, made by a human, unless it exists.
    private func seedRepository(at path: String, from exampleRepo: String) throws {
        if FileManager.default.fileExists(atPath: path + "/HEAD") { return }
        let repository = try GitRepository.initBare(at: path)
        let files = try RepoFiles.read(directory: exampleRepo)
        let human = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())
        _ = try repository.commit(
            parent: nil, changes: files.mapValues { Optional($0) }, author: human, committer: human,
            message: "Factory apps, clusters and placement policy\n", updateRef: "refs/heads/main")
        try repository.setHead(branch: "main")
    }
}
