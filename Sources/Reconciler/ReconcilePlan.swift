import AppModel
import Foundation
import PDLC

/// The decided and rendered state of one reconcile, before it is committed.
struct ReconcilePlan: Sendable {
    var snapshot: RepoSnapshot
    var decisions: [AppDecision]
    /// File changes under placements/ and rendered/ (nil = delete).
    var changes: [String: Data?]
    var commitMessage: String
    var pruned: [String]
    var decided: Bool
    var inputsDigest: String
    /// Who made each app's current placement (Placer or a human), by app.
    var authorship: [String: PlacementAuthorship] = [:]
    /// The engine's inputs of ``decisions`` (nil when PDLC did not run).
    var evaluation: Evaluation?
    /// ``inputsDigest`` as it will read once this plan's commit is on the tracked branch.
    var inputsDigestAfterCommit: String?
    var commit: String?

    func report(revision: String, commit: String?, applied: [String], deleted: [String]) -> ReconcileReport {
        var statuses: [AppStatus] = decisions.map { decision in
            AppStatus(
                app: decision.app.name, phase: decision.cluster == nil ? .unplaced : .progressing,
                cluster: decision.cluster, reason: decision.reasons.first ?? "", moved: decision.moves)
        }
        let decidedApps = Set(decisions.map(\.app.name))
        for app in snapshot.apps where !decidedApps.contains(app.name) {
            let record = snapshot.placements[app.name]
            statuses.append(
                AppStatus(
                    app: app.name, phase: record?.cluster == nil ? .unplaced : .progressing, cluster: record?.cluster,
                    reason: record?.reasons.first ?? "", moved: false))
        }
        for (app, errors) in snapshot.invalidApps {
            statuses.append(
                AppStatus(
                    app: app, phase: .invalid, cluster: snapshot.placements[app]?.cluster,
                    reason: errors.first?.description ?? "invalid", moved: false))
        }
        for app in pruned {
            statuses.append(AppStatus(app: app, phase: .pruned, cluster: nil, reason: "removed from Git", moved: false))
        }
        return ReconcileReport(
            revision: revision, commit: commit, decided: decided, apps: statuses.sorted { $0.app < $1.app },
            applied: applied, deleted: deleted, errors: snapshot.allErrors.map(\.description),
            warnings: snapshot.warnings.map(\.description))
    }
}
