import AppModel
import Foundation

/// The engine's verdict for one app.
public struct AppDecision: Sendable {
    public var app: Application
    /// The chosen cluster, `nil` when none fits and the app had no placement to keep.
    public var cluster: String?
    /// The cluster the app was on before this cycle.
    public var previousCluster: String?
    /// Every feasible cluster, best first (ties by name).
    public var candidates: [PlacementRecord.Candidate]
    /// Per feasible cluster, each plugin's explanation, for `explain`.
    public var details: [String: [String: String]]
    /// Every refused cluster with the filters' reasons.
    public var rejected: [PlacementRecord.Rejection]
    /// Why, most telling first.
    public var reasons: [String]
    /// Per listed cluster, every filter's verdict in profile order (``DecisionDetail/full`` only), for `explain`.
    public var verdicts: [String: [FilterStatus]] = [:]
    /// Per listed cluster, the measurements the decision read, with their source and age.
    public var inputs: [String: [DecisionInput]] = [:]
    /// Per listed cluster, the telemetry fallbacks in force (`cpu: prometheus stale (412 s), used hub`).
    public var fallbacks: [String: [String]] = [:]
    /// Per cluster with a load history, the cpu and memory forecasts the decision read (model, value, interval,
    /// recent error; ``DecisionDetail/full`` only), for `explain`.
    public var forecasts: [String: [LoadForecast]] = [:]
    /// What the decision did, as a code (``PlacementOutcome``).
    public var outcome: PlacementOutcome = .unplaced
    /// Which path decided the evaluation's assignment (the same for every decision of one evaluation).
    public var path: DecisionPath = .heuristic
    /// The relative gap in percent CBC proved between its bound and the assignment that decided (0: proven
    /// optimal) when the exact step ran this evaluation; `nil` when it did not run, was stopped by its wall-clock
    /// cap, or proved no bound.
    public var solverGapPercent: Double?
    /// What the exact step did this evaluation (solver status, gap, why its answer was or was not used), for
    /// `explain`; `nil` when it did not run.
    public var solverNote: String?
    /// Whether the decision carries its full explanation (``DecisionDetail/full``: every listed cluster's texts,
    /// filter verdicts, inputs and forecasts). `false` for a ``DecisionDetail/summary`` decision and for one a
    /// reconcile explained only as far as its standing needs (the cluster, outcome, reasons, every candidate with
    /// its total and the names of the refused clusters are then those of a full decision, and so are the texts and
    /// per-plugin scores of the clusters its reasons can name, the best and the current one; other clusters' texts
    /// and scores, verdicts, inputs and forecasts are left out).
    public var fullyExplained = true
    /// Whether ``candidates`` lists every feasible cluster. `false` for a decision a reconcile kept to its record's
    /// candidates (``trimmedToRecord(top:)``): the `top` best, the chosen and the current cluster, with their texts,
    /// verdicts and inputs; ``rejected`` stays whole. The console explains such a decision again when read.
    public var listsEveryCandidate = true

    /// Whether a better cluster was found but stability (count, cooldown, move limit) kept the app where it is.
    public var held: Bool { outcome == .heldByHysteresis }

    /// Whether the app changes cluster in this decision.
    public var moves: Bool { cluster != nil && previousCluster != nil && cluster != previousCluster }

    /// Digest of the placement policy the decision was made under.
    public var policyDigest: String

    /// Stable id: digest of the app's definition, the policy and the chosen cluster (first 16 hex digits).
    /// The same id means the same decision, so its committed record is kept as it is.
    public var decisionID: String {
        String(Digest.sha256(Data("\(app.sourceDigest):\(policyDigest):\(cluster ?? "-")".utf8)).prefix(16))
    }

    /// This decision with only what its record and status read, so a reconcile of a large fleet holds a few
    /// clusters per app instead of every feasible one (10,000 apps × 1,000 clusters: about 2 KB of texts and
    /// scores per pair in full). Keeps the `top` best candidates (the record's, in order) and those of the chosen
    /// and the current cluster, and every text, verdict, input, fallback and forecast of those clusters;
    /// ``rejected``, the reasons and the outcome are untouched, so ``record(top:pinned:)`` is byte-for-byte that of
    /// the whole decision.
    public func trimmedToRecord(top: Int) -> AppDecision {
        var kept = Set(candidates.prefix(max(0, top)).map(\.cluster))
        if let cluster { kept.insert(cluster) }
        if let previousCluster { kept.insert(previousCluster) }
        var trimmed = self
        trimmed.candidates = candidates.enumerated().filter { $0.offset < top || kept.contains($0.element.cluster) }
            .map(\.element)
        trimmed.details = details.filter { kept.contains($0.key) }
        trimmed.verdicts = verdicts.filter { kept.contains($0.key) }
        trimmed.inputs = inputs.filter { kept.contains($0.key) }
        trimmed.fallbacks = fallbacks.filter { kept.contains($0.key) }
        trimmed.forecasts = forecasts.filter { kept.contains($0.key) }
        trimmed.listsEveryCandidate =
            listsEveryCandidate && trimmed.candidates.count == candidates.count
            && trimmed.details.count == details.count && trimmed.verdicts.count == verdicts.count
            && trimmed.inputs.count == inputs.count && trimmed.fallbacks.count == fallbacks.count
            && trimmed.forecasts.count == forecasts.count
        return trimmed
    }

    /// The record Placer commits, listing the `top` best candidates.
    public func record(top: Int, pinned: Bool) -> PlacementRecord {
        PlacementRecord(
            app: app.name, cluster: cluster, qosClass: app.qosClass, decisionID: decisionID, reasons: reasons,
            candidates: Array(candidates.prefix(top)), rejected: rejected, pinned: pinned, cpuCores: app.cpuCores,
            memoryBytes: app.memoryBytes)
    }
}

/// One measurement a decision read for one cluster: which metric, from where, how old.
public struct DecisionInput: Sendable, Hashable {
    /// `cpu`, `memory`, `energy`, `nodes`, `latency`, `bandwidth`, or `inventory` for the static figures.
    public var metric: String
    /// `prometheus`, `hub`, `inventory` or the inventory file.
    public var source: String
    /// Age of the newest sample in seconds; `nil` for static inventory figures.
    public var ageSeconds: Double?

    public init(metric: String, source: String, ageSeconds: Double?) {
        self.metric = metric
        self.source = source
        self.ageSeconds = ageSeconds
    }
}

/// How much explanation a decision carries.
public enum DecisionDetail: Sendable {
    /// Every feasible cluster with every plugin's score and explanation, every refused cluster with every
    /// filter's reasons and verdicts: what the Reconciler commits and `placer explain` shows.
    case full
    /// Only the policy's top candidates and the app's current cluster, with the weighted plugins' scores and no
    /// explanation texts, inputs or verdicts; only the current cluster's refusal. For large fleets, benchmarks
    /// and the simulator: no strings for clusters nobody reads.
    case summary
}

/// What a stateful decision returns: the decisions and the stability state to pass to the next one.
public struct DecisionOutcome: Sendable {
    public var decisions: [AppDecision]
    public var stability: StabilityState
}

/// Capacity held by an app that is not decided this cycle (its files are broken: it keeps its last placement).
public struct FixedPlacement: Sendable {
    public var app: String
    public var cluster: String
    public var cpuCores: Double
    public var memoryBytes: Double

    public init(app: String, cluster: String, cpuCores: Double, memoryBytes: Double) {
        self.app = app
        self.cluster = cluster
        self.cpuCores = cpuCores
        self.memoryBytes = memoryBytes
    }
}

/// Which path decided an evaluation's assignment.
public enum DecisionPath: String, Sendable, Hashable {
    /// PDLC's greedy passes and repair (the solver did not run, found nothing better, or its answer failed the
    /// filters' replay).
    case heuristic
    /// The heuristic, improved by exchange moves (one placed app out for two unplaced in).
    case exchange
    /// The local search on the exact step's program (``LocalSearch``): better than the heuristic, and CBC found
    /// nothing better within its node limit (or was stopped by its wall-clock cap).
    case localSearch = "local-search"
    /// The exact step: CBC's MILP solution, better than the heuristic's within the node limit (or proven optimal).
    case exact
}
