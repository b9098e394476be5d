import AppModel
import EdgeSim
import Foundation
import GitStore
import OCMClient
import PlacerCore
import PlacerTestSupport
import Reconciler

/// The package root, found from this file.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A small Placer world for the metrics tests: the example app repo as a bare repo behind a real `git daemon`,
/// and an EdgeSim hub over HTTP seeded with the example clusters, in one temporary folder.
final class MetricsWorld: @unchecked Sendable {
    let folder: URL
    let daemon: GitDaemon
    let hub: EdgeSimHub
    let client: KubeClient

    private init(folder: URL, daemon: GitDaemon, hub: EdgeSimHub, client: KubeClient) {
        self.folder = folder
        self.daemon = daemon
        self.hub = hub
        self.client = client
    }

    /// Seeds the repo and starts the daemon and the hub (whose work agent reports after `agentDelay`).
    static func start(agentDelay: Duration = .milliseconds(20)) async throws -> MetricsWorld {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "placer-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bare = try GitRepository.initBare(at: folder.appendingPathComponent("app-repo.git").path)
        let files = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        let human = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Date())
        _ = try bare.commit(
            parent: nil, changes: files.mapValues { Optional($0) }, author: human, committer: human,
            message: "Factory apps\n", updateRef: "refs/heads/main")
        try bare.setHead(branch: "main")
        let daemon = try GitDaemon(baseDirectory: folder.path)
        let configuration = HubConfiguration(agentDelay: agentDelay)
        let hub = EdgeSimHub(configuration: configuration)
        try await hub.start()
        for cluster in RepoLoader.load(files: files).clusters {
            try await hub.seed(ManagedClusterFactory.make(from: cluster))
        }
        let client = try KubeClient(kubeconfig: Kubeconfig(server: hub.baseURL, token: configuration.token))
        return MetricsWorld(folder: folder, daemon: daemon, hub: hub, client: client)
    }

    /// A reconciler for this world recording into `metrics`.
    func reconciler(metrics: PlacerMetrics, statusWaitSeconds: Double = 3) throws -> Reconciler {
        let configuration = ReconcilerConfiguration(
            repoURL: daemon.url(repository: "app-repo.git"), branch: "main",
            cacheDirectory: folder.appendingPathComponent("cache").path,
            presets: ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path),
            statusWaitSeconds: statusWaitSeconds)
        return try Reconciler(configuration: configuration, hub: client, metrics: metrics)
    }

    /// The number of apps in the example repo.
    static var exampleApps: Int {
        (try? FileManager.default.contentsOfDirectory(
            atPath: packageRoot.appendingPathComponent("example-repo/apps").path))?.count ?? 0
    }

    func stop() async {
        try? await client.shutdown()
        await hub.stop()
        daemon.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs `body` in a fresh ``MetricsWorld`` and stops it whatever happens.
func withMetricsWorld<T>(
    agentDelay: Duration = .milliseconds(20), _ body: (MetricsWorld) async throws -> T
) async throws -> T {
    let world = try await MetricsWorld.start(agentDelay: agentDelay)
    do {
        let result = try await body(world)
        await world.stop()
        return result
    } catch {
        await world.stop()
        throw error
    }
}

/// The value of the sample `name{labels}` in a Prometheus text exposition (labels in any order), nil when absent.
func sample(_ exposition: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
    for line in exposition.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " ") else { continue }
        let series = line[..<space]
        let value = line[line.index(after: space)...]
        var seriesName = Substring(series)
        var found: [String: String] = [:]
        if let brace = series.firstIndex(of: "{") {
            seriesName = series[..<brace]
            let body = series[series.index(after: brace)..<(series.lastIndex(of: "}") ?? series.endIndex)]
            for pair in body.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                found[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
        }
        if seriesName == name, found == labels { return Double(value) }
    }
    return nil
}
