import AppModel
import PDLC

/// One PDLC evaluation's inputs as the decide step gave them to the engine: enough to make the same decisions again
/// (the engine is pure and deterministic for the same inputs), so a decision a reconcile explained only as far as
/// its standing needs (``AppDecision/fullyExplained`` false) can be explained in full when someone reads it.
struct Evaluation: Sendable {
    var apps: [Application]
    var clusters: [ClusterSpec]
    var policy: PlacementPolicy
    /// The committed records, with a human's placement marked pinned.
    var current: [String: PlacementRecord]
    var fixed: [FixedPlacement]
    /// The stability state before the evaluation.
    var stability: StabilityState
    var nowSeconds: Double
    /// Who made each app's current placement.
    var authors: [String: PlacementAuthorship]
    /// The committed records as loaded (a pin written in the file is the file's, not a human author's).
    var placements: [String: PlacementRecord]

    /// The engine's decisions, with a human's placement said to be theirs.
    /// - Parameters:
    ///   - explainingFully: as ``PlacementEngine/decide(apps:clusters:policy:current:fixed:stability:nowSeconds:detail:explainingFully:trimmingToRecords:)``.
    ///   - trimmingToRecords: as there: decisions kept to their records' clusters (a reconcile's, not `explain`'s).
    func decide(
        _ engine: PlacementEngine, explainingFully: ((AppDecision) -> Bool)?, trimmingToRecords: Bool = false
    ) -> DecisionOutcome {
        var outcome = engine.decide(
            apps: apps, clusters: clusters, policy: policy, current: current, fixed: fixed, stability: stability,
            nowSeconds: nowSeconds, explainingFully: explainingFully, trimmingToRecords: trimmingToRecords)
        for index in outcome.decisions.indices {
            let app = outcome.decisions[index].app.name
            guard let author = authors[app], author.honoured, placements[app]?.pinned != true else { continue }
            // A pinned decision's first reason is the pin's statement: say whose decision it is.
            if outcome.decisions[index].outcome == .pinned, !outcome.decisions[index].reasons.isEmpty {
                outcome.decisions[index].reasons[0] =
                    "kept on \(outcome.decisions[index].cluster ?? "-"): \(author.summary); Placer does not move it until apps/\(app)/ changes or the placement says pinned: false"
            }
        }
        return outcome
    }

    /// `app`'s decision of this evaluation with its full explanation (the others' decided alongside, explained only
    /// as far as their standing needs); nil when the evaluation had no such app.
    func fullyExplained(_ app: String, engine: PlacementEngine) -> AppDecision? {
        decide(engine, explainingFully: { $0.app.name == app }).decisions.first { $0.app.name == app }
    }
}
