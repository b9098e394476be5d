import AppModel
import Foundation
import GitStore
import PDLC

/// Everything `placer explain APP` shows: the committed placement and who made it, a fresh evaluation of every
/// cluster (filter verdicts, per-criterion scores), and the inputs with their source and age.
public struct PlacementExplanation: Sendable {
    /// The app folder name.
    public var app: String
    /// The tracked branch's tip the explanation was made at.
    public var revision: String
    /// The committed record (`placements/<app>.yaml`), if any.
    public var record: PlacementRecord?
    /// Who made the committed placement; nil when there is none.
    public var authorship: PlacementAuthorship?
    /// The engine's decision now, with every cluster's verdict; nil when the app is invalid.
    public var decision: AppDecision?
    /// The app's errors when it is invalid (it keeps its last good placement).
    public var errors: [String]
    /// The clusters as the engine saw them (inventory merged with the hub and telemetry).
    public var clusters: [ClusterSpec]
    /// Weights used for this app, by score plugin.
    public var weights: [String: Double]
}

extension Reconciler {
    /// Explains one app's placement without committing or applying anything.
    /// - Throws: ``ReconcileError`` when the repo or hub cannot be read; `ExplainError` when no such app exists.
    public func explain(app: String) async throws -> PlacementExplanation {
        let tip = try await fetchTip()
        let plan = try await makePlan(at: tip, force: true)
        let snapshot = plan.snapshot
        let known = snapshot.appDirectories.contains(app) || snapshot.placements[app] != nil
        guard known else { throw ExplainError.noSuchApp(app, known: snapshot.appDirectories) }
        let decision = plan.decisions.first { $0.app.name == app }
        return PlacementExplanation(
            app: app, revision: tip.hex, record: snapshot.placements[app], authorship: plan.authorship[app],
            decision: decision, errors: (snapshot.invalidApps[app] ?? []).map(\.description),
            clusters: snapshot.clusters,
            weights: decision.map { snapshot.policy.weights(for: $0.app) } ?? [:])
    }
}

/// Why `explain` could not answer.
public enum ExplainError: Error, CustomStringConvertible, Sendable {
    case noSuchApp(String, known: [String])

    public var description: String {
        switch self {
        case let .noSuchApp(app, known):
            return "no app \(app) in apps/ or placements/ (apps: \(known.joined(separator: ", ")))"
        }
    }
}
