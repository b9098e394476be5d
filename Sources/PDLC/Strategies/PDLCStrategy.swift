import AppModel

/// PDLC itself as a ``PlacementStrategy``: the full pipeline with stability, carrying ``StabilityState``
/// between calls so hysteresis, cooldowns and the move limit work across evaluations.
public struct PDLCStrategy: PlacementStrategy {
    /// `pdlc`, or `pdlc-<forecaster>` for a variant with another forecaster next to it.
    public let name: String
    public let policy: PlacementPolicy
    public let engine: PlacementEngine
    /// Challengers, win counts and last-move times, as left by the previous call.
    public private(set) var stability = StabilityState()

    public init(policy: PlacementPolicy, engine: PlacementEngine = .standard(), name: String = "pdlc") {
        self.name = name
        self.policy = policy
        self.engine = engine
    }

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        var records: [String: PlacementRecord] = [:]
        for app in apps {
            guard let cluster = current[app.name] else { continue }
            records[app.name] = PlacementRecord(
                app: app.name, cluster: cluster, qosClass: app.qosClass, decisionID: "", reasons: [], candidates: [],
                rejected: [], pinned: false)
        }
        let outcome = engine.decide(
            apps: apps, clusters: clusters, policy: policy, current: records, stability: stability,
            nowSeconds: nowSeconds, detail: .summary)
        stability = outcome.stability
        var result: [String: String] = [:]
        for decision in outcome.decisions { if let cluster = decision.cluster { result[decision.app.name] = cluster } }
        return result
    }
}
