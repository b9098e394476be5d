import AppModel
import EdgeSim
import Foundation
import GitStore
import OCMClient
import PDLC
import PlacerCLI
import PlacerCore
import Reconciler
import Synchronization
import Telemetry

/// One soak world: the example app repo behind a real `git daemon`, the EdgeSim hub over HTTPS in a child process
/// (`placer-lab hub`, so its store does not count in this process's memory), and a ``Reconciler`` on a simulated
/// clock with an inventory watcher, exactly as `placer run` wires them. ``step(minute:)`` replays one minute of the
/// agv-factory day: cluster load from the shift plan as AddOnPlacementScores, hall-2-edge's outage as its
/// ManagedCluster's Available condition, human pushes every few minutes, then one reconcile.
final class SoakWorld: @unchecked Sendable {
    /// Simulated time: midnight UTC, 1 June 2026 (fixed, so two worlds make the same commits).
    static let epoch = Date(timeIntervalSince1970: 1_780_272_000)

    let folder: URL
    let daemon: GitDaemon
    let hubProcess: Process
    let client: KubeClient
    let driver: KubeClient
    let reconciler: Reconciler
    let watcher: ClusterInventoryWatcher
    let watcherTask: Task<Void, Never>
    let clusters: [ClusterSpec]
    let clock: SimulatedClock
    let human: GitRepository
    let seed: UInt64
    private var pushes = 0
    private var available: [String: Bool] = [:]

    /// A clock the reconciler reads; the driver moves it.
    final class SimulatedClock: Sendable {
        private let current = Mutex(SoakWorld.epoch)
        var now: Date { current.withLock { $0 } }
        func set(_ date: Date) { current.withLock { $0 = date } }
    }

    init(tree: SourceTree, seed: UInt64) async throws {
        self.seed = seed
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = try RepoFiles.read(directory: tree.exampleRepo)
        clusters = RepoLoader.load(files: files).clusters
        try BenchRepo.seedBare(
            at: folder.appendingPathComponent("app-repo.git").path, files: files, message: "Factory apps\n",
            author: GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Self.epoch))
        daemon = try GitDaemon(baseDirectory: folder.path)
        let repoURL = daemon.url(repository: "app-repo.git")
        human = try GitRepository.openCache(at: folder.appendingPathComponent("human").path, remoteURL: repoURL)

        let kubeconfig = folder.appendingPathComponent("hub.kubeconfig").path
        hubProcess = Process()
        hubProcess.executableURL = URL(fileURLWithPath: try Self.ownExecutable())
        hubProcess.arguments = [
            "hub", "--port", "0", "--kubeconfig", kubeconfig, "--clusters-from", tree.exampleRepo,
            "--agent-delay", "10ms", "--log-level", "error",
        ]
        hubProcess.standardOutput = FileHandle.nullDevice
        hubProcess.standardError = FileHandle.nullDevice
        try hubProcess.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: kubeconfig) {
            guard Date() < deadline, hubProcess.isRunning else {
                throw CommandFailure("the EdgeSim hub child did not start (placer-lab hub)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(200))  // the kubeconfig is written whole, then the hub serves
        let config = try Kubeconfig.load(path: kubeconfig)
        client = try KubeClient(kubeconfig: config, fieldManager: "placer")
        driver = try KubeClient(kubeconfig: config, fieldManager: "soak-driver")

        let clock = SimulatedClock()
        self.clock = clock
        var configuration = ReconcilerConfiguration(
            repoURL: repoURL, branch: "main", cacheDirectory: folder.appendingPathComponent("cache").path,
            presets: ReconcilerConfiguration.loadPresets(from: tree.presetsDirectory), statusWaitSeconds: 2,
            decisionNamespace: "placer")
        configuration.now = { clock.now }
        configuration.logsInputErrors = false
        let watcher = ClusterInventoryWatcher(hub: client)
        self.watcher = watcher
        watcherTask = Task { try? await watcher.run() }
        // Telemetry without Prometheus: the hub's AddOnPlacementScores are the live load, so every pass decides.
        let telemetry = TelemetryCollector(configuration: TelemetryConfiguration(), prometheus: nil)
        reconciler = try Reconciler(
            configuration: configuration, hub: client, inventoryWatcher: watcher, telemetry: telemetry)
        for cluster in clusters {
            _ = try await driver.apply(
                .addOnPlacementScore, namespace: cluster.name, name: TelemetryConfiguration().hubScoreResource,
                body: try Self.json([
                    "apiVersion": ResourceKind.addOnPlacementScore.apiVersion,
                    "kind": ResourceKind.addOnPlacementScore.kind,
                    "metadata": [
                        "name": TelemetryConfiguration().hubScoreResource, "namespace": cluster.name,
                    ],
                ]), force: true)
            available[cluster.name] = true
        }
    }

    /// This executable (through /proc/self/exe), to start `placer-lab hub` from.
    static func ownExecutable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        if let path = Bundle.main.executablePath { return path }
        throw CommandFailure("cannot find the placer-lab executable")
    }

    static func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The share (0...1) of `cluster`'s cpu in use at `minute` of the replayed week: the agv-factory shift plan
    /// (AGVs per hall, ramps between shifts), night batch work in the data centre and the cloud, and ±5 %
    /// deterministic noise.
    func utilisation(_ cluster: ClusterSpec, minute: Int) -> Double {
        let minuteOfDay = minute % 1440
        let halls = ["hall-1", "hall-2", "hall-3"]
        let night = minuteOfDay >= 22 * 60 || minuteOfDay < 6 * 60
        let base: Double
        if halls.contains(cluster.zone) {
            base = 0.15 + 0.7 * AGVFactoryScenario.agvShare(cluster.zone, minuteOfDay: minuteOfDay)
        } else {
            let mean = halls.map { AGVFactoryScenario.agvShare($0, minuteOfDay: minuteOfDay) }.reduce(0, +) / 3
            base = 0.25 + 0.35 * mean + (night ? 0.25 : 0)
        }
        var noise = SplitMix64(seed: seed ^ UInt64(minute) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(cluster.name.count))
        let jitter = 0.05 * (Double(noise.next() % 2001) / 1000 - 1)
        return min(0.98, max(0.02, base + jitter))
    }

    /// Replays `minute` (minutes since ``epoch``): load, outages and a push when one is due, then one reconcile.
    /// - Returns: the placement commit the reconcile pushed, if any.
    func step(minute: Int, pushEveryMinutes: Int) async throws -> String? {
        let now = Self.epoch.addingTimeInterval(Double(minute) * 60)
        clock.set(now)
        let minuteOfDay = minute % 1440
        let outage = AGVFactoryScenario.outage
        for cluster in clusters {
            let up =
                !(cluster.name == outage.cluster
                && (outage.fromMinuteOfDay..<outage.toMinuteOfDay).contains(
                    minuteOfDay))
            if available[cluster.name] != up {
                // The reconcile must see the change (as two worlds must): wait for the watch to deliver it.
                let seen = await watcher.currentGeneration()
                try await setAvailable(cluster.name, up, now: now)
                available[cluster.name] = up
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.watcher.waitForChange(after: seen) }
                    group.addTask { try? await Task.sleep(for: .seconds(10)) }
                    await group.next()
                    group.cancelAll()
                }
            }
            let free = 1 - utilisation(cluster, minute: minute)
            let score = Int((free * 200 - 100).rounded())
            let configuration = TelemetryConfiguration()
            _ = try await driver.applyStatus(
                .addOnPlacementScore, namespace: cluster.name, name: configuration.hubScoreResource,
                body: try Self.json([
                    "apiVersion": ResourceKind.addOnPlacementScore.apiVersion,
                    "kind": ResourceKind.addOnPlacementScore.kind,
                    "metadata": ["name": configuration.hubScoreResource, "namespace": cluster.name],
                    "status": [
                        "scores": [
                            ["name": configuration.hubCPUAvailableScore, "value": score],
                            ["name": configuration.hubMemoryAvailableScore, "value": score],
                        ],
                        "validUntil": Self.time(now.addingTimeInterval(3600)),
                    ] as [String: Any],
                ]), force: true)
        }
        if minute > 0, minute % pushEveryMinutes == 0 { try humanPush(now: now) }
        return try await reconciler.reconcileOnce().commit
    }

    /// A human push over git://: even pushes move the digital twin near the halls or back, odd ones edit a
    /// comment in the fleet manager (new inputs, no move).
    func humanPush(now: Date) throws {
        pushes += 1
        guard let tip = try human.fetch(branch: "main") else { throw CommandFailure("the app repo has no main") }
        let files = try human.files(at: tip)
        let signature = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: now)
        var changes: [String: Data?] = [:]
        if pushes % 2 == 0 {
            let path = "apps/digital-twin/app.yaml"
            let text = String(decoding: files[path]?.data ?? Data(), as: UTF8.self)
            let near = text.contains("nwlatency: \"10\"")
            changes[path] = Data(
                (near
                    ? text.replacingOccurrences(of: "nwlatency: \"10\"", with: "nwlatency: \"100\"")
                    : text.replacingOccurrences(of: "nwlatency: \"100\"", with: "nwlatency: \"10\"")).utf8)
        } else {
            let path = "apps/fleet-manager/app.yaml"
            var lines = String(decoding: files[path]?.data ?? Data(), as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false
            ).map(String.init)
            lines.removeAll { $0.hasPrefix("# soak push") }
            lines.insert("# soak push \(pushes)", at: 0)
            changes[path] = Data(lines.joined(separator: "\n").utf8)
        }
        guard
            let commit = try human.commit(
                parent: tip, changes: changes, author: signature, committer: signature,
                message: "soak push \(pushes)\n")
        else { return }
        try human.push(commit, toBranch: "main")
    }

    func setAvailable(_ cluster: String, _ up: Bool, now: Date) async throws {
        _ = try await driver.applyStatus(
            .managedCluster, namespace: nil, name: cluster,
            body: try Self.json([
                "apiVersion": ResourceKind.managedCluster.apiVersion, "kind": ResourceKind.managedCluster.kind,
                "metadata": ["name": cluster],
                "status": [
                    "conditions": [
                        [
                            "type": "ManagedClusterConditionAvailable", "status": up ? "True" : "False",
                            "reason": up ? "ManagedClusterAvailable" : "ManagedClusterKubeAPIServerUnavailable",
                            "message": up ? "Managed cluster is available" : "Managed cluster is not available",
                            "lastTransitionTime": Self.time(now),
                        ]
                    ]
                ],
            ]), force: true)
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    func finish() async {
        watcherTask.cancel()
        await watcherTask.value
        if hubProcess.isRunning {
            kill(hubProcess.processIdentifier, SIGKILL)
            hubProcess.waitUntilExit()
        }
        try? await client.shutdown()
        try? await driver.shutdown()
        daemon.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// This process's resident memory, open file descriptors and threads, read from /proc/self.
struct ProcessSample: Codable, Sendable {
    var reconciles: Int
    var simulatedMinutes: Int
    var rssMegabytes: Double
    var openFileDescriptors: Int
    var threads: Int

    static func take(reconciles: Int, minute: Int) -> ProcessSample {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
        }
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        return ProcessSample(
            reconciles: reconciles, simulatedMinutes: minute, rssMegabytes: field("VmRSS") / 1024,
            openFileDescriptors: fds, threads: Int(field("Threads")))
    }
}
