import AppModel
import EdgeSim
import Foundation
import GitStore
import PDLC
import PlacerCore
import PlacerTestSupport
import Testing

@testable import Reconciler

/// The incremental path (parsed apps and rendered ManifestWorks kept between reconciles) against the full path
/// (every reconcile forgets them), on real Git: two bare repos behind `git daemon` receive the same seeded random
/// edits, one reconciler each; after every step both branch tips must be the same commit, so Placer's commits are
/// byte-identical (tree, message, parents, dates). A failure names the seed; `PLACER_PROPERTY_SEED` replays it.
@Suite struct IncrementalReconcileTests {
    /// Edits a human may push, drawn at random.
    enum Edit: CaseIterable {
        case cpu, addApp, removeApp, breakApp, fixApp, renameFile, policy, inventory, pinPlacement, nothing
    }

    static let date = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func incrementalAndFullPathsCommitTheSameBytes() async throws {
        let seeds: [UInt64] =
            ProcessInfo.processInfo.environment["PLACER_PROPERTY_SEED"].flatMap { UInt64($0) }.map { [$0] }
            ?? [UInt64.random(in: 1...UInt64.max), UInt64.random(in: 1...UInt64.max)]
        for seed in seeds {
            try await run(seed: seed, steps: 14)
        }
    }

    /// One seeded sequence of `steps` edits.
    private func run(seed: UInt64, steps: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("placer-incr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let daemon = try GitDaemon(baseDirectory: folder.path)
        defer { daemon.stop() }
        var random = SplitMix64(seed: seed)
        let example = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        let template = String(decoding: example["apps/fleet-manager/app.yaml"] ?? Data(), as: UTF8.self)
        var files = example.filter { !RepoLayout.isOutput($0.key) }
        for index in 0..<6 {
            let name = "gen-\(index)"
            files["apps/\(name)/app.yaml"] = Data(template.replacingOccurrences(of: "fleet-manager", with: name).utf8)
        }
        let human = GitSignature(name: "Factory Engineer", email: "engineer@factory.example", date: Self.date)
        let presets = ReconcilerConfiguration.loadPresets(from: packageRoot.appendingPathComponent("policies").path)
        var reconcilers: [Reconciler] = []
        var editors: [GitRepository] = []
        for (name, interval) in [("incremental", 1e9), ("full", 0.0)] {
            let bare = try GitRepository.initBare(at: folder.appendingPathComponent("\(name).git").path)
            _ = try bare.commit(
                parent: nil, changes: files.mapValues { Optional($0) }, author: human, committer: human,
                message: "apps\n", updateRef: "refs/heads/main")
            try bare.setHead(branch: "main")
            var configuration = ReconcilerConfiguration(
                repoURL: daemon.url(repository: "\(name).git"), branch: "main",
                cacheDirectory: folder.appendingPathComponent("\(name)-cache").path, presets: presets)
            configuration.logsInputErrors = false
            configuration.fullPassIntervalSeconds = interval
            configuration.now = { Self.date }  // equal commit dates, so equal bytes mean equal commit ids
            reconcilers.append(try Reconciler(configuration: configuration, hub: nil))
            editors.append(
                try GitRepository.openCache(
                    at: folder.appendingPathComponent("\(name)-human").path, remoteURL: configuration.repoURL))
        }
        var broken: [String: Data] = [:]  // app file → its last good bytes
        var standingSeen = 0  // decisions the incremental path explained only as far as their standing needs
        var log: [String] = []
        for step in 0...steps {
            var outcomes: [String] = []
            for reconciler in reconcilers {
                do {
                    let report = try await reconciler.reconcileOnce()
                    outcomes.append("ok \(report.commit ?? "-")")
                } catch {
                    outcomes.append("error \(error)")
                }
            }
            let tips = try editors.map { try $0.fetch(branch: "main") }
            #expect(
                tips[0] == tips[1] && outcomes[0] == outcomes[1],
                "seed \(seed), step \(step) after \(log.joined(separator: ", ")): incremental \(outcomes[0]), full \(outcomes[1])"
            )
            guard tips[0] == tips[1], let tip = tips[0] else { break }
            // An incremental pass explains in full only the decisions whose record it rewrites, and both paths keep
            // each decision to its record's clusters; the console explains any decision on demand, the same on both.
            let kept = await reconcilers[1].consoleView()?.decisions ?? [:]
            let standing = await reconcilers[0].consoleView()?.decisions.values.filter { !$0.fullyExplained }.count ?? 0
            standingSeen += standing
            for app in kept.keys.sorted() {
                let explained = await reconcilers[0].consoleView(explaining: app)?.decisions[app]
                let reference = await reconcilers[1].consoleView(explaining: app)?.decisions[app]
                #expect(reference?.listsEveryCandidate == true && reference?.fullyExplained == true)
                #expect(
                    explained.map(ExplainedDecision.init) == reference.map(ExplainedDecision.init),
                    "seed \(seed), step \(step) after \(log.joined(separator: ", ")): \(app) explained differently")
            }
            guard step < steps else { break }
            // The next edit, the same on both repos (same parent, tree, message and dates: the same commit).
            let current = try editors[0].files(at: tip).mapValues(\.data)
            let (changes, label) = Self.edit(
                Edit.allCases[Int(random.next() % UInt64(Edit.allCases.count))], files: current, broken: &broken,
                template: template, random: &random)
            log.append(label)
            guard !changes.isEmpty else { continue }
            for editor in editors {
                // An edit that leaves the tree as it was (the same cpu again) makes no commit on either repo.
                guard
                    let commit = try editor.commit(
                        parent: tip, changes: changes, author: human, committer: human, message: "\(label)\n")
                else { continue }
                try editor.push(commit, toBranch: "main")
            }
        }
        let counts = await reconcilers[0].incrementalCounts()
        // The start is a full pass, and so is every policy edit; the other reconciles are incremental.
        #expect(counts.fullPasses >= 1 && counts.incrementalPasses > 0, "seed \(seed): \(counts)")
        // Incremental passes that decided explained most decisions only as far as their standing needs.
        #expect(standingSeen > 0 || counts.incrementalPasses < 4, "seed \(seed): no standing decision seen")
        let full = await reconcilers[1].incrementalCounts()
        #expect(full.incrementalPasses == 0, "seed \(seed): \(full)")
    }

    /// The changes of one edit of kind `kind` to `files`, and a label for the failure message.
    static func edit(
        _ kind: Edit, files: [String: Data], broken: inout [String: Data], template: String,
        random: inout SplitMix64
    ) -> ([String: Data?], String) {
        func pick(_ paths: [String]) -> String? {
            paths.isEmpty ? nil : paths.sorted()[Int(random.next() % UInt64(paths.count))]
        }
        func text(_ path: String) -> String { String(decoding: files[path] ?? Data(), as: UTF8.self) }
        let appFiles = files.keys.filter { $0.hasPrefix("apps/") && $0.hasSuffix(".yaml") && broken[$0] == nil }
        switch kind {
        case .cpu:
            guard let path = pick(appFiles.filter { text($0).contains("cpu: ") }) else { return ([:], "no cpu edit") }
            let cpu = ["250m", "\"1\"", "\"1.5\"", "\"2\"", "\"4\""][Int(random.next() % 5)]
            var lines = text(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("cpu: ") }) {
                let indent = lines[index].prefix { $0 == " " }
                lines[index] = "\(indent)cpu: \(cpu)"
            }
            return ([path: Data(lines.joined(separator: "\n").utf8)], "cpu of \(path) to \(cpu)")
        case .addApp:
            let name = "new-\(random.next() % 1000)"
            guard files["apps/\(name)/app.yaml"] == nil else { return ([:], "no add") }
            return (
                ["apps/\(name)/app.yaml": Data(template.replacingOccurrences(of: "fleet-manager", with: name).utf8)],
                "add \(name)"
            )
        case .removeApp:
            let folders = Set(files.keys.filter { $0.hasPrefix("apps/") }.map { $0.split(separator: "/")[1] })
            guard folders.count > 8, let app = pick(folders.map(String.init)) else { return ([:], "no remove") }
            let paths = files.keys.filter { $0.hasPrefix("apps/\(app)/") }
            for path in paths { broken[path] = nil }
            return (Dictionary(uniqueKeysWithValues: paths.map { ($0, nil) }), "remove \(app)")
        case .breakApp:
            guard let path = pick(appFiles) else { return ([:], "no break") }
            broken[path] = files[path]
            return ([path: Data((text(path) + "\n  broken: [\n").utf8)], "break \(path)")
        case .fixApp:
            guard let path = pick(Array(broken.keys)), let good = broken.removeValue(forKey: path) else {
                return ([:], "nothing to fix")
            }
            return ([path: good], "fix \(path)")
        case .renameFile:
            guard let path = pick(appFiles.filter { $0.hasSuffix("/app.yaml") }) else { return ([:], "no rename") }
            let renamed = path.replacingOccurrences(of: "/app.yaml", with: "/main.yaml")
            return ([path: nil, renamed: files[path]], "rename \(path)")
        case .policy:
            let path = "policies/default.yaml"
            let gain = ["3", "5", "8", "12"][Int(random.next() % 4)]
            let edited = text(path).replacingOccurrences(
                of: #"minScoreGain: \d+"#, with: "minScoreGain: \(gain)", options: .regularExpression)
            return ([path: Data(edited.utf8)], "policy minScoreGain \(gain)")
        case .inventory:
            guard let path = pick(files.keys.filter { $0.hasPrefix("clusters/") }) else { return ([:], "no inventory") }
            let cpu = ["8", "16", "32", "64"][Int(random.next() % 4)]
            let edited = text(path).replacingOccurrences(
                of: #"cpu: "\d+""#, with: "cpu: \"\(cpu)\"", options: .regularExpression)
            return ([path: Data(edited.utf8)], "cpu of \(path) to \(cpu)")
        case .pinPlacement:
            // A human's placement edit (a pin): a decision input outside apps/.
            guard let path = pick(files.keys.filter { $0.hasPrefix("placements/") }) else { return ([:], "no pin") }
            guard !text(path).contains("pinned: true"), let range = text(path).range(of: "\nspec:\n") else {
                return ([:], "no pin")
            }
            var edited = text(path)
            edited.insert(contentsOf: "  pinned: true\n", at: range.upperBound)
            return ([path: Data(edited.utf8)], "pin \(path)")
        case .nothing:
            return ([:], "nothing")
        }
    }
}
