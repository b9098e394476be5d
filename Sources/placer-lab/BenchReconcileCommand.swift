import AppModel
import ArgumentParser
import EdgeSim
import Foundation
import GitStore
import PlacerCLI
import Reconciler

/// `placer-lab bench reconcile`: the planning side of a reconcile at fleet scale, incremental against full passes.
///
/// Generates an app repo of `--apps` CodecoApps (example-repo's fleet manager, renamed) over `--clusters` clusters
/// (example-repo's factory data centre, renamed) in a bare repo behind a real `git daemon`, then runs the real
/// ``Reconciler`` without a hub (fetch, load, observe the inventory, decide, render, commit, push) twice, each on its
/// own copy of the repo and its own cache: once incremental (`--full-pass-interval`, 1 h by default: parsed apps and
/// rendered ManifestWorks kept between reconciles) and once with every reconcile a full pass (what every reconcile
/// did before the incremental path). Per mode it times the cold reconcile, `--polls` reconciles with nothing
/// changed, and one human edit of one app's cpu request followed by its reconcile; wall time and this process's
/// CPU time (getrusage), resident memory after the run. The hub's side (informer caches, apply, drift, status) is
/// `placer-lab bench scale`'s.
struct ReconcileBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Cold, unchanged-poll and one-app-edit reconcile cost at fleet scale, incremental vs full passes.")

    @Option(help: "Apps in the generated repo.")
    var apps = 1_000

    @Option(help: "Clusters in the generated inventory (clusters/*.yaml).")
    var clusters = 100

    @Option(help: "Reconciles with nothing changed, per mode; the median counts.")
    var polls = 5

    @Option(help: "Working folder (default: a new temporary folder, removed afterwards).")
    var workdir: String?

    @Flag(help: "Print JSON instead of the table.")
    var json = false

    func validate() throws {
        guard apps > 0, clusters > 0, polls > 0 else {
            throw ValidationError("--apps, --clusters and --polls must be positive")
        }
    }

    func run() async throws {
        BenchRun.bootstrapLogging(level: .warning)
        let folder = try BenchRun.folder(workdir: workdir, name: "placer-bench-reconcile")
        defer { BenchRun.removeTemporary(folder, workdir: workdir) }
        guard let tree = SourceTree.locate() else {
            throw CommandFailure("cannot find Placer's source tree (example-repo)")
        }
        let files = try Self.generate(apps: apps, clusters: clusters, exampleRepo: tree.exampleRepo)
        let presets = ReconcilerConfiguration.loadPresets(from: tree.presetsDirectory)
        let daemon = try GitDaemon(baseDirectory: folder.path)
        defer { daemon.stop() }
        var rows: [ReconcileRow] = []
        for (mode, interval) in [("incremental", 3600.0), ("full every pass", 0.0)] {
            let name = mode == "incremental" ? "incremental" : "full"
            let human = BenchRepo.human
            try BenchRepo.seedBare(
                at: folder.appendingPathComponent("\(name).git").path, files: files,
                message: "\(apps) apps over \(clusters) clusters\n", author: human)
            var configuration = ReconcilerConfiguration(
                repoURL: daemon.url(repository: "\(name).git"), branch: "main",
                cacheDirectory: folder.appendingPathComponent("\(name)-cache").path, presets: presets)
            configuration.logsInputErrors = false
            configuration.fullPassIntervalSeconds = interval
            let reconciler = try Reconciler(configuration: configuration, hub: nil)
            let cold = try await Self.measure { _ = try await reconciler.reconcileOnce() }
            var idle: [Measurement] = []
            for _ in 0..<polls { idle.append(try await Self.measure { _ = try await reconciler.reconcileOnce() }) }
            // A human edits one app's cpu request; the next reconcile decides and commits it.
            let editor = try GitRepository.openCache(
                at: folder.appendingPathComponent("\(name)-human").path, remoteURL: configuration.repoURL)
            guard let tip = try editor.fetch(branch: "main") else { throw CommandFailure("no main") }
            let path = "apps/app-00042/app.yaml"
            let text = String(decoding: try editor.files(at: tip, under: [path])[path]?.data ?? Data(), as: UTF8.self)
            guard
                let commit = try editor.commit(
                    parent: tip,
                    changes: [path: Data(text.replacingOccurrences(of: "cpu: \"1.5\"", with: "cpu: \"1.25\"").utf8)],
                    author: human, committer: human, message: "app-00042 needs less cpu\n")
            else { throw CommandFailure("the edit changed nothing") }
            try editor.push(commit, toBranch: "main")
            var committed = false
            let edit = try await Self.measure { committed = try await reconciler.reconcileOnce().commit != nil }
            if !committed { Console.print("note (\(mode)): the one-app edit made no placement commit") }
            let after = try await Self.measure { _ = try await reconciler.reconcileOnce() }
            rows.append(
                ReconcileRow(
                    mode: mode, apps: apps, clusters: clusters, coldSeconds: cold.wall, coldCPUSeconds: cold.cpu,
                    idleSeconds: BenchRun.median(idle.map(\.wall)), idleCPUSeconds: BenchRun.median(idle.map(\.cpu)),
                    editSeconds: edit.wall, editCPUSeconds: edit.cpu, afterEditIdleSeconds: after.wall,
                    residentMebibytes: Memory.residentBytes() / 1_048_576))
        }
        if json {
            try BenchRun.printJSON(rows)
            return
        }
        Console.print("placer-lab bench reconcile --apps \(apps) --clusters \(clusters) --polls \(polls)")
        Console.print(ReconcileRow.header)
        for row in rows { Console.print(row.line) }
    }

    /// The generated repo: example-repo's policies, `clusters` copies of its factory data centre and `apps` copies of
    /// its fleet manager (each 2 cores, 4 GiB).
    static func generate(apps: Int, clusters: Int, exampleRepo: String) throws -> [String: Data] {
        let example = try RepoFiles.read(directory: exampleRepo)
        guard let app = example["apps/fleet-manager/app.yaml"].map({ String(decoding: $0, as: UTF8.self) }),
            let cluster = example["clusters/factory-dc.yaml"].map({ String(decoding: $0, as: UTF8.self) })
        else { throw CommandFailure("example-repo lacks apps/fleet-manager/app.yaml or clusters/factory-dc.yaml") }
        var files = example.filter { $0.key.hasPrefix(RepoLayout.policiesDirectory + "/") }
        for index in 0..<clusters {
            let name = String(format: "cluster-%03d", index)
            files["clusters/\(name).yaml"] = Data(
                cluster.replacingOccurrences(of: "name: factory-dc", with: "name: \(name)").utf8)
        }
        return files.merging(BenchRepo.apps(apps) { app.replacingOccurrences(of: "fleet-manager", with: $0) }) { $1 }
    }

    /// One timed step: wall-clock and CPU seconds.
    struct Measurement {
        /// Wall-clock seconds (monotonic).
        var wall: Double
        /// CPU seconds of this process, user + system.
        var cpu: Double
    }

    /// Wall and CPU seconds (user + system, this process) of `body`.
    static func measure(_ body: () async throws -> Void) async throws -> Measurement {
        let wall = DispatchTime.now().uptimeNanoseconds
        let cpu = cpuSeconds()
        try await body()
        return Measurement(
            wall: Double(DispatchTime.now().uptimeNanoseconds - wall) / 1e9, cpu: cpuSeconds() - cpu)
    }

    /// This process's CPU seconds so far, user + system (getrusage(RUSAGE_SELF)).
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// One mode of `placer-lab bench reconcile`.
struct ReconcileRow: Encodable {
    var mode: String
    var apps: Int
    var clusters: Int
    var coldSeconds: Double
    var coldCPUSeconds: Double
    var idleSeconds: Double
    var idleCPUSeconds: Double
    var editSeconds: Double
    var editCPUSeconds: Double
    var afterEditIdleSeconds: Double
    var residentMebibytes: Double

    static let header =
        "mode               apps  clusters   cold (wall/cpu)     unchanged poll (wall/cpu)   one-app edit (wall/cpu)   RSS"

    var line: String {
        mode.padding(toLength: 16, withPad: " ", startingAt: 0)
            + String(
                format: "%6d %9d   %6.3f / %6.3f s   %8.4f / %8.4f s       %6.3f / %6.3f s     %4.0f MiB", apps,
                clusters, coldSeconds, coldCPUSeconds, idleSeconds, idleCPUSeconds, editSeconds, editCPUSeconds,
                residentMebibytes)
    }
}
