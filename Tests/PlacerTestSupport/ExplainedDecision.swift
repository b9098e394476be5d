import AppModel
import PDLC

/// Everything a decision's full explanation holds, as one `Equatable` value: for comparing a decision explained on
/// demand, or on a faster path, with the same decision from a pass that explained every decision in full.
public struct ExplainedDecision: Equatable {
    public var app: String
    public var cluster: String?
    public var previousCluster: String?
    public var outcome: PlacementOutcome
    public var reasons: [String]
    public var candidates: [PlacementRecord.Candidate]
    public var decisionID: String
    public var path: DecisionPath
    public var solverNote: String?
    public var details: [String: [String: String]]
    public var rejected: [PlacementRecord.Rejection]
    public var verdicts: [String: [FilterStatus]]
    public var inputs: [String: [DecisionInput]]
    public var fallbacks: [String: [String]]
    public var forecasts: [String: [LoadForecast]]
    public var fullyExplained: Bool

    public init(_ decision: AppDecision) {
        app = decision.app.name
        cluster = decision.cluster
        previousCluster = decision.previousCluster
        outcome = decision.outcome
        reasons = decision.reasons
        candidates = decision.candidates
        decisionID = decision.decisionID
        path = decision.path
        solverNote = decision.solverNote
        details = decision.details
        rejected = decision.rejected
        verdicts = decision.verdicts
        inputs = decision.inputs
        fallbacks = decision.fallbacks
        forecasts = decision.forecasts
        fullyExplained = decision.fullyExplained
    }

    /// What a standing explanation keeps of this one: everything but the per-cluster details, verdicts, inputs,
    /// fallbacks and forecasts, refused clusters by name only, and candidates by name and total only (a standing
    /// decision has the per-plugin scores of the clusters its reasons can name; ``scoresAgree(with:)`` checks them).
    public var standing: ExplainedDecision {
        var kept = self
        kept.details = [:]
        kept.candidates = candidates.map {
            PlacementRecord.Candidate(cluster: $0.cluster, total: $0.total, scores: [:])
        }
        kept.rejected = rejected.map { PlacementRecord.Rejection(cluster: $0.cluster, reasons: []) }
        kept.verdicts = [:]
        kept.inputs = [:]
        kept.fallbacks = [:]
        kept.forecasts = [:]
        kept.fullyExplained = false
        return kept
    }

    /// Whether every candidate that carries per-plugin scores here carries `reference`'s scores for that cluster
    /// (a standing decision against the full one).
    public func scoresAgree(with reference: ExplainedDecision) -> Bool {
        let full = Dictionary(reference.candidates.map { ($0.cluster, $0.scores) }) { first, _ in first }
        return candidates.allSatisfy { $0.scores.isEmpty || full[$0.cluster] == $0.scores }
    }
}
