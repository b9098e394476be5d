import AppModel
import Foundation

/// PDLC's decision pipeline in kube-scheduler's phases: PreFilter and PreScore once per cycle (each plugin's state
/// in ``CycleState``) → per app: Filter → Score → NormalizeScore → weigh → assign under capacity → stabilise.
///
/// All apps are assigned in one pass, Gold before Silver before BestEffort (then by name), each consuming
/// capacity for the next; a bounded repair pass then tries to place apps left without a cluster by moving one
/// already placed app aside. Scores are 0…100 per plugin, combined as Σ wᵢsᵢ / Σ wᵢ with the policy's weights
/// for the app's QoS class (or performance profile). Stability: a placed app moves for a better score only
/// when the gain reaches `minScoreGain` for `consecutiveEvaluations` evaluations in a row, its cooldown has
/// passed and the cycle's move limit allows; it leaves a cluster that became infeasible at once. A cluster
/// saturated by measured use (``Saturation``) is infeasible for just enough of its apps, lowest QoS and smallest
/// migration cost first, which also leave at once; the others stay. A pinned app never moves. Each decision
/// carries its ``PlacementOutcome``. Pure and deterministic: same inputs, same decisions (ties broken by cluster
/// name).
///
/// Which plugins run comes from the policy's profile (``PluginProfile``, resolved by ``registry``), or the
/// engine's own plugins when the policy has none. The hot path addresses clusters by index and runs each filter
/// and score once per app over the candidate list with sinks that build no text (``FilterVerdicts``,
/// ``ScoreSink``); the same plugin code builds reasons and explanations only for the clusters a decision lists
/// (``DecisionDetail``).
public struct PlacementEngine: Sendable {
    /// The profile's filters, in the order they run.
    public let filters: [any FilterPlugin]
    /// The profile's score plugins, in order; weights come from the policy by name.
    public let scores: [any ScorePlugin]
    /// Per score plugin, itself when it normalises (``NormalizeScorePlugin``), else `nil`.
    let normalizers: [(any NormalizeScorePlugin)?]
    /// Plugins with a PreFilter or PreScore phase, run once per cycle before the first app.
    let preFilters: [any PreFilterPlugin]
    let preScores: [any PreScorePlugin]
    /// Weights the profile gives score plugins (by name), for QoS classes and performance profiles whose weight
    /// table does not name them.
    public var profileWeights: [String: Double] = [:]
    /// Where ``decide(apps:clusters:policy:current:fixed:stability:nowSeconds:detail:explainingFully:)`` finds the plugins a
    /// policy's profile names.
    public var registry: PluginRegistry = .standard
    /// Apps left unplaced that the repair pass tries to place per cycle.
    public var repairLimit = 64
    /// Extra greedy passes tried when apps are left unplaced (squeaky wheel), and the largest apps × clusters
    /// for which they run.
    public var retryPasses = 3
    public var retryPairLimit = 2_000_000
    /// Largest apps × clusters the exact step (``AssignmentMILP`` solved by CBC) models; larger evaluations keep
    /// the heuristic path (with exchange moves up to ``retryPairLimit``). The policy's
    /// ``PlacementPolicy/exactNodeLimit`` bounds its work, ``PlacementPolicy/exactWallCapMilliseconds`` its time.
    public var exactPairLimit = 20_000
    /// Improving moves the exact step's local search (``LocalSearch``) may make per evaluation before CBC runs
    /// (0 turns it off). A move count, not a time, so the decision depends on the inputs only; it runs on the
    /// evaluations the exact step models (at most ``exactPairLimit`` pairs), each round costing about
    /// apps² + apps × clusters × unplaced move checks.
    public var localSearchMoveLimit = 2000
    /// Seconds after PDLC moved an app off a saturated cluster during which the app's requests are deducted from
    /// that cluster's measured use (the measurement may still contain the app: apply delay plus the metric's
    /// rate window), so the next evaluations do not shed a second app for load that already left.
    public var saturationSettleSeconds = 300.0
    /// Whether each app is filtered only over the clusters the fleet's ``CandidateIndex`` admits for its latency
    /// budget and cluster selector (the same decisions, fewer clusters visited), or over every cluster.
    public var prunesCandidates = true
    /// Which filters the ``CandidateIndex`` may stand for: those this engine runs.
    let pruningFilters: (latency: Bool, selector: Bool)

    /// - Parameters:
    ///   - filters: the filters in the order they run.
    ///   - scores: the score plugins.
    public init(filters: [any FilterPlugin], scores: [any ScorePlugin]) {
        self.filters = filters
        self.scores = scores
        normalizers = scores.map { $0 as? any NormalizeScorePlugin }
        pruningFilters = (
            filters.contains { $0 is LatencyBudgetFilter }, filters.contains { $0 is ClusterSelectorFilter }
        )
        var seen = Set<String>()
        let plugins: [any PlacementPlugin] = (filters as [any PlacementPlugin]) + (scores as [any PlacementPlugin])
        preFilters = plugins.compactMap { $0 as? any PreFilterPlugin }.filter { seen.insert("f:" + $0.name).inserted }
        preScores = plugins.compactMap { $0 as? any PreScorePlugin }.filter { seen.insert("s:" + $0.name).inserted }
    }

    /// The cycle's state for `clusters`, `policy` and `apps`, with every plugin's PreFilter and PreScore state.
    public func cycleState(clusters: [ClusterSpec], policy: PlacementPolicy, apps: [Application] = []) -> CycleState {
        var state = CycleState(clusters: clusters, policy: policy, apps: apps)
        for plugin in preFilters { plugin.runPreFilter(&state) }
        for plugin in preScores { plugin.runPreScore(&state) }
        return state
    }

    /// The built-in profile (every standard plugin).
    public static func standard() -> PlacementEngine {
        let plugins = PluginRegistry.standard.instantiate(
            filters: PluginRegistry.defaultFilterOrder, scores: PluginRegistry.defaultScoreOrder)
        return PlacementEngine(filters: plugins.filters, scores: plugins.scores)
    }

    /// Decides a cluster for every app, with no memory of earlier evaluations (a fresh ``StabilityState``):
    /// an app leaves a cluster that became infeasible at once, but moves for a better score only when the
    /// policy's `consecutiveEvaluations` is 1.
    /// - Parameters:
    ///   - apps: the apps to place.
    ///   - clusters: the inventory.
    ///   - policy: weights, reserve and hysteresis.
    ///   - current: the committed placement records, by app (for stability and pins).
    ///   - fixed: capacity held by apps not decided now.
    /// - Returns: one decision per app in priority order (QoS class, then name), with ``DecisionDetail/full``
    ///   explanations.
    public func decide(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy,
        current: [String: PlacementRecord] = [:], fixed: [FixedPlacement] = []
    ) -> [AppDecision] {
        decide(
            apps: apps, clusters: clusters, policy: policy, current: current, fixed: fixed, stability: StabilityState(),
            nowSeconds: 0, detail: .full
        ).decisions
    }

    /// Decides a cluster for every app, remembering challengers and moves across evaluations.
    /// - Parameters:
    ///   - apps: the apps to place.
    ///   - clusters: the inventory (telemetry included when present).
    ///   - policy: weights, reserve, hysteresis and stability knobs.
    ///   - current: the committed placement records, by app.
    ///   - fixed: capacity held by apps not decided now.
    ///   - stability: the state the previous evaluation returned (a fresh one the first time).
    ///   - nowSeconds: the caller's clock in seconds, for cooldowns.
    ///   - detail: how much explanation to build.
    ///   - explainingFully: with `detail` `.full`, which decisions need their full explanation; the others carry
    ///     their standing explanation only (``AppDecision/fullyExplained`` false: the same cluster, outcome,
    ///     reasons, candidates with their totals, and refused clusters by name as a full decision, without the other
    ///     clusters' texts and per-plugin scores, the verdicts, inputs and forecasts). Asked of each decision as
    ///     first made and again of the final one (after repair and the exact step); a decision it asks for, or one a
    ///     later step changed, is explained in full by deciding again with it in full (the choices never read a
    ///     text or a score, so they are the same). `nil`: every decision in full. A reconcile asks for the decisions
    ///     whose record it rewrites.
    ///   - trimmingToRecords: with `detail` `.full`, keep each decision to what its record reads as soon as it is
    ///     made (``AppDecision/trimmedToRecord(top:)`` with the policy's `topCandidates`), so a large fleet's
    ///     evaluation never holds every app's explanation of every cluster at once. A decision a later step
    ///     (repair, exchange, the exact step) moves to a cluster its trimmed explanation left out is decided again
    ///     in full, then trimmed. Records, reasons and outcomes are those of an untrimmed evaluation.
    /// - Returns: one decision per app in priority order (QoS class, then name), and the stability state for the
    ///   next evaluation (entries only for the apps given).
    public func decide(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy,
        current: [String: PlacementRecord] = [:], fixed: [FixedPlacement] = [], stability: StabilityState,
        nowSeconds: Double, detail: DecisionDetail = .full, explainingFully: ((AppDecision) -> Bool)? = nil,
        trimmingToRecords: Bool = false
    ) -> DecisionOutcome {
        if let profile = policy.profile, let configured = try? registry.engine(for: profile, base: self) {
            var unprofiled = policy
            unprofiled.profile = nil
            return configured.decide(
                apps: apps, clusters: clusters, policy: unprofiled, current: current, fixed: fixed,
                stability: stability, nowSeconds: nowSeconds, detail: detail, explainingFully: explainingFully,
                trimmingToRecords: trimmingToRecords)
        }
        return decide(
            apps: apps, base: cycleState(clusters: clusters, policy: policy, apps: apps), current: current,
            fixed: fixed, stability: stability, nowSeconds: nowSeconds, detail: detail,
            explainingFully: explainingFully, trimmingToRecords: trimmingToRecords)
    }

    /// The fleet's cycle state (``FleetIndex`` and every plugin's PreFilter and PreScore state) for decisions
    /// that reuse it (``decide(apps:fleet:current:fixed:stability:nowSeconds:detail:)``).
    /// - Parameters:
    ///   - clusters: the inventory (telemetry included when present).
    ///   - policy: weights, reserve, forecaster and profile.
    ///   - apps: apps whose user zones the index should know (typically every app of the repo).
    /// - Returns: the prepared fleet; with a policy profile, prepared by the profile's plugins.
    public func prepare(clusters: [ClusterSpec], policy: PlacementPolicy, apps: [Application]) -> PreparedFleet {
        if let profile = policy.profile, let configured = try? registry.engine(for: profile, base: self) {
            var unprofiled = policy
            unprofiled.profile = nil
            return PreparedFleet(
                clusters: clusters, policy: policy,
                state: configured.cycleState(clusters: clusters, policy: unprofiled, apps: apps))
        }
        return PreparedFleet(
            clusters: clusters, policy: policy, state: cycleState(clusters: clusters, policy: policy, apps: apps))
    }

    /// Decides `apps` against a prepared fleet: the same decisions as
    /// ``decide(apps:clusters:policy:current:fixed:stability:nowSeconds:detail:explainingFully:)`` with `fleet`'s clusters and
    /// policy, without rebuilding the fleet's index (the one-app decision of a reconcile, a what-if). An app
    /// naming a zone the preparation does not know falls back to a fresh preparation.
    /// - Parameters:
    ///   - apps: the apps to place (typically one, with every other app's capacity in `fixed`).
    ///   - fleet: the preparation (``prepare(clusters:policy:apps:)``) for the current inventory and policy.
    ///   - current: the committed placement records, by app.
    ///   - fixed: capacity held by apps not decided now.
    ///   - stability: the state the previous evaluation returned.
    ///   - nowSeconds: the caller's clock in seconds, for cooldowns.
    ///   - detail: how much explanation to build.
    /// - Returns: as ``decide(apps:clusters:policy:current:fixed:stability:nowSeconds:detail:explainingFully:)``.
    public func decide(
        apps: [Application], fleet: PreparedFleet, current: [String: PlacementRecord] = [:],
        fixed: [FixedPlacement] = [], stability: StabilityState, nowSeconds: Double, detail: DecisionDetail = .full
    ) -> DecisionOutcome {
        guard fleet.covers(apps) else {
            return decide(
                apps: apps, clusters: fleet.clusters, policy: fleet.policy, current: current, fixed: fixed,
                stability: stability, nowSeconds: nowSeconds, detail: detail)
        }
        let base = fleet.state.indexingChannels(of: apps)
        if let profile = fleet.policy.profile, let configured = try? registry.engine(for: profile, base: self) {
            return configured.decide(
                apps: apps, base: base, current: current, fixed: fixed, stability: stability, nowSeconds: nowSeconds,
                detail: detail)
        }
        return decide(
            apps: apps, base: base, current: current, fixed: fixed, stability: stability, nowSeconds: nowSeconds,
            detail: detail)
    }

    /// The decision proper, from a cycle state with nothing consumed yet; with `explainingFully`, decided again
    /// with the apps a final decision needs in full (at most twice, then everything in full).
    private func decide(
        apps: [Application], base: CycleState, current: [String: PlacementRecord], fixed: [FixedPlacement],
        stability: StabilityState, nowSeconds: Double, detail: DecisionDetail,
        explainingFully: ((AppDecision) -> Bool)? = nil, trimmingToRecords: Bool = false
    ) -> DecisionOutcome {
        guard detail == .full, explainingFully != nil || trimmingToRecords else {
            return decideOnce(
                apps: apps, base: base, current: current, fixed: fixed, stability: stability, nowSeconds: nowSeconds,
                detail: detail, explaining: nil
            ).outcome
        }
        var forced = Set<String>()
        for _ in 0..<3 {
            let (outcome, missing) = decideOnce(
                apps: apps, base: base, current: current, fixed: fixed, stability: stability, nowSeconds: nowSeconds,
                detail: detail, explaining: (explainingFully, forced, trimmingToRecords))
            if missing.isEmpty { return outcome }
            forced.formUnion(missing)
        }
        return decideOnce(
            apps: apps, base: base, current: current, fixed: fixed, stability: stability, nowSeconds: nowSeconds,
            detail: detail, explaining: nil
        ).outcome
    }

    /// Which decisions are explained in full: those `wants` asks for (`nil`: all), and the apps in `forced`; with
    /// `trims`, each decision is kept to its record's clusters once made, except the apps in `forced`.
    typealias Explaining = (wants: ((AppDecision) -> Bool)?, forced: Set<String>, trims: Bool)

    /// One decision of every app; `missing`: the apps whose final decision needs its full explanation and lacks it.
    private func decideOnce(
        apps: [Application], base: CycleState, current: [String: PlacementRecord], fixed: [FixedPlacement],
        stability: StabilityState, nowSeconds: Double, detail: DecisionDetail, explaining: Explaining?
    ) -> (outcome: DecisionOutcome, missing: Set<String>) {
        var base = base
        for (name, record) in current { if let cluster = record.cluster { base.currentCluster[name] = cluster } }
        for hold in fixed { base.consume(cpuCores: hold.cpuCores, memoryBytes: hold.memoryBytes, on: hold.cluster) }
        for app in apps {
            if let from = stability.apps[app.name]?.shedFrom, base.currentCluster[app.name] != from,
                let c = base.clusterIndex[from]
            {
                base.shedFrom[app.name] = c
            }
        }
        // Saturated homes shed apps chosen before the pass; an app for which the pass finds no other cluster is
        // left out of the next round's choice (at most three rounds; without saturation there is one).
        var excluded = Set<String>()
        var outcome = DecisionOutcome(decisions: [], stability: stability)
        var missing = Set<String>()
        for round in 0..<3 {
            let plan = saturationPlan(
                apps: apps, state: base, current: current, stability: stability, nowSeconds: nowSeconds,
                excluding: excluded)
            (outcome, missing) = decideRound(
                apps: apps, base: base, current: current, stability: stability, nowSeconds: nowSeconds, detail: detail,
                evacuate: plan, explaining: explaining)
            let stuck = outcome.decisions.filter {
                plan[$0.app.name] != nil && ($0.cluster == nil || $0.cluster == $0.previousCluster)
            }.map(\.app.name)
            if stuck.isEmpty || round == 2 { break }
            excluded.formUnion(stuck)
        }
        return (outcome, missing)
    }

    /// One evaluation with the saturation evacuations `evacuate` fixed: passes, retries, repair, stability.
    private func decideRound(
        apps: [Application], base: CycleState, current: [String: PlacementRecord], stability: StabilityState,
        nowSeconds: Double, detail: DecisionDetail, evacuate: [String: Evacuation], explaining: Explaining?
    ) -> (outcome: DecisionOutcome, missing: Set<String>) {
        let ordered = apps.sorted { ($0.qosClass.rank, $0.name) < ($1.qosClass.rank, $1.name) }
        // Passes explain nothing; the winning order is replayed with the detail asked for at the end (same choices).
        var best = pass(
            ordered, state: base, current: current, stability: stability, nowSeconds: nowSeconds, detail: .summary,
            evacuate: evacuate)
        var winner = ordered
        // Retries when apps are left out, on fleets small enough for a few extra passes; the better pass wins.
        // First smallest-first within each QoS class (placing the most apps under capacity is a knapsack
        // problem, for which small-first is the classic greedy), then squeaky-wheel passes (Joslin & Clements,
        // JAIR 1999) that put the apps left out first within their class.
        if apps.count * base.clusterList.count <= retryPairLimit
            && best.decisions.contains(where: { $0.cluster == nil })
        {
            let totalCPU = max(1e-9, base.clusterList.reduce(0) { $0 + $1.cpuCores })
            let totalMemory = max(1, base.clusterList.reduce(0) { $0 + $1.memoryBytes })
            func size(_ app: Application) -> Double { max(app.cpuCores / totalCPU, app.memoryBytes / totalMemory) }
            let smallFirst = apps.sorted {
                ($0.qosClass.rank, size($0), $0.name) < ($1.qosClass.rank, size($1), $1.name)
            }
            var order = smallFirst
            let first = pass(
                order, state: base, current: current, stability: stability, nowSeconds: nowSeconds, detail: .summary,
                evacuate: evacuate)
            if first.isBetter(than: best) {
                best = first
                winner = order
            }
            var squeaky = Set<String>()
            var last = first
            for _ in 0..<retryPasses {
                let unplaced = last.decisions.filter { $0.cluster == nil }.map(\.app.name)
                guard !unplaced.isEmpty, !squeaky.isSuperset(of: unplaced) else { break }
                squeaky.formUnion(unplaced)
                order = smallFirst.enumerated().sorted {
                    ($0.element.qosClass.rank, squeaky.contains($0.element.name) ? 0 : 1, $0.offset)
                        < ($1.element.qosClass.rank, squeaky.contains($1.element.name) ? 0 : 1, $1.offset)
                }.map(\.element)
                last = pass(
                    order, state: base, current: current, stability: stability, nowSeconds: nowSeconds,
                    detail: .summary, evacuate: evacuate)
                if last.isBetter(than: best) {
                    best = last
                    winner = order
                }
            }
        }
        if detail == .full {
            best = pass(
                winner, state: base, current: current, stability: stability, nowSeconds: nowSeconds, detail: detail,
                evacuate: evacuate, explaining: explaining)
        }
        var decisions = best.decisions
        let passChose = explaining == nil ? [:] : Dictionary(decisions.map { ($0.app.name, $0.cluster) }) { a, _ in a }
        repair(&decisions, state: &best.state, detail: detail)
        var stabilityAfter = best.stability
        improve(
            &decisions, state: &best.state, base: base, current: current, prior: stability,
            stability: &stabilityAfter, nowSeconds: nowSeconds, evacuate: evacuate)
        let position = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.name, $0) })
        decisions.sort { position[$0.app.name, default: 0] < position[$1.app.name, default: 0] }
        var next = StabilityState()
        for app in apps { if let entry = stabilityAfter.apps[app.name] { next.apps[app.name] = entry } }
        // A decision repair or the exact step changed reads texts of clusters its standing or trimmed explanation
        // left out.
        var missing = Set<String>()
        if let explaining {
            for decision in decisions where !decision.fullyExplained || !decision.listsEveryCandidate {
                let changed = passChose[decision.app.name].map { $0 != decision.cluster } ?? true
                if changed || (!decision.fullyExplained && explaining.wants?(decision) != false) {
                    missing.insert(decision.app.name)
                }
            }
            if explaining.trims && missing.isEmpty {
                let top = base.policy.topCandidates
                for index in decisions.indices where decisions[index].listsEveryCandidate {
                    decisions[index] = decisions[index].trimmedToRecord(top: top)
                }
            }
        }
        return (DecisionOutcome(decisions: decisions, stability: next), missing)
    }

    /// One greedy pass over the apps in `order`.
    private func pass(
        _ order: [Application], state: CycleState, current: [String: PlacementRecord], stability: StabilityState,
        nowSeconds: Double, detail: DecisionDetail, evacuate: [String: Evacuation], explaining: Explaining? = nil
    ) -> PassResult {
        var state = state
        var walk = AssignmentPass(
            engine: self, detail: detail, nowSeconds: nowSeconds, stability: stability,
            movesLeft: state.policy.maxMovesPerCycle, evacuate: evacuate,
            scratch: Scratch(clusterCount: state.clusterList.count, plugins: scores.count),
            explainsFully: explaining?.wants ?? nil, forcedFull: explaining?.forced ?? [],
            trimsToRecord: explaining?.trims ?? false)
        var decisions: [AppDecision] = []
        decisions.reserveCapacity(order.count)
        for app in order { decisions.append(walk.decideOne(app, state: &state, current: current[app.name])) }
        return PassResult(decisions: decisions, state: state, stability: walk.stability)
    }

    /// The weights for `app`, aligned with ``scores``: the policy's for its class or performance profile, where
    /// they do not name a plugin the profile's weight (``profileWeights``), or 1 for every plugin when neither
    /// gives a positive weight.
    func effectiveWeights(for app: Application, policy: PlacementPolicy) -> [Double] {
        var configured = policy.weights(for: app)
        for (name, weight) in profileWeights where configured[name] == nil { configured[name] = weight }
        if configured.values.contains(where: { $0 > 0 }) { return scores.map { configured[$0.name, default: 0] } }
        return scores.map { _ in 1.0 }
    }
}

/// The outcome of one greedy pass.
struct PassResult {
    var decisions: [AppDecision]
    var state: CycleState
    var stability: StabilityState

    /// More Gold apps placed, else more Silver, else more BestEffort, else a higher sum of chosen totals.
    func isBetter(than other: PassResult) -> Bool {
        let mine = tally()
        let theirs = other.tally()
        if mine.placed != theirs.placed { return mine.placed.lexicographicallyPrecedes(theirs.placed, by: >) }
        return mine.score > theirs.score + 1e-9
    }

    private func tally() -> (placed: [Int], score: Double) {
        var placed = [0, 0, 0]
        var score = 0.0
        for decision in decisions {
            guard let cluster = decision.cluster else { continue }
            placed[decision.app.qosClass.rank] += 1
            score += decision.candidates.first { $0.cluster == cluster }?.total ?? 0
        }
        return (placed, score)
    }
}

/// Buffers reused across apps so the hot loop allocates nothing per app.
struct Scratch {
    var feasible: [Int] = []
    var totals: [Double] = []
    /// Per score plugin, its normalised values over `feasible`.
    var values: [[Double]]
    /// Clusters the last filter refused (as reported, possibly repeated), and a mark per cluster index used to
    /// drop them from `feasible` (all false between filters).
    var refused: [Int] = []
    private var marked: [Bool]

    init(clusterCount: Int, plugins: Int) {
        feasible.reserveCapacity(clusterCount)
        totals.reserveCapacity(clusterCount)
        refused.reserveCapacity(clusterCount)
        marked = Array(repeating: false, count: clusterCount)
        values = Array(repeating: [], count: plugins)
        for p in values.indices { values[p].reserveCapacity(clusterCount) }
    }

    /// Removes the clusters in `refused` from `feasible`, keeping the order.
    mutating func removeRefused() {
        var mark: [Bool] = []
        swap(&mark, &marked)
        for c in refused { mark[c] = true }
        feasible.removeAll { mark[$0] }
        for c in refused { mark[c] = false }
        swap(&mark, &marked)
    }
}
