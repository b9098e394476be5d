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
        var owned: Set<String> = []
        for decision in decisions {
            let app = decision.app.name
            owned.insert(app)
            let path = RepoLayout.placementPath(app: app)
            let committed = snapshot.placements[app]
            let sameFeasibility =
                committed.map { record in
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
                    let work = ManifestBuilder.manifestWork(
                        app: decision.app, cluster: cluster, decisionID: decision.decisionID)
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
}
