import AppModel
import Foundation
import GitStore
import OCMClient
import PDLC

extension Reconciler {
    /// Loads the tree at `tip`, decides (unless nothing changed since the last decision) and renders the files.
    /// - Parameter force: decide even when the inputs equal the last decision's (for `plan` and `explain`).
    func makePlan(at tip: ObjectID, force: Bool = false) async throws -> ReconcilePlan {
        let (files, refused) = TreeReader.read(
            tree: try repository.files(at: tip), submodules: try repository.submodulePaths(at: tip))
        var snapshot = RepoLoader.load(files: files, presets: configuration.presets, refusedFiles: refused)
        if !snapshot.repoErrors.isEmpty {
            for error in snapshot.repoErrors { logger.error("\(error.description)") }
            throw ReconcileError.inputs(snapshot.repoErrors.map(\.description))
        }
        let (clusters, hubClusters, scoreObjects) = try await inventory(merging: snapshot.clusters)
        snapshot.clusters = clusters
        lastClusters = clusters
        lastHubClusters = hubClusters
        if let telemetry {
            snapshot.clusters = await telemetry.annotate(
                clusters: snapshot.clusters, hubClusters: hubClusters, addOnScores: scoreObjects, now: configuration.now())
        }
        let inventoryDigest = Digest.sha256(Data(snapshot.clusters.map { cluster in
            let scores = cluster.addOnScores.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let labels = cluster.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
            return "\(cluster.name):\(cluster.available):\(cluster.cpuCores):\(cluster.memoryBytes):\(labels):\(scores.joined(separator: ";")):\(cluster.expiredAddOnScores.sorted())"
        }.joined(separator: ",").utf8))
        // Placement files count too: a human's revert, pin or deletion of one is a decision input.
        let placementFiles = files.filter { $0.key.hasPrefix(RepoLayout.placementsDirectory + "/") }
        let worldDigest = snapshot.inputsDigest + inventoryDigest
        let inputsDigest = Digest.sha256(Data((worldDigest + Digest.sha256(files: placementFiles)).utf8))

        let prune = snapshot.placements.keys.filter { !snapshot.appDirectories.contains($0) }.sorted()
        let known = Set(snapshot.placements.keys).union(snapshot.appDirectories).count
        if !prune.isEmpty, !configuration.allowMassPrune {
            let share = Double(prune.count) / Double(max(known, 1))
            if share > configuration.maxPruneShare && prune.count > 1 {
                throw ReconcileError.massPrune(apps: prune, share: share, limit: configuration.maxPruneShare)
            }
        }
        // With live metrics every evaluation counts (stability needs N consecutive ones), so none is skipped.
        guard force || telemetry != nil || inputsDigest != lastDecisionInputs else {
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
        // A human's placement (a revert, an edit, `placer rollback`) binds like a pin until the app changes.
        let authors = try placementAuthorship(at: tip, placements: snapshot.placements)
        var current = snapshot.placements
        for (app, author) in authors where author.honoured { current[app]?.pinned = true }
        let outcome = engine.decide(
            apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy, current: current,
            fixed: fixed, stability: stability, nowSeconds: configuration.now().timeIntervalSince1970)
        var decisions = outcome.decisions
        if !force { stability = outcome.stability }
        for index in decisions.indices {
            let app = decisions[index].app.name
            guard let author = authors[app], author.honoured, snapshot.placements[app]?.pinned != true else { continue }
            // A pinned decision's first reason is the pin's statement: say whose decision it is.
            if decisions[index].outcome == .pinned, !decisions[index].reasons.isEmpty {
                decisions[index].reasons[0] = "kept on \(decisions[index].cluster ?? "-"): \(author.summary); Placer does not move it until apps/\(app)/ changes or the placement says pinned: false"
            }
        }
        let honoured = Set(authors.filter(\.value.honoured).keys)
        let changes = try render(decisions, prune: prune, snapshot: snapshot, existing: files, humanDecided: honoured)
        let message = CommitMessage.make(
            decisions: decisions, changes: changes, pruned: prune, inputsDigest: inputsDigest, revision: tip.hex,
            template: configuration.messageTemplate, branch: configuration.branch, mode: configuration.mode.rawValue,
            clusters: snapshot.clusters)
        // After Placer's own commit lands, its new placement files are not a new input.
        var committedPlacements = placementFiles
        for (path, data) in changes where path.hasPrefix(RepoLayout.placementsDirectory + "/") { committedPlacements[path] = data }
        return ReconcilePlan(
            snapshot: snapshot, decisions: decisions, changes: changes, commitMessage: message, pruned: prune,
            decided: true, inputsDigest: inputsDigest, authorship: authors,
            inputsDigestAfterCommit: Digest.sha256(Data((worldDigest + Digest.sha256(files: committedPlacements)).utf8)))
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
