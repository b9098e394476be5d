import Foundation
import AppModel

/// PDLC's decision pipeline: prepare → filter → score → normalise → weigh → assign under capacity → stabilise.
///
/// All apps are assigned in one pass, Gold before Silver before BestEffort (then by name), each consuming
/// capacity for the next; a bounded repair pass then tries to place apps left without a cluster by moving one
/// already placed app aside. Scores are 0…100 per plugin, combined as Σ wᵢsᵢ / Σ wᵢ with the policy's weights
/// for the app's QoS class (or performance profile). Stability: a placed app moves for a better score only
/// when the gain reaches `minScoreGain` for `consecutiveEvaluations` evaluations in a row, its cooldown has
/// passed and the cycle's move limit allows; it leaves a cluster that became infeasible at once. A pinned app
/// never moves. Pure and deterministic: same inputs, same decisions (ties broken by cluster name).
///
/// The hot path addresses clusters by index and asks plugins only yes/no and numbers
/// (``FilterPlugin/admits(_:at:state:)``, ``ScorePlugin/rawValue(_:at:state:)``); reasons and explanations are
/// built only for the clusters a decision lists (``DecisionDetail``).
public struct PlacementEngine: Sendable {
    public let filters: [any FilterPlugin]
    public let scores: [any ScorePlugin]
    /// Apps left unplaced that the repair pass tries to place per cycle.
    public var repairLimit = 64

    public init(filters: [any FilterPlugin], scores: [any ScorePlugin]) {
        self.filters = filters
        self.scores = scores
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
    /// - Returns: one decision per app, in placement order, with ``DecisionDetail/full`` explanations.
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
    /// - Returns: one decision per app in placement order, and the stability state for the next evaluation
    ///   (entries only for the apps given).
    public func decide(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy,
        current: [String: PlacementRecord] = [:], fixed: [FixedPlacement] = [], stability: StabilityState,
        nowSeconds: Double, detail: DecisionDetail = .full
    ) -> DecisionOutcome {
        var state = CycleState(clusters: clusters, policy: policy, apps: apps)
        for (name, record) in current { if let cluster = record.cluster { state.currentCluster[name] = cluster } }
        for hold in fixed { state.consume(cpuCores: hold.cpuCores, memoryBytes: hold.memoryBytes, on: hold.cluster) }
        let ordered = apps.sorted { ($0.qosClass.rank, $0.name) < ($1.qosClass.rank, $1.name) }
        var pass = AssignmentPass(
            engine: self, detail: detail, nowSeconds: nowSeconds, stability: stability,
            movesLeft: policy.maxMovesPerCycle, scratch: Scratch(clusterCount: state.clusterList.count, plugins: scores.count))
        var decisions: [AppDecision] = []
        decisions.reserveCapacity(ordered.count)
        for app in ordered {
            let decision = pass.decideOne(app, state: &state, current: current[app.name])
            decisions.append(decision)
        }
        repair(&decisions, state: &state, detail: detail)
        var next = StabilityState()
        for app in apps { if let entry = pass.stability.apps[app.name] { next.apps[app.name] = entry } }
        return DecisionOutcome(decisions: decisions, stability: next)
    }

    /// The weights for `app`: the policy's, or 1 for every plugin when the policy gives none.
    func effectiveWeights(for app: Application, policy: PlacementPolicy) -> [Double] {
        let configured = policy.weights(for: app)
        if configured.values.contains(where: { $0 > 0 }) { return scores.map { configured[$0.name, default: 0] } }
        return scores.map { _ in 1.0 }
    }
}

/// Buffers reused across apps so the hot loop allocates nothing per app.
struct Scratch {
    var feasible: [Int] = []
    var totals: [Double] = []
    /// Per score plugin, its normalised values over `feasible`.
    var values: [[Double]]

    init(clusterCount: Int, plugins: Int) {
        feasible.reserveCapacity(clusterCount)
        totals.reserveCapacity(clusterCount)
        values = Array(repeating: [], count: plugins)
        for p in values.indices { values[p].reserveCapacity(clusterCount) }
    }
}
