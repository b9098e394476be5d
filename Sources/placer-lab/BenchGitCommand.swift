import AppModel
import ArgumentParser
import EdgeSim
import Foundation
import GitStore
import PlacerCLI

/// `placer-lab bench git`: Git costs at fleet scale, over a real `git daemon` on 127.0.0.1.
///
/// Builds an app repo of `--apps` CodecoApps (the fleet manager of example-repo, renamed), then times what a
/// reconcile does with Git: the first fetch into Placer's bare cache, reading the whole tree, loading the apps,
/// committing a placement for every app (one `placements/` and one `rendered/` file each) and pushing it, and
/// then the steady state: fetching one human commit and committing and pushing one app's new placement.
struct GitBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git",
        abstract: "Fetch, tree read, commit and push times for an app repo of --apps apps, over git daemon.")

    @Option(help: "Apps in the generated repo.")
    var apps = 10_000

    @Option(help: "Runs of the one-app steps; the median counts.")
    var runs = 5

    @Option(help: "Working folder (default: a new temporary folder, removed afterwards).")
    var workdir: String?

    @Option(help: "Push-to-apply runs through the webhook on the demo repo (0 skips them).")
    var applyRuns = 10

    func run() async throws {
        BenchRun.bootstrapLogging(level: .warning)
        let folder = try BenchRun.folder(workdir: workdir, name: "placer-bench-git")
        defer { BenchRun.removeTemporary(folder, workdir: workdir) }
        guard let tree = SourceTree.locate() else {
            throw CommandFailure("cannot find Placer's source tree (example-repo)")
        }
        let example = try RepoFiles.read(directory: tree.root.appendingPathComponent("example-repo").path)
        guard let template = example["apps/fleet-manager/app.yaml"].map({ String(decoding: $0, as: UTF8.self) }) else {
            throw CommandFailure("example-repo/apps/fleet-manager/app.yaml is missing")
        }

        let files = example.filter { !$0.key.hasPrefix("apps/") && !RepoLayout.isOutput($0.key) }
            .merging(BenchRepo.apps(apps) { template.replacingOccurrences(of: "fleet-manager", with: $0) }) { $1 }
        let inputBytes = files.values.reduce(0) { $0 + $1.count }
        let human = BenchRepo.human
        let bare = try GitRepository.initBare(at: folder.appendingPathComponent("apps.git").path)
        let seedTime = try timed {
            _ = try bare.commit(
                parent: nil, changes: files.mapValues { Optional($0) }, author: human, committer: human,
                message: "\(apps) apps\n", updateRef: "refs/heads/main")
        }
        try bare.setHead(branch: "main")
        let daemon = try GitDaemon(baseDirectory: folder.path)
        defer { daemon.stop() }
        let url = daemon.url(repository: "apps.git")
        let cache = try GitRepository.openCache(at: folder.appendingPathComponent("cache").path, remoteURL: url)

        var rows: [(String, Double, String)] = []
        rows.append(
            ("seed commit (bench setup, not Placer)", seedTime, "\(files.count) files, \(inputBytes / 1000) kB"))
        var tip: ObjectID?
        rows.append(("first fetch into the cache", try timed { tip = try cache.fetch(branch: "main") }, url))
        guard let tip else { throw CommandFailure("the generated repo has no main") }
        var treeFiles: [String: TreeFile] = [:]
        rows.append(
            ("read the whole tree", try timed { treeFiles = try cache.files(at: tip) }, "\(treeFiles.count) files"))
        var snapshot: RepoSnapshot?
        rows.append(
            (
                "load apps (YAML, CodecoApp)",
                try timed {
                    snapshot = RepoLoader.load(files: treeFiles.mapValues(\.data))
                }, "\(snapshot?.apps.count ?? 0) valid apps"
            ))
        let clusters = (snapshot?.clusters ?? []).map(\.name)
        guard let snapshot, !clusters.isEmpty else { throw CommandFailure("the generated repo has no clusters") }

        var placements: [String: Data?] = [:]
        let render = try timed {
            for (index, app) in snapshot.apps.enumerated() {
                let cluster = clusters[index % clusters.count]
                let record = PlacementRecord(
                    app: app.name, cluster: cluster, qosClass: app.qosClass, decisionID: String(format: "%016x", index),
                    reasons: ["bench placement"], candidates: [], rejected: [], cpuCores: app.cpuCores,
                    memoryBytes: app.memoryBytes)
                placements[RepoLayout.placementPath(app: app.name)] = Data(
                    try YAMLRenderer.render(record.toValue()).utf8)
                let work = ManifestBuilder.manifestWork(app: app, cluster: cluster, decisionID: record.decisionID)
                placements[RepoLayout.renderedPath(cluster: cluster, app: app.name)] = Data(
                    try YAMLRenderer.render(work).utf8)
            }
        }
        rows.append(("render placements and ManifestWorks", render, "\(placements.count) files"))
        let placer = GitSignature(name: "Placer", email: "placer@placer.dev", date: Date())
        var commit: ObjectID?
        rows.append(
            (
                "commit every app's placement",
                try timed {
                    commit = try cache.commit(
                        parent: tip, changes: placements, author: placer, committer: placer,
                        message: "placer: place \(apps) apps\n")
                }, "\(placements.count) files changed"
            ))
        guard let commit else { throw CommandFailure("the placement commit changed nothing") }
        rows.append(("push it", try timed { try cache.push(commit, toBranch: "main") }, "non-forcing"))

        // Steady state: one human commit arrives, one app moves.
        let humanClone = try GitRepository.openCache(at: folder.appendingPathComponent("human").path, remoteURL: url)
        var fetchOne: [Double] = []
        var commitOne: [Double] = []
        var pushOne: [Double] = []
        for run in 0..<max(1, runs) {
            guard let humanTip = try humanClone.fetch(branch: "main"),
                let edit = try humanClone.commit(
                    parent: humanTip, changes: ["apps/app-00000/NOTES.md": Data("note \(run)\n".utf8)], author: human,
                    committer: human, message: "note \(run)\n")
            else { throw CommandFailure("human commit failed") }
            try humanClone.push(edit, toBranch: "main")
            var fetched: ObjectID?
            fetchOne.append(try timed { fetched = try cache.fetch(branch: "main") })
            guard let fetched else { throw CommandFailure("fetch lost main") }
            let cluster = clusters[(run + 1) % clusters.count]
            let path = RepoLayout.placementPath(app: "app-00000")
            var next: ObjectID?
            commitOne.append(
                try timed {
                    next = try cache.commit(
                        parent: fetched, changes: [path: Data("moved to \(cluster) \(run)\n".utf8)], author: placer,
                        committer: placer,
                        message: "placer: move app-00000\n")
                })
            guard let next else { throw CommandFailure("one-app commit changed nothing") }
            pushOne.append(try timed { try cache.push(next, toBranch: "main") })
        }
        rows.append(("fetch one new commit (median)", BenchRun.median(fetchOne), "\(runs) runs"))
        rows.append(("commit one app's move (median)", BenchRun.median(commitOne), "\(runs) runs"))
        rows.append(("push it (median)", BenchRun.median(pushOne), "\(runs) runs"))

        if applyRuns > 0 {
            let latencies = try await PushToApplyBench.measure(
                runs: applyRuns, exampleRepo: tree.exampleRepo, presets: tree.presetsDirectory,
                folder: folder.appendingPathComponent("push-to-apply"))
            let sorted = latencies.sorted()
            rows.append(
                (
                    "push → webhook → commit → apply (median)", BenchRun.median(latencies),
                    "demo repo, \(latencies.count) image updates of the digital twin"
                ))
            rows.append(
                (
                    "push → webhook → commit → apply (max)", sorted.last ?? 0,
                    "poll interval 1 h: only the webhook triggers"
                ))
        }
        Console.print("placer-lab bench git --apps \(apps) --runs \(runs) --apply-runs \(applyRuns)")
        Console.print("| step | time (ms) | notes |")
        Console.print("|---|---:|---|")
        for (step, seconds, notes) in rows {
            Console.print("| \(step) | \(String(format: "%.1f", seconds * 1000)) | \(notes) |")
        }
    }

    private func timed(_ body: () throws -> Void) throws -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
