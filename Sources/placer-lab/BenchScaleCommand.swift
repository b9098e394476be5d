import AppModel
import ArgumentParser
import AsyncHTTPClient
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
import Synchronization

/// `placer-lab bench scale`: the real reconcile loop at fleet scale against the emulated hub (issue 15).
///
/// Generates an app repo of `--apps` CodecoApps over `--clusters` EdgeClusters behind a real `git daemon`, seeds an
/// HTTPS EdgeSim hub in a child process (``ScaleHub``: `placer-lab hub`) with the ManagedClusters, and runs
/// Placer's reconciler over its informer caches (``HubCache``) in this process. It prints, beside the floor
/// measured in the same run (`git clone` of the repo and libyaml's raw event parse of the same bytes): the cold
/// reconcile and its sub-steps, idle cycles (time and hub requests, counted by the hub per verb and resource),
/// push → ManifestWork changed through the webhook and through polling (each through a ``ReconcileService`` loop),
/// and the daemon's RSS (this process's; the hub's is printed apart).
struct ScaleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Cold reconcile, idle cycles, push-to-apply and RSS of the daemon at --apps × --clusters.")

    @Option(help: "Apps in the generated repo.")
    var apps = 1_000

    @Option(help: "Clusters in the generated inventory (and ManagedClusters on the hub).")
    var clusters = 100

    @Option(help: "Idle reconciles timed after the cold one (the daemon's RSS is read after them).")
    var idleCycles = 8

    @Option(help: "Push-to-apply runs, each through the webhook and through polling.")
    var pushRuns = 3

    @Option(help: "Poll interval of the poll-only push runs, in seconds.")
    var pollInterval = 2.0

    @Option(help: "Longest wait for one push to be applied (or for a loop's pass), in seconds.")
    var pushTimeout = 600.0

    @Option(help: "The most hub writes in flight at once while applying (`placer run --hub-writes`; 1: one at a time).")
    var hubWrites = 16

    @Option(help: "Working folder (default: a new temporary folder, removed afterwards).")
    var workdir: String?

    @Flag(
        help:
            "Explain every decision of every reconcile in full, as before incremental passes explained only the decisions whose record they rewrite (for the before/after figure)."
    )
    var explainEveryDecision = false

    @Flag(
        help:
            "Never give malloc's freed memory back after a reconcile (as before the heap trim; for the before/after RSS figure)."
    )
    var noHeapTrim = false

    func run() async throws {
        BenchRun.bootstrapLogging(level: .error)
        let folder = try BenchRun.folder(workdir: workdir, name: "placer-bench-scale")
        defer { BenchRun.removeTemporary(folder, workdir: workdir) }
        guard let tree = SourceTree.locate() else {
            throw CommandFailure("cannot find Placer's source tree (example-repo)")
        }
        var rows = Rows()
        let files = try Self.generate(apps: apps, clusters: clusters, example: tree.exampleRepo)
        let inputBytes = files.values.reduce(0) { $0 + $1.count }
        try BenchRepo.seedBare(
            at: folder.appendingPathComponent("apps.git").path, files: files,
            message: "\(apps) apps over \(clusters) clusters\n", author: BenchRepo.human)
        let daemon = try GitDaemon(baseDirectory: folder.path)
        defer { daemon.stop() }
        let url = daemon.url(repository: "apps.git")

        // The floor: what any GitOps tool pays for these bytes.
        let clone = try Self.secondsSync {
            let result = try Self.shell(
                "/usr/bin/git", ["clone", "--quiet", "--bare", url, folder.appendingPathComponent("floor.git").path])
            guard result == 0 else { throw CommandFailure("git clone failed (\(result))") }
        }
        var events = 0
        let rawParse = try Self.secondsSync {
            for (path, data) in files where path.hasSuffix(".yaml") { events += try YAMLBench.rawEventCount(data) }
        }
        let floor = clone + rawParse
        rows.append(("floor: git clone", Self.ms(clone), "\(files.count) files, \(inputBytes / 1000) kB"))
        rows.append(("floor: libyaml raw parse of the same bytes", Self.ms(rawParse), "\(events) events"))

        // The hub, in a child process (`placer-lab hub`): HTTPS, the ManagedClusters seeded. This process's memory
        // is then the daemon's (and the bench's small driver), the child's the hub's.
        let clustersFolder = folder.appendingPathComponent("inventory")
        try FileManager.default.createDirectory(
            at: clustersFolder.appendingPathComponent("clusters"), withIntermediateDirectories: true)
        for (path, data) in files where path.hasPrefix("clusters/") {
            try data.write(to: clustersFolder.appendingPathComponent(path))
        }
        let hub = try await ScaleHub(folder: folder, clustersFrom: clustersFolder.path, agentDelayMilliseconds: 50)
        defer { hub.stop() }
        let kubeconfig = hub.kubeconfig
        let baselineRSS = Self.memory()

        let client = try KubeClient(
            kubeconfig: try Kubeconfig.load(path: kubeconfig), fieldManager: "placer",
            maxConnections: max(32, hubWrites + 16))
        var configuration = ReconcilerConfiguration(
            repoURL: url, branch: "main", cacheDirectory: folder.appendingPathComponent("cache").path,
            presets: ReconcilerConfiguration.loadPresets(from: tree.presetsDirectory), decisionNamespace: "placer")
        configuration.statusWaitSeconds = 30
        configuration.hubWriteConcurrency = max(hubWrites, 1)
        configuration.explainsEveryDecision = explainEveryDecision
        if noHeapTrim { configuration.heapTrimThresholdBytes = nil }
        let cache = HubCache(client: client, configuration: configuration)
        let caching = Task { try await cache.hub.run() }
        defer { caching.cancel() }
        let syncStart = ContinuousClock.now
        await cache.hub.waitUntilSynced()
        rows.append(("informer caches synced (empty hub)", Self.ms(ContinuousClock.now - syncStart), "5 LISTs"))
        let reconciler = try Reconciler(configuration: configuration, hub: cache.hub)

        // Cold: fetch → applied (every ManifestWork written and reported Available).
        var before = try await hub.requests()
        var report: ReconcileReport?
        let (daemonCPU, hubCPU) = (Self.cpuSeconds(ofStat: "/proc/self/stat"), hub.cpuSeconds())
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3)
        let cold = try await Self.seconds { report = try await reconciler.reconcileOnce() }
        let coldCPU = (Self.cpuSeconds(ofStat: "/proc/self/stat") - daemonCPU, hub.cpuSeconds() - hubCPU)
        let coldRequests = ScaleHub.since(before, try await hub.requests())
        rows.append(
            (
                "cold reconcile (fetch → applied)", Self.ms(cold),
                String(
                    format: "%.1f × floor; %d works applied; %d hub requests", cold / floor,
                    report?.applied.count ?? 0, coldRequests.values.reduce(0, +))
            ))
        for (step, seconds) in await reconciler.lastStepDurations() {
            rows.append(("  cold: \(step)", Self.ms(seconds), ""))
        }
        rows.append(
            (
                "  cold: CPU time, daemon / hub child", String(format: "%.1f s / %.1f s", coldCPU.0, coldCPU.1),
                "of \(String(format: "%.1f", cold)) s wall; load average before: "
                    + (load?.joined(separator: " ") ?? "?")
            ))
        for (phase, seconds) in await reconciler.lastApplyPhases() {
            rows.append(("    cold apply: \(phase)", Self.ms(seconds), "at most \(hubWrites) hub writes in flight"))
        }
        let coldRSS = Self.memory()
        _ = try await reconciler.reconcileOnce()  // settles status written after the first pass

        // Idle: nothing changed.
        var idleTimes: [Double] = []
        var idleRequests: [Int] = []
        var idleDetail: [String: Int] = [:]
        for _ in 0..<max(1, idleCycles) {
            before = try await hub.requests()
            idleTimes.append(try await Self.seconds { _ = try await reconciler.reconcileOnce() })
            let sent = ScaleHub.since(before, try await hub.requests())
            idleRequests.append(sent.values.reduce(0, +))
            idleDetail.merge(sent, uniquingKeysWith: +)
        }
        let idleSteps = await reconciler.lastStepDurations().map { "\($0.step) \(Self.ms($0.seconds))" }
        rows.append(
            (
                "idle cycle (median of \(idleTimes.count))", Self.ms(BenchRun.median(idleTimes)),
                "last: " + idleSteps.joined(separator: ", ")
            ))
        rows.append(
            (
                "hub requests per idle cycle (max)", "\(idleRequests.max() ?? 0)",
                idleDetail.isEmpty
                    ? "watches stay open: \(cache.hub.informers.count)"
                    : Self.describe(idleDetail)
            ))
        let idleRSS = Self.memory()
        let idleHub = hub.memory()
        // Where the resident memory is: malloc's live heap against what it keeps freed in its arenas, and what one
        // more trim would give back (0 when the reconciler already trimmed).
        if let heap = HeapMemory.statistics() {
            rows.append(
                (
                    "malloc after the idle cycles: live / freed but kept",
                    "\(heap.inUse >> 20) / \(heap.free >> 20) MiB",
                    "mallinfo2; arenas \(heap.arenas >> 20) MiB, mmapped blocks \(heap.mapped >> 20) MiB; "
                        + "\(await reconciler.heapTrims()) trims after reconciles so far"
                ))
        }
        var trimmedRSS = 0
        let trimTime = try Self.secondsSync {
            HeapMemory.trim()
            trimmedRSS = Self.memory().rss
        }
        rows.append(
            (
                "  RSS after one more malloc_trim(0)", "\(trimmedRSS / 1024) MiB",
                "was \(idleRSS.rss / 1024) MiB; the trim took \(Self.ms(trimTime)) ms"
            ))

        // Push → ManifestWork changed, each through a daemon loop as `placer run` wires it.
        let target = "app-00000"
        // Its cluster from the daemon's view, then its work by one GET: listing and decoding every ManifestWork here
        // (tens of MiB at 1,000 apps) would count in the daemon's peak RSS, which is this process's.
        guard let cluster = await reconciler.consoleView()?.decisions[target]?.cluster,
            try await client.get(.manifestWork, namespace: cluster, name: target) != nil
        else { throw CommandFailure("\(target) has no ManifestWork after the cold reconcile") }
        let humanClone = try GitRepository.openCache(at: folder.appendingPathComponent("human").path, remoteURL: url)
        let webhook = try await Self.pushRuns(
            runs: pushRuns, tag: "3", webhook: true, intervalSeconds: 3600, timeoutSeconds: pushTimeout,
            reconciler: reconciler, configuration: configuration, cache: cache, client: client, human: humanClone,
            cluster: cluster, app: target)
        rows.append(Self.pushRow("webhook", webhook, notes: "poll interval 1 h"))
        let polled = try await Self.pushRuns(
            runs: pushRuns, tag: "4", webhook: false, intervalSeconds: pollInterval, timeoutSeconds: pushTimeout,
            reconciler: reconciler, configuration: configuration, cache: cache, client: client, human: humanClone,
            cluster: cluster, app: target)
        rows.append(Self.pushRow("poll", polled, notes: "poll interval \(pollInterval) s, no webhook"))
        let peak = Self.memory()
        let hubPeak = hub.memory()
        rows.append(
            (
                "daemon RSS after the \(idleTimes.count + 2) reconciles above", "\(idleRSS.rss / 1024) MiB",
                "this process (the reconciler, its informer caches, libgit2; not the hub): "
                    + "\(baselineRSS.rss / 1024) MiB at start, \(coldRSS.rss / 1024) after cold"
            ))
        rows.append(
            (
                "daemon peak RSS (VmHWM)", "\(peak.hwm / 1024) MiB",
                "\(peak.rss / 1024) MiB at the end, after \(webhook.count + polled.count) pushes"
            ))
        rows.append(
            (
                "hub (child process) RSS, for reference", "\(idleHub.rss / 1024) MiB",
                "the EdgeSim hub's: peak \(hubPeak.hwm / 1024) MiB"
            ))
        caching.cancel()
        try? await client.shutdown()

        Console.print(
            "placer-lab bench scale --apps \(apps) --clusters \(clusters) --idle-cycles \(idleCycles) "
                + "--push-runs \(pushRuns) --poll-interval \(pollInterval) --hub-writes \(hubWrites)")
        Console.print("| figure | value (ms unless stated) | notes |")
        Console.print("|---|---:|---|")
        for (figure, value, notes) in rows.all { Console.print("| \(figure) | \(value) | \(notes) |") }
        Console.print("hub requests during the cold reconcile: \(Self.describe(coldRequests))")
    }

    /// The table's rows (figure, value, notes); each is also written to standard error as it is measured, so a run
    /// stopped part-way still shows what it measured.
    struct Rows {
        var all: [(String, String, String)] = []

        mutating func append(_ row: (String, String, String)) {
            all.append(row)
            FileHandle.standardError.write(Data("| \(row.0) | \(row.1) | \(row.2) |\n".utf8))
        }
    }

    /// A table row for push runs: the median latency, the max, and the sub-steps of the median run's reconcile.
    static func pushRow(_ how: String, _ runs: [PushRun], notes: String) -> (String, String, String) {
        let sorted = runs.sorted { $0.seconds < $1.seconds }
        let middle = sorted.isEmpty ? nil : sorted[(sorted.count - 1) / 2]
        let steps = middle?.steps.map { "\($0.step) \(ms($0.seconds))" }.joined(separator: ", ") ?? ""
        return (
            "push → ManifestWork changed, \(how) (median of \(runs.count))", ms(middle?.seconds ?? 0),
            "max \(ms(sorted.last?.seconds ?? 0)); \(notes); its reconcile: \(steps)"
        )
    }

    /// One push-to-apply run: the latency in seconds, and the sub-steps of the reconcile that applied it.
    struct PushRun {
        var seconds: Double
        var steps: [(step: String, seconds: Double)]
    }

    /// Push-to-apply runs of one daemon loop: each run edits the target app's image tag as a human, pushes it (and
    /// posts a GitHub push webhook when `webhook`), and stops the clock when the hub's ManifestWork carries it.
    ///
    /// The loop is a ``ReconcileService`` (with the webhook server and trigger when `webhook`), as `placer run`
    /// wires it; pushes start only once its first pass has finished, and each next one once the pass that applied
    /// the last has finished, so a run measures a push to an idle daemon.
    static func pushRuns(
        runs: Int, tag: String, webhook: Bool, intervalSeconds: Double, timeoutSeconds: Double,
        reconciler: Reconciler, configuration: ReconcilerConfiguration, cache: HubCache, client: KubeClient,
        human: GitRepository, cluster: String, app: String
    ) async throws -> [PushRun] {
        guard runs > 0 else { return [] }
        let secret = try WebhookSecret("bench-webhook-secret")
        let port = try FreePort.find()
        let trigger = ReconcileTrigger()
        cache.requestReconcileOnDrift(trigger)
        let readiness = ReadinessState()
        readiness.markReconciled()
        var quiet = Logger(label: "placer.bench")
        quiet.logLevel = .critical
        let passes = PassCount()
        let loop = ReconcileService(
            reconciler: reconciler, intervalSeconds: intervalSeconds, trigger: webhook ? trigger : nil, logger: quiet,
            onReport: { _ in passes.add() })
        var services: [any Service] = [loop]
        if webhook {
            services.append(
                DashboardServer(
                    configuration: DashboardConfiguration(
                        host: "127.0.0.1", port: port, secret: secret,
                        filter: WebhookFilter(configuration: configuration)),
                    trigger: trigger, isReady: { readiness.isReady }, logger: quiet))
        }
        let group = ServiceGroup(configuration: .init(services: services, logger: quiet))
        let running = Task { try await group.run() }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        func stop() async {
            running.cancel()
            _ = try? await running.value
            try? await http.shutdown()
        }
        do {
            if webhook { try await BenchWebhook.waitUntilHealthy(http: http, port: port, attempts: 200) }
            try await waitForPass(after: 0, passes: passes, timeoutSeconds: timeoutSeconds)
            var results: [PushRun] = []
            let path = "apps/\(app)/app.yaml"
            for run in 0..<runs {
                guard let tip = try human.fetch(branch: "main"),
                    let file = try human.files(at: tip, under: [path])[path]
                else { throw CommandFailure("\(path) is missing") }
                let text = String(decoding: file.data, as: UTF8.self)
                guard let range = text.range(of: #"/\#(app):[0-9.]+"#, options: .regularExpression) else {
                    throw CommandFailure("\(path) has no image tag")
                }
                let image = "/\(app):\(tag).\(run).0"
                let author = BenchRepo.human
                let edited = text.replacingCharacters(in: range, with: image)
                let passesBefore = passes.value
                let start = ContinuousClock.now
                guard
                    let commit = try human.commit(
                        parent: tip, changes: [path: Data(edited.utf8)], author: author, committer: author,
                        message: "\(app) \(image)\n")
                else { throw CommandFailure("the edit changed nothing") }
                try human.push(commit, toBranch: "main")
                if webhook {
                    try await BenchWebhook.postPush(
                        http: http, port: port, secret: secret, before: tip, after: commit, modified: path,
                        message: "bench", author: author)
                }
                var applied = false
                let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
                while ContinuousClock.now < deadline {
                    if let data = try await client.get(.manifestWork, namespace: cluster, name: app),
                        String(decoding: data, as: UTF8.self).contains(image)
                    {
                        applied = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
                guard applied else {
                    throw CommandFailure(
                        "run \(run): the change was not applied within \(Int(timeoutSeconds)) s (--push-timeout)")
                }
                let elapsed = BenchRun.seconds(ContinuousClock.now - start)
                // The pass that applied it still reads status and publishes decisions: let it finish, so the next
                // push finds the daemon idle and its sub-steps can be read.
                try await waitForPass(after: passesBefore, passes: passes, timeoutSeconds: timeoutSeconds)
                results.append(PushRun(seconds: elapsed, steps: await reconciler.lastStepDurations()))
                try await Task.sleep(for: .milliseconds(200))
            }
            await stop()
            return results
        } catch {
            await stop()
            throw error
        }
    }

    /// How many passes a loop has finished (its `onReport` counts them).
    final class PassCount: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func add() { count.withLock { $0 += 1 } }
    }

    /// Waits until the loop has reported more than `count` passes.
    /// - Throws: ``CommandFailure`` after `timeoutSeconds`.
    static func waitForPass(after count: Int, passes: PassCount, timeoutSeconds: Double) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        while passes.value <= count {
            guard ContinuousClock.now < deadline else {
                throw CommandFailure("the daemon loop finished no reconcile within \(Int(timeoutSeconds)) s")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The generated repo: example-repo's policy, `clusters` EdgeClusters in one site, and `apps` copies of the
    /// fleet manager (2 cores, 4 GiB each) whose users sit in that site, so every cluster is a candidate.
    static func generate(apps: Int, clusters: Int, example: String) throws -> [String: Data] {
        let exampleFiles = try RepoFiles.read(directory: example)
        guard let template = exampleFiles["apps/fleet-manager/app.yaml"].map({ String(decoding: $0, as: UTF8.self) })
        else { throw CommandFailure("example-repo/apps/fleet-manager/app.yaml is missing") }
        var files = exampleFiles.filter { $0.key.hasPrefix("policies/") }
        // Room for every app 1.5 times over, spread evenly.
        let cores = max(8, Int((Double(apps) * 2 * 1.5 / Double(max(1, clusters))).rounded(.up)))
        for index in 0..<clusters {
            let name = String(format: "edge-%04d", index)
            files["clusters/\(name).yaml"] = Data(
                """
                apiVersion: placer.dev/v1alpha1
                kind: EdgeCluster
                metadata:
                  name: \(name)
                  labels:
                    topology.kubernetes.io/zone: \(name)
                    placer.dev/site: plant-a
                    placer.dev/tier: edge
                    placer.dev/security-class: High
                    placer.dev/compliance-class: High
                spec:
                  zone: \(name)
                  allocatable:
                    cpu: "\(cores)"
                    memory: \(cores * 2)Gi
                  latencyMilliseconds:
                    plant: \(2 + index % 7)
                    \(name): 1
                  energyCostPerCoreHour: 0.0\(30 + index % 40)

                """.utf8)
        }
        let app = template.replacingOccurrences(
            of: "placer.dev/user-zones: hall-1,hall-2,hall-3", with: "placer.dev/user-zones: plant")
        // Object names carry the app's, so no two apps define the same object on a cluster.
        return files.merging(
            BenchRepo.apps(apps) { name in
                app.replacingOccurrences(of: "fleet-manager", with: name)
                    .replacingOccurrences(of: "fleet-api", with: "\(name)-api")
                    .replacingOccurrences(of: "order-db", with: "\(name)-db")
            }
        ) { $1 }
    }

    // MARK: Helpers

    /// Wall seconds `body` took (monotonic clock).
    static func seconds(_ body: () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await body()
        return BenchRun.seconds(ContinuousClock.now - start)
    }

    /// Wall seconds `body` took (monotonic clock), for synchronous work.
    static func secondsSync(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        return BenchRun.seconds(ContinuousClock.now - start)
    }

    /// `seconds` as milliseconds with one decimal, e.g. `12.3`.
    static func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1000) }

    /// `duration` as milliseconds with one decimal, e.g. `12.3`.
    static func ms(_ duration: Duration) -> String { ms(BenchRun.seconds(duration)) }

    /// Hub request counts (`verb resource`, e.g. `list manifestworks`, → requests) as `key count` pairs sorted by key,
    /// comma-separated.
    static func describe(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// This process's VmRSS and VmHWM (peak) from /proc/self/status, in KiB (0 where unreadable).
    static func memory() -> (rss: Int, hwm: Int) { memory(of: "/proc/self/status") }

    /// CPU time (utime + stime) of a process from its `/proc/PID/stat`, in seconds (0 where unreadable).
    static func cpuSeconds(ofStat statFile: String) -> Double {
        guard let text = try? String(contentsOfFile: statFile, encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }

    /// VmRSS and VmHWM (peak) from a `/proc/PID/status` file, in KiB (0 where unreadable).
    static func memory(of statusFile: String) -> (rss: Int, hwm: Int) {
        guard let text = try? String(contentsOfFile: statusFile, encoding: .utf8) else { return (0, 0) }
        func field(_ name: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Runs a program and waits for it; returns its exit status.
    static func shell(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
