import AppModel

/// Prefers cheaper energy: min-max normalised energy cost per core-hour over the feasible clusters
/// (cheapest 100, dearest 0, all equal 100), as OCM's ResourceAllocatable prioritizers normalise.
public struct EnergyScore: ScorePlugin {
    public let name = "energy"
    public init() {}

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        // Raw value: the cost itself; normalize() turns it into a score.
        PluginScore(0, "energy \(Format.money(cluster.energyCostPerCoreHour))/core-hour")
            .with(raw: cluster.energyCostPerCoreHour)
    }

    public func normalize(_ scores: inout [String: PluginScore]) {
        let costs = scores.values.map(\.raw)
        guard let low = costs.min(), let high = costs.max() else { return }
        for (cluster, score) in scores {
            var updated = score
            updated.value = high - low < 1e-12 ? 100 : min(100, max(0, 100 * (high - score.raw) / (high - low)))
            scores[cluster] = updated
        }
    }
}
