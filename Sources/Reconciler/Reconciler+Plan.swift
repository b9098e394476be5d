import AppModel
import Foundation
import GitStore
import OCMClient
import PDLC

extension Reconciler {
    /// Stalls (throws ``ReconcileError/emptyRepo(reason:ownedWorks:instance:)``) when the tree has no `apps/`
    /// folder or no loadable app while the hub holds ManifestWorks this instance owns: a repo emptied by mistake
    /// (a bad merge, a wrong branch, a force-push) must not delete the fleet. `allowEmptyPrune` lets it through.
    func refuseEmptyRepo(snapshot: RepoSnapshot) async throws {
        guard let hub, !configuration.allowEmptyPrune, snapshot.apps.isEmpty else { return }
        let reason: String
        if !snapshot.hasAppsFolder {
            reason = "the tree has no \(RepoLayout.appsDirectory)/ folder"
        } else if snapshot.invalidApps.isEmpty {
            reason = "\(RepoLayout.appsDirectory)/ holds no app"
        } else {
            reason = "no app in \(RepoLayout.appsDirectory)/ loads (\(snapshot.invalidApps.count) invalid)"
        }
        let owned: Int
        do {
            owned = try await hub.list(
                .manifestWork, namespace: nil, labelSelector: Ownership.selector(instance: configuration.instance)
            ).count
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
        var works: [String: Value] = [:]  // rendered path → ManifestWork Placer renders (not a human's)
        var renderKeys: [String: String] = [:]  // rendered path → what its work is a function of (cacheable apps)
        var owned: Set<String> = []
        for decision in decisions {
            let app = decision.app.name
            owned.insert(app)
            let path = RepoLayout.placementPath(app: app)
            let committed = snapshot.placements[app]
            if humanDecided.contains(app), let bytes = existing[path] {
                // A human's placement file is theirs: rewriting it would make it Placer's and undo the decision.
                desired[path] = bytes
            } else if let bytes = existing[path], Self.keepsRecord(of: decision, committed: committed, hasFile: true) {
                // The same decision over the same feasible clusters: keep its record (and the scores it was made
                // with) untouched, so one app's change never rewrites the records of apps it did not move.
                desired[path] = bytes
            } else {
                // The decide step explained in full every decision whose record is rewritten.
                assert(decision.fullyExplained, "record of \(app) rendered from a standing explanation")
                let record = decision.record(top: snapshot.policy.topCandidates, pinned: committed?.pinned ?? false)
                desired[path] = Data(try YAMLRenderer.render(record.toValue()).utf8)
            }
            if let cluster = decision.cluster {
                let renderedPath = RepoLayout.renderedPath(cluster: cluster, app: app)
                if humanDecided.contains(app), let bytes = existing[renderedPath] {
                    desired[renderedPath] = bytes  // the human's ManifestWork, exactly as they committed it
                } else {
                    works[renderedPath] = ManifestBuilder.manifestWork(
                        app: decision.app, cluster: cluster, decisionID: decision.decisionID)
                    if let appKey = snapshot.appKeys[app] {
                        renderKeys[renderedPath] = IncrementalState.renderKey(
                            appKey: appKey, cluster: cluster, decisionID: decision.decisionID)
                    }
                }
            }
        }
        // Works rendered before from the same app files, cluster and decision, committed as rendered: their bytes
        // are those a render would give, so they are kept without rendering (and without parsing the hand-over's
        // committed copy). Any other work is rendered, and remembered when no hand-over amended it.
        var unchanged: [String: Data] = [:]
        for (path, key) in renderKeys {
            guard let seen = incremental.renderedWorks[path], seen.key == key, let bytes = existing[path],
                Digest.sha256(bytes) == seen.digest
            else { continue }
            unchanged[path] = bytes
        }
        var amended: Set<String> = []
        handOverPending = Self.handOver(
            &works, existing: existing, committedAsBuilt: Set(unchanged.keys), amended: &amended)
        var rendered: [String: IncrementalState.RenderedWork] = [:]
        for (path, work) in works {
            if !amended.contains(path), let bytes = unchanged[path] {
                desired[path] = bytes
                if let key = renderKeys[path] { rendered[path] = .init(key: key, digest: Digest.sha256(bytes)) }
                continue
            }
            let bytes = Data(try YAMLRenderer.render(work).utf8)
            desired[path] = bytes
            if !amended.contains(path), let key = renderKeys[path] {
                rendered[path] = .init(key: key, digest: Digest.sha256(bytes))
            }
        }
        incremental.renderedWorks = rendered
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

    /// Hands an object moved from one app to another over without a gap, as OCM's `deleteOption` documents
    /// (`SelectivelyOrphan`, reference/ocm/crds/…manifestworks.crd.yaml): while the gaining app's committed
    /// ManifestWork does not hold the object yet, the losing app's work keeps it (so the work agent never deletes
    /// it), with an orphaning rule when both are on one cluster; once the gainer's committed work holds it (the
    /// next reconcile, after it was applied), the loser drops it under that rule, which stays as long as another
    /// app on the cluster ships the object. An app that moves cluster itself is make-before-break already.
    /// - Parameters:
    ///   - works: rendered path → the ManifestWork about to be committed; losers' works are amended in place.
    ///   - existing: the committed files at the tip (their `rendered/` is what the hub was given).
    /// - Returns: whether a hand-over is under way (the next reconcile must render again to finish it).
    static func handOver(_ works: inout [String: Value], existing: [String: Data]) -> Bool {
        var amended: Set<String> = []
        return handOver(&works, existing: existing, committedAsBuilt: [], amended: &amended)
    }

    /// ``handOver(_:existing:)``, told which committed works are known to be exactly the work built now (rendered
    /// from it and committed unchanged), so their committed copy need not be parsed.
    /// - Parameters:
    ///   - committedAsBuilt: rendered paths whose committed bytes are the render of `works[path]` as given.
    ///   - amended: receives the paths whose work the hand-over changed.
    static func handOver(
        _ works: inout [String: Value], existing: [String: Data], committedAsBuilt: Set<String>,
        amended: inout Set<String>
    ) -> Bool {
        let built = works
        func manifests(_ work: Value?) -> [Value] { work?["spec"]?["workload"]?["manifests"]?.arrayValue ?? [] }
        func identities(_ work: Value?) -> Set<String> { Set(manifests(work).map(ManifestAppParser.identity(of:))) }
        func committed(_ path: String) -> Value? {
            if committedAsBuilt.contains(path) { return built[path] }
            return existing[path].flatMap { try? YAMLLoader.load($0, file: path).first?.value }
        }
        // Who ships each object in the new works, and whether they already did in the committed ones.
        var gainers: [String: [(path: String, cluster: String)]] = [:]  // identity → works gaining it now
        var shippers: [String: Set<String>] = [:]  // identity → clusters where some new work ships it
        for (path, work) in works {
            let cluster = String(path.split(separator: "/")[1])
            let before = identities(committed(path))
            for identity in identities(work) {
                shippers[identity, default: []].insert(cluster)
                if !before.contains(identity) { gainers[identity, default: []].append((path, cluster)) }
            }
        }
        var pending = false
        for path in works.keys.sorted() {
            guard var work = works[path], let old = committed(path) else { continue }
            let cluster = String(path.split(separator: "/")[1])
            let now = identities(work)
            var kept: [Value] = []
            var rules: [Value] =
                old["spec"]?["deleteOption"]?["selectivelyOrphans"]?["orphaningRules"]?.arrayValue ?? []
            for manifest in manifests(old) {
                let identity = ManifestAppParser.identity(of: manifest)
                guard !now.contains(identity) else { continue }
                let taking = gainers[identity, default: []].filter { $0.path != path }
                guard !taking.isEmpty || shippers[identity, default: []].contains(cluster) else { continue }
                if !taking.isEmpty {
                    kept.append(manifest)  // the gainer's work is not on the hub yet: keep shipping it
                    pending = true
                }
                if shippers[identity, default: []].contains(cluster)
                    || taking.contains(where: { $0.cluster == cluster })
                {
                    let rule = orphaningRule(for: manifest)
                    if !rules.contains(rule) { rules.append(rule) }
                }
            }
            // Rules only for objects another work on this cluster ships; none left: the default policy again.
            rules = rules.filter { rule in
                shippers.contains { identity, clusters in
                    clusters.contains(cluster) && !now.contains(identity)
                        && orphaningRule(identity: identity) == rule
                }
            }
            guard !kept.isEmpty || !rules.isEmpty else { continue }
            var spec = work["spec"] ?? .object([])
            let workload = (spec["workload"] ?? .object([])).setting("manifests", to: .array(manifests(work) + kept))
            spec = spec.setting("workload", to: workload)
            if !rules.isEmpty {
                spec = spec.setting(
                    "deleteOption",
                    to: .object([
                        ("propagationPolicy", .string("SelectivelyOrphan")),
                        ("selectivelyOrphans", .object([("orphaningRules", .array(rules))])),
                    ]))
            }
            work = work.setting("spec", to: spec)
            works[path] = work
            amended.insert(path)
        }
        return pending
    }

    /// OCM's orphaning rule (group, resource plural, namespace, name) for a manifest.
    static func orphaningRule(for manifest: Value) -> Value {
        orphaningRule(identity: ManifestAppParser.identity(of: manifest))
    }

    /// The orphaning rule for an identity as ``ManifestAppParser/identity(of:)`` writes it
    /// (`<apiVersion>/<kind>/<namespace>/<name>`, where apiVersion is `v1` or `group/version`).
    static func orphaningRule(identity: String) -> Value {
        var parts = identity.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let group = parts.count == 5 ? parts.removeFirst() : ""
        // parts: version, kind, namespace, name
        let kind = parts.count > 1 ? parts[1] : ""
        var rule: [(String, Value)] = [
            ("group", .string(group)), ("resource", .string(ManifestBuilder.resourceName(kind: kind))),
        ]
        if parts.count > 2, !parts[2].isEmpty { rule.append(("namespace", .string(parts[2]))) }
        rule.append(("name", .string(parts.count > 3 ? parts[3] : "")))
        return .object(rule)
    }
}
