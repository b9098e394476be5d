import AppModel

/// PDLC's decision pipeline: filter → score → normalise → weigh → assign under capacity → stabilise.
///
/// All apps are assigned in one pass, Gold before Silver before BestEffort (then by name), each consuming
/// capacity for the next. Scores are 0…100 per plugin, combined as Σ wᵢsᵢ / Σ wᵢ with the policy's weights
/// for the app's QoS class (or performance profile). A placed app stays unless another cluster beats its
/// current one by `minScoreGain` points or its cluster became infeasible; a pinned app never moves. Pure and
/// deterministic: same inputs, same decisions (ties broken by cluster name).
public struct PlacementEngine: Sendable {
    public let filters: [any FilterPlugin]
    public let scores: [any ScorePlugin]

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

    /// Decides a cluster for every app.
    /// - Parameters:
    ///   - apps: the apps to place.
    ///   - clusters: the inventory.
    ///   - policy: weights, reserve and hysteresis.
    ///   - current: the committed placement records, by app (for stability and pins).
    ///   - fixed: capacity held by apps not decided now.
    /// - Returns: one decision per app, in placement order.
    public func decide(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy,
        current: [String: PlacementRecord] = [:], fixed: [FixedPlacement] = []
    ) -> [AppDecision] {
        var state = CycleState(clusters: clusters, policy: policy)
        for hold in fixed { state.consume(cpuCores: hold.cpuCores, memoryBytes: hold.memoryBytes, on: hold.cluster) }
        let ordered = apps.sorted { ($0.qosClass.rank, $0.name) < ($1.qosClass.rank, $1.name) }
        let sortedClusters = clusters.sorted { $0.name < $1.name }
        var decisions: [AppDecision] = []
        for app in ordered {
            let decision = decideOne(app, clusters: sortedClusters, state: state, current: current[app.name])
            if let cluster = decision.cluster {
                state.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, on: cluster)
                state.record(app, on: cluster)
            }
            decisions.append(decision)
        }
        return decisions
    }

    private func decideOne(
        _ app: Application, clusters: [ClusterSpec], state: CycleState, current: PlacementRecord?
    ) -> AppDecision {
        var feasible: [ClusterSpec] = []
        var rejected: [PlacementRecord.Rejection] = []
        for cluster in clusters {
            let refusals = filters.map { $0.filter(app, on: cluster, state: state) }.filter { $0.code == .unschedulable }
            if refusals.isEmpty {
                feasible.append(cluster)
            } else {
                rejected.append(.init(cluster: cluster.name, reasons: refusals.flatMap { r in r.reasons.map { "\(r.plugin): \($0)" } }))
            }
        }
        let weights = effectiveWeights(for: app, policy: state.policy)
        var perPlugin: [String: [String: PluginScore]] = [:]
        for plugin in scores {
            var table: [String: PluginScore] = [:]
            for cluster in feasible { table[cluster.name] = plugin.score(app, on: cluster, state: state) }
            plugin.normalize(&table)
            perPlugin[plugin.name] = table
        }
        let weightSum = weights.values.reduce(0, +)
        var candidates: [PlacementRecord.Candidate] = []
        var details: [String: [String: String]] = [:]
        for cluster in feasible {
            var values: [String: Double] = [:]
            var total = 0.0
            for plugin in scores {
                guard let score = perPlugin[plugin.name]?[cluster.name] else { continue }
                values[plugin.name] = score.value
                details[cluster.name, default: [:]][plugin.name] = score.detail
                total += weights[plugin.name, default: 0] * score.value
            }
            candidates.append(.init(cluster: cluster.name, total: weightSum > 0 ? total / weightSum : 0, scores: values))
        }
        candidates.sort { ($1.total, $0.cluster) < ($0.total, $1.cluster) }

        let previous = current?.cluster
        var decision = AppDecision(
            app: app, cluster: candidates.first?.cluster, previousCluster: previous, candidates: candidates,
            details: details, rejected: rejected, reasons: [], policyDigest: state.policy.digest)
        let best = candidates.first
        let kept = candidates.first { $0.cluster == previous }
        if let previous, current?.pinned == true {
            decision.cluster = previous
            decision.reasons = ["pinned to \(previous) by a human; Placer does not move it"]
            if kept == nil { decision.reasons.append("warning: \(previous) no longer passes the filters") }
            return decision
        }
        guard let best else {
            decision.cluster = previous
            decision.reasons = [previous.map { "no feasible cluster; kept on \($0)" } ?? "no feasible cluster"]
            return decision
        }
        if let kept, kept.cluster != best.cluster, best.total - kept.total < state.policy.minScoreGain {
            decision.cluster = kept.cluster
            decision.reasons = explain(app, on: kept, details: details, weights: weights) + [
                "stays on \(kept.cluster): \(best.cluster) would gain only \(Format.trim(best.total - kept.total)) points (< \(Format.trim(state.policy.minScoreGain)))"
            ]
            return decision
        }
        var reasons = explain(app, on: best, details: details, weights: weights)
        if let runnerUp = candidates.dropFirst().first {
            reasons.append("score \(Format.trim(best.total, digits: 1)) beats \(runnerUp.cluster) \(Format.trim(runnerUp.total, digits: 1))")
        } else {
            reasons.append("only feasible cluster (score \(Format.trim(best.total, digits: 1)))")
        }
        if let previous, previous != best.cluster {
            // The cause of a move leads: it is what a reviewer of the commit needs first.
            if let refusal = rejected.first(where: { $0.cluster == previous }) {
                reasons.insert("moved from \(previous): \(refusal.reasons.joined(separator: "; "))", at: 0)
            } else if let kept {
                reasons.insert(
                    "moved from \(previous): \(best.cluster) scores \(Format.trim(best.total - kept.total)) points higher (threshold \(Format.trim(state.policy.minScoreGain)))",
                    at: 0)
            } else {
                reasons.insert("moved from \(previous): it is no longer in the inventory", at: 0)
            }
        }
        decision.reasons = reasons
        return decision
    }

    /// The chosen cluster's criteria, strongest weighted contribution first (top two).
    private func explain(
        _ app: Application, on candidate: PlacementRecord.Candidate, details: [String: [String: String]],
        weights: [String: Double]
    ) -> [String] {
        let ranked = candidate.scores.sorted {
            (weights[$1.key, default: 0] * $1.value, $0.key) < (weights[$0.key, default: 0] * $0.value, $1.key)
        }
        return ranked.prefix(2).compactMap { details[candidate.cluster]?[$0.key] }
    }

    private func effectiveWeights(for app: Application, policy: PlacementPolicy) -> [String: Double] {
        let configured = policy.weights(for: app)
        if configured.values.contains(where: { $0 > 0 }) { return configured }
        return Dictionary(uniqueKeysWithValues: scores.map { ($0.name, 1.0) })
    }
}
