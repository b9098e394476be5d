import AppModel
import Foundation
import GitStore
import OCMClient
import PDLC

extension Reconciler {
    /// Loads the tree at `tip`, decides (unless nothing changed since the last decision) and renders the files.
    func makePlan(at tip: ObjectID) async throws -> ReconcilePlan {
        let tree = try repository.files(at: tip)
        var files: [String: Data] = [:]
        for (path, file) in tree where file.mode != .symlink { files[path] = file.data }
        var snapshot = RepoLoader.load(files: files, presets: configuration.presets)
        if !snapshot.repoErrors.isEmpty {
            for error in snapshot.repoErrors { logger.error("\(error.description)") }
            throw ReconcileError.inputs(snapshot.repoErrors.map(\.description))
        }
        snapshot.clusters = try await inventory(merging: snapshot.clusters)
        let inventoryDigest = Digest.sha256(Data(snapshot.clusters.map { cluster in
            let scores = cluster.addOnScores.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return "\(cluster.name):\(cluster.available):\(scores.joined(separator: ";")):\(cluster.expiredAddOnScores.sorted())"
        }.joined(separator: ",").utf8))
        let inputsDigest = Digest.sha256(Data((snapshot.inputsDigest + inventoryDigest).utf8))

        let prune = snapshot.placements.keys.filter { !snapshot.appDirectories.contains($0) }.sorted()
        let known = Set(snapshot.placements.keys).union(snapshot.appDirectories).count
        if !prune.isEmpty, !configuration.allowMassPrune {
            let share = Double(prune.count) / Double(max(known, 1))
            if share > configuration.maxPruneShare && prune.count > 1 {
                throw ReconcileError.massPrune(apps: prune, share: share, limit: configuration.maxPruneShare)
            }
        }
        guard inputsDigest != lastDecisionInputs else {
            // Same inputs as the last decision: nothing new to say either (errors were logged then).
            return ReconcilePlan(
                snapshot: snapshot, decisions: [], changes: [:], commitMessage: "", pruned: [], decided: false,
                inputsDigest: inputsDigest)
        }
        for error in snapshot.allErrors { logger.error("\(error.description)", metadata: ["revision": "\(tip.hex)"]) }
        let fixed = snapshot.invalidApps.keys.compactMap { app -> FixedPlacement? in
            guard let record = snapshot.placements[app], let cluster = record.cluster else { return nil }
            return FixedPlacement(app: app, cluster: cluster, cpuCores: record.cpuCores, memoryBytes: record.memoryBytes)
        }
        let decisions = engine.decide(
            apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy, current: snapshot.placements,
            fixed: fixed)
        let changes = try render(decisions, prune: prune, snapshot: snapshot, existing: files)
        let message = CommitMessage.make(
            decisions: decisions, changes: changes, pruned: prune, inputsDigest: inputsDigest, revision: tip.hex)
        return ReconcilePlan(
            snapshot: snapshot, decisions: decisions, changes: changes, commitMessage: message, pruned: prune,
            decided: true, inputsDigest: inputsDigest)
    }

    /// The file changes that make placements/ and rendered/ match the decisions. Invalid apps' files are left
    /// as they are, so they keep their last good placement.
    func render(
        _ decisions: [AppDecision], prune: [String], snapshot: RepoSnapshot, existing: [String: Data]
    ) throws -> [String: Data?] {
        var desired: [String: Data] = [:]
        var owned: Set<String> = []
        for decision in decisions {
            let app = decision.app.name
            owned.insert(app)
            let path = RepoLayout.placementPath(app: app)
            let committed = snapshot.placements[app]
            let sameFeasibility = committed.map { record in
                Set(record.rejected.map(\.cluster)) == Set(decision.rejected.map(\.cluster))
                    && (record.candidates.isEmpty == decision.candidates.isEmpty)
            } ?? false
            if let committed, committed.decisionID == decision.decisionID, committed.cluster == decision.cluster,
                sameFeasibility, let bytes = existing[path]
            {
                // The same decision over the same feasible clusters: keep its record (and the scores it was made
                // with) untouched, so one app's change never rewrites the records of apps it did not move.
                desired[path] = bytes
            } else {
                let record = decision.record(top: snapshot.policy.topCandidates, pinned: committed?.pinned ?? false)
                desired[path] = Data(try YAMLRenderer.render(record.toValue()).utf8)
            }
            if let cluster = decision.cluster {
                let work = ManifestBuilder.manifestWork(app: decision.app, cluster: cluster, decisionID: decision.decisionID)
                desired[RepoLayout.renderedPath(cluster: cluster, app: app)] = Data(try YAMLRenderer.render(work).utf8)
            }
        }
        owned.formUnion(prune)
        var changes: [String: Data?] = [:]
        for (path, data) in desired where existing[path] != data { changes[path] = data }
        for path in existing.keys where RepoLayout.isOutput(path) && desired[path] == nil {
            guard let app = Self.appName(ofOutput: path), owned.contains(app) else { continue }
            changes[path] = .some(nil)
        }
        return changes
    }

    /// `placements/<app>.yaml` and `rendered/<cluster>/<app>.yaml` → `<app>`.
    static func appName(ofOutput path: String) -> String? {
        guard let file = path.split(separator: "/").last, file.hasSuffix(".yaml") else { return nil }
        return String(file.dropLast(5))
    }

    /// The static inventory with availability from the hub's ManagedClusters, when a hub is connected.
    func inventory(merging clusters: [ClusterSpec]) async throws -> [ClusterSpec] {
        guard let hub else { return clusters }
        var live: [String: ManagedClusterObject] = [:]
        if let watched = await inventoryWatcher?.snapshot() {
            live = watched
        } else {
            let items: [Data]
            do {
                items = try await hub.list(.managedCluster, namespace: nil)
            } catch {
                throw ReconcileError.hubUnreachable(detail: "\(error)")
            }
            for item in items {
                if let cluster = try? ManagedClusterObject.decode(item) { live[cluster.metadata.name] = cluster }
            }
        }
        let scores = try await addOnScores()
        return clusters.map { cluster in
            var merged = cluster
            if let hubCluster = live[cluster.name] {
                let noSelect = hubCluster.spec.taints.contains { $0.effect == "NoSelect" }
                merged.available = hubCluster.isAvailable && !noSelect
            } else if !live.isEmpty {
                merged.available = false  // not registered with this hub: nothing could apply there
            }
            merged.addOnScores = scores.valid[cluster.name] ?? [:]
            merged.expiredAddOnScores = scores.expired[cluster.name] ?? []
            return merged
        }
    }

    /// The hub's AddOnPlacementScores by cluster namespace: valid ones as `<resource>/<score>` → value, and the
    /// names of those past `status.validUntil` (CONTRACT.md §6).
    func addOnScores() async throws -> (valid: [String: [String: Double]], expired: [String: [String]]) {
        guard let hub else { return ([:], [:]) }
        let items: [Data]
        do {
            items = try await hub.list(.addOnPlacementScore, namespace: nil)
        } catch {
            throw ReconcileError.hubUnreachable(detail: "\(error)")
        }
        let now = configuration.now()
        var valid: [String: [String: Double]] = [:]
        var expired: [String: [String]] = [:]
        for item in items {
            guard let object = try? Value.parseJSON(item, file: "addonplacementscore"),
                let cluster = object[path: "metadata.namespace"]?.stringValue,
                let resource = object[path: "metadata.name"]?.stringValue
            else { continue }
            let until = object[path: "status.validUntil"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) }
            for score in object[path: "status.scores"]?.arrayValue ?? [] {
                guard let name = score["name"]?.stringValue, let value = score["value"]?.doubleValue else { continue }
                let key = "\(resource)/\(name)"
                if let until, until < now {
                    expired[cluster, default: []].append(key)
                } else {
                    valid[cluster, default: [:]][key] = max(-100, min(100, value))
                }
            }
        }
        return (valid, expired)
    }
}
