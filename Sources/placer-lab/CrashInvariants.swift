import AppModel
import EdgeSim
import Foundation
import GitStore

/// The promises the crash suite checks after each convergence (docs/reliability.md): each returns the
/// violations it found, as lines for the failure report.
enum CrashInvariants {
    /// Every app has exactly one owned ManifestWork, on the cluster its placement record at `tip` names, and that
    /// cluster's `rendered/` file exists; no owned ManifestWork belongs to no placed app; every app has a placement.
    static func hub(_ world: ReliabilityWorld, tip: ObjectID) async throws -> [String] {
        let files = try GitRepository.open(at: world.barePath).files(at: tip)
        var placed: [String: String?] = [:]
        for (path, file) in files where path.hasPrefix("placements/") && path.hasSuffix(".yaml") {
            guard let document = try YAMLLoader.load(file.data, file: path).first else { continue }
            let record = try PlacementRecord.parse(document)
            placed[record.app] = record.cluster
        }
        var owned: [String: [String]] = [:]
        for work in await world.hub.objects("manifestworks")
        where work["metadata"]?["labels"]?[Labels.owner] != nil {
            let name = work["metadata"]?["name"]?.stringValue ?? ""
            owned[name, default: []].append(work["metadata"]?["namespace"]?.stringValue ?? "")
        }
        var violations: [String] = []
        let apps = Set(
            files.keys.compactMap { path -> String? in
                let parts = path.split(separator: "/")
                return parts.count == 3 && parts[0] == "apps" ? String(parts[1]) : nil
            })
        for app in apps.sorted() where placed[app] == nil {
            violations.append("app \(app) has no placement record at \(tip.hex.prefix(12))")
        }
        for (app, cluster) in placed.sorted(by: { $0.key < $1.key }) {
            let works = (owned[app] ?? []).sorted()
            if let cluster {
                if works != [cluster] {
                    violations.append("app \(app): placement says \(cluster), owned ManifestWorks on \(works)")
                }
                if files["rendered/\(cluster)/\(app).yaml"] == nil {
                    violations.append("app \(app): rendered/\(cluster)/\(app).yaml missing at \(tip.hex.prefix(12))")
                }
            } else if !works.isEmpty {
                violations.append("app \(app) is unplaced but has owned ManifestWorks on \(works)")
            }
        }
        for (name, namespaces) in owned.sorted(by: { $0.key < $1.key }) where placed[name] == nil {
            violations.append("orphaned owned ManifestWork \(name) on \(namespaces.sorted())")
        }
        return violations
    }

    /// Every human commit is an ancestor of the tip; no Placer commit is empty (its parent's tree) or a duplicate
    /// (a tree already reached since the last human commit: Placer re-did or undid its own work).
    static func history(
        _ world: ReliabilityWorld, humans: [ObjectID], committer: String = "Placer"
    ) throws
        -> (violations: [String], placerCommits: Int)
    {
        var violations: [String] = []
        let reachable = try runTool("/usr/bin/git", ["-C", world.barePath, "rev-list", "main"])
        guard reachable.status == 0 else { return (["git rev-list failed: \(reachable.output)"], 0) }
        let ancestors = Set(reachable.output.split(separator: "\n").map(String.init))
        for commit in humans where !ancestors.contains(commit.hex) {
            violations.append("human commit \(commit.hex) is not an ancestor of main: lost")
        }
        let log = try runTool(
            "/usr/bin/git",
            ["-C", world.barePath, "log", "--reverse", "--topo-order", "--format=%H %T %P%x09%cn", "main"])
        guard log.status == 0 else { return (violations + ["git log failed: \(log.output)"], 0) }
        var trees: [String: String] = [:]
        var sinceHuman: Set<String> = []
        var placerCommits = 0
        for line in log.output.split(separator: "\n") {
            let columns = line.split(separator: "\t", maxSplits: 1)
            let ids = columns[0].split(separator: " ").map(String.init)
            guard ids.count >= 2 else { continue }
            let (commit, tree, parents) = (ids[0], ids[1], Array(ids.dropFirst(2)))
            trees[commit] = tree
            let byPlacer = columns.count == 2 && columns[1] == committer
            if !byPlacer {
                sinceHuman = [tree]
                continue
            }
            placerCommits += 1
            if let parent = parents.first, trees[parent] == tree {
                violations.append("empty Placer commit \(commit)")
            } else if sinceHuman.contains(tree) {
                violations.append(
                    "duplicate Placer commit \(commit): its tree was already reached since the last human commit")
            }
            sinceHuman.insert(tree)
        }
        return (violations, placerCommits)
    }

    /// Waits, up to 60 s, until no `git gc --auto` runs in the remote. `git receive-pack` starts one after a push
    /// (`receive.autoGc`) and it detaches, so it can still be packing loose objects and deleting them while the
    /// checks run: `git fsck` then misses objects it just listed and `gc.log.lock` looks left behind. Neither is
    /// Placer's doing (seed 20261206, trial 528). Git holds `gc.pid` while a gc runs and `gc.log.lock` while a
    /// detached one logs (git's builtin/gc.c).
    static func awaitRemoteAutoGC(_ world: ReliabilityWorld) async throws {
        let markers = ["gc.pid", "gc.log.lock"].map { "\(world.barePath)/\($0)" }
        let deadline = ContinuousClock.now + .seconds(60)
        while markers.contains(where: { FileManager.default.fileExists(atPath: $0) }),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// `git fsck` is clean on the remote and on the daemon's cache.
    static func fsck(_ world: ReliabilityWorld) throws -> [String] {
        var violations: [String] = []
        for (name, path) in [("remote", world.barePath), ("cache", world.cachePath)] {
            let result = try runTool("/usr/bin/git", ["-C", path, "fsck", "--no-progress", "--no-dangling"])
            if result.status != 0 {
                violations.append("git fsck on the \(name) failed (\(result.status)): \(result.output.prefix(400))")
            }
        }
        return violations
    }

    /// Lock files under the remote and the cache (`*.lock`, libgit2's and git's ref and index locks).
    static func locks(_ world: ReliabilityWorld) -> Set<String> {
        var found: Set<String> = []
        for root in [world.barePath, world.cachePath] {
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let path = walker.nextObject() as? String {
                if path.hasSuffix(".lock") { found.insert("\(root)/\(path)") }
            }
        }
        return found
    }
}
