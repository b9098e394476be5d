import AppModel
import Foundation
import GitStore
import OCMClient
import PDLC

extension Reconciler {
    /// Stalls (throws ``ReconcileError/emptyRepo(reason:ownedWorks:instance:)``) when the tree has no `apps/`
    /// folder or no loadable app while the hub holds ManifestWorks this instance owns: a repo emptied by mistake
    /// (a bad merge, a wrong branch, a force-push) must not delete the fleet. `allowEmptyPrune` lets it through.
    func refuseEmptyRepo(files: [String: Data], snapshot: RepoSnapshot) async throws {
        guard let hub, !configuration.allowEmptyPrune, snapshot.apps.isEmpty else { return }
        let reason: String
        if !files.keys.contains(where: { $0.hasPrefix(RepoLayout.appsDirectory + "/") }) {
            reason = "the tree has no \(RepoLayout.appsDirectory)/ folder"
        } else if snapshot.invalidApps.isEmpty {
            reason = "\(RepoLayout.appsDirectory)/ holds no app"
        } else {
            reason = "no app in \(RepoLayout.appsDirectory)/ loads (\(snapshot.invalidApps.count) invalid)"
        }
        let owned: Int
        do {
            owned = try await hub.list(.manifestWork, namespace: nil, labelSelector: Ownership.selector(instance: configuration.instance)).count
        } catch {
            throw ReconcileError.hubUnreachable(detail: "\(error)")
        }
        guard owned > 0 else { return }
        throw ReconcileError.emptyRepo(reason: reason, ownedWorks: owned, instance: configuration.instance)
    }

    /// The file changes that make placements/ and rendered/ match the decisions. Invalid apps' files are left
    /// as they are, so they keep their last good placement.
    func render(
        _ decisions: [AppDecision], prune: [String], snapshot: RepoSnapshot, existing: [String: Data],
        humanDecided: Set<String> = []
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
            if humanDecided.contains(app), let bytes = existing[path] {
                // A human's placement file is theirs: rewriting it would make it Placer's and undo the decision.
                desired[path] = bytes
            } else if let committed, committed.decisionID == decision.decisionID, committed.cluster == decision.cluster,
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
                let renderedPath = RepoLayout.renderedPath(cluster: cluster, app: app)
                if humanDecided.contains(app), let bytes = existing[renderedPath] {
                    desired[renderedPath] = bytes  // the human's ManifestWork, exactly as they committed it
                } else {
                    let work = ManifestBuilder.manifestWork(app: decision.app, cluster: cluster, decisionID: decision.decisionID)
                    desired[renderedPath] = Data(try YAMLRenderer.render(work).utf8)
                }
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

    /// The static inventory with availability from the hub's ManagedClusters, when a hub is connected; also
    /// the hub's ManagedClusters and AddOnPlacementScores as read (for telemetry's hub fallback).
    func inventory(merging clusters: [ClusterSpec]) async throws
        -> (clusters: [ClusterSpec], hubClusters: [ManagedClusterObject], scores: [AddOnPlacementScoreObject])
    {
        guard let hub else { return (clusters, [], []) }
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
        let (scores, scoreObjects) = try await addOnScores()
        var merged: [ClusterSpec] = clusters.map { cluster in
            var spec = cluster
            if let hubCluster = live[cluster.name] {
                Self.merge(hubCluster, into: &spec)
            } else if !live.isEmpty {
                spec.available = false  // not registered with this hub: nothing could apply there
            }
            return spec
        }
        // Clusters registered on the hub but absent from clusters/*.yaml: placeable with what the hub knows
        // (no latency figures, so latency budgets refuse them; energy priced as the dearest known cluster).
        let known = Set(clusters.map(\.name))
        let dearest = clusters.map(\.energyCostPerCoreHour).max() ?? 0
        for (name, hubCluster) in live.sorted(by: { $0.key < $1.key }) where !known.contains(name) {
            var spec = ClusterSpec(
                name: name, labels: [:], zone: "", cpuCores: 0, memoryBytes: 0, latencyMilliseconds: [:],
                energyCostPerCoreHour: dearest, source: "hub")
            Self.merge(hubCluster, into: &spec)
            spec.zone = spec.labels[Labels.zone] ?? ""
            merged.append(spec)
        }
        let specs = merged.map { cluster in
            var spec = cluster
            spec.addOnScores = scores.valid[cluster.name] ?? [:]
            spec.expiredAddOnScores = scores.expired[cluster.name] ?? []
            return spec
        }
        return (specs, live.keys.sorted().compactMap { live[$0] }, scoreObjects)
    }

    /// The hub's view of a cluster wins where it has one: availability (the Available condition under OCM's
    /// type name, and no NoSelect taint), labels, cluster claims (as labels named after the claim, unless a label
    /// of that name exists), and allocatable cpu and memory.
    static func merge(_ hubCluster: ManagedClusterObject, into spec: inout ClusterSpec) {
        let noSelect = hubCluster.spec.taints.contains { $0.effect == "NoSelect" }
        spec.available = hubCluster.isAvailable && !noSelect
        for (key, value) in hubCluster.metadata.labels ?? [:] { spec.labels[key] = value }
        for claim in hubCluster.status?.clusterClaims ?? [] where spec.labels[claim.name] == nil {
            spec.labels[claim.name] = claim.value
        }
        if let cpu = hubCluster.status?.allocatable["cpu"].flatMap(Quantity.parse) { spec.cpuCores = cpu }
        if let memory = hubCluster.status?.allocatable["memory"].flatMap(Quantity.parse) { spec.memoryBytes = memory }
    }

    /// The hub's AddOnPlacementScores by cluster namespace: valid ones as `<resource>/<score>` → value, and the
    /// names of those past `status.validUntil` (CONTRACT.md §6).
    func addOnScores() async throws
        -> ((valid: [String: [String: Double]], expired: [String: [String]]), [AddOnPlacementScoreObject])
    {
        guard let hub else { return (([:], [:]), []) }
        let items: [Data]
        do {
            items = try await hub.list(.addOnPlacementScore, namespace: nil)
        } catch {
            throw ReconcileError.hubUnreachable(detail: "\(error)")
        }
        let now = configuration.now()
        var valid: [String: [String: Double]] = [:]
        var expired: [String: [String]] = [:]
        let objects = items.compactMap { try? AddOnPlacementScoreObject.decode($0) }
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
        return ((valid, expired), objects)
    }
}
