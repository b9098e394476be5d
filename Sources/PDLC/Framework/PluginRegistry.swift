import AppModel

/// Maps plugin names to factories; a profile (the policy's `spec.profile`, ``PluginProfile``) picks which run,
/// in what order, with what default weights.
///
/// Per-class score weights are not here: they come from the policy (`spec.weights`), keyed by the score plugin's
/// name. The names a policy may use are also listed in AppModel (`PlacementPolicy.knownFilterPlugins`,
/// `knownScorePlugins`) so `placer validate` can refuse unknown ones; a PDLC test keeps both lists equal to this
/// registry's.
public struct PluginRegistry: Sendable {
    public var filters: [String: @Sendable () -> any FilterPlugin]
    public var scores: [String: @Sendable () -> any ScorePlugin]

    /// The built-in plugins.
    public static let standard = PluginRegistry(
        filters: [
            "Availability": { AvailabilityFilter() },
            "Taints": { TaintFilter() },
            "ClusterSelector": { ClusterSelectorFilter() },
            "SecurityCompliance": { TrustFilter() },
            "Capacity": { CapacityFilter() },
            "ForecastHeadroom": { ForecastHeadroomFilter() },
            "LatencyBudget": { LatencyBudgetFilter() },
            "ChannelDelay": { ChannelDelayFilter() },
            "Bandwidth": { BandwidthFilter() },
            "EnergyLimit": { EnergyLimitFilter() },
        ],
        scores: [
            "latencyMargin": { LatencyMarginScore() },
            "headroom": { HeadroomScore() },
            "energy": { EnergyScore() },
            "qosFit": { QoSFitScore() },
            "addOnScore": { AddOnScore() },
            "balance": { BalanceScore() },
            "reliability": { ReliabilityScore() },
            "migration": { MigrationScore() },
            "taintToleration": { TaintTolerationScore() },
            "channelAffinity": { ChannelAffinityScore() },
        ])

    /// The default profile: every filter in a fixed order (cheap array reads before per-zone and per-channel
    /// loops), then every score plugin.
    public static let defaultFilterOrder = [
        "Availability", "Taints", "ClusterSelector", "SecurityCompliance", "Capacity", "ForecastHeadroom",
        "LatencyBudget", "ChannelDelay", "Bandwidth", "EnergyLimit",
    ]
    public static let defaultScoreOrder = [
        "latencyMargin", "headroom", "energy", "qosFit", "addOnScore", "balance", "reliability", "migration",
        "taintToleration", "channelAffinity",
    ]

    /// A name a profile gives that this registry does not know.
    public struct UnknownPlugin: Error, Equatable {
        /// `filter` or `score`.
        public var phase: String
        public var name: String
    }

    /// The plugins `profile` enables and their default weights, by kube-scheduler's merge rule (``PluginProfile``).
    /// - Throws: ``UnknownPlugin`` for a name the registry lacks.
    public func resolve(
        _ profile: PluginProfile
    ) throws
        -> (filters: [String], scores: [String], weights: [String: Double])
    {
        func merge(
            _ set: PluginProfile.PluginSet, defaults: [String], known: [String: Any], phase: String
        ) throws
            -> [String]
        {
            for name in set.enabled.map(\.name) + set.disabled where name != "*" && known[name] == nil {
                throw UnknownPlugin(phase: phase, name: name)
            }
            var names = set.disabled.contains("*") ? [] : defaults.filter { !set.disabled.contains($0) }
            for entry in set.enabled where !names.contains(entry.name) { names.append(entry.name) }
            return names
        }
        let filterNames = try merge(profile.filter, defaults: Self.defaultFilterOrder, known: filters, phase: "filter")
        let scoreNames = try merge(profile.score, defaults: Self.defaultScoreOrder, known: scores, phase: "score")
        var weights: [String: Double] = [:]
        for entry in profile.score.enabled { if let weight = entry.weight { weights[entry.name] = weight } }
        return (filterNames, scoreNames, weights)
    }

    /// An engine running `profile`'s plugins, with `base`'s tuning (repair and retry limits) and this registry.
    /// - Throws: ``UnknownPlugin`` for a name the registry lacks.
    public func engine(for profile: PluginProfile, base: PlacementEngine = .standard()) throws -> PlacementEngine {
        let resolved = try resolve(profile)
        let plugins = instantiate(filters: resolved.filters, scores: resolved.scores)
        var engine = PlacementEngine(filters: plugins.filters, scores: plugins.scores)
        engine.profileWeights = resolved.weights
        engine.registry = self
        engine.repairLimit = base.repairLimit
        engine.retryPasses = base.retryPasses
        engine.retryPairLimit = base.retryPairLimit
        engine.localSearchMoveLimit = base.localSearchMoveLimit
        engine.saturationSettleSeconds = base.saturationSettleSeconds
        engine.prunesCandidates = base.prunesCandidates
        return engine
    }

    /// Instantiates the named plugins; unknown names are returned in `unknown`.
    public func instantiate(
        filters filterNames: [String], scores scoreNames: [String]
    )
        -> (filters: [any FilterPlugin], scores: [any ScorePlugin], unknown: [String])
    {
        let filterPlugins = filterNames.compactMap { filters[$0]?() }
        let scorePlugins = scoreNames.compactMap { scores[$0]?() }
        let unknown = filterNames.filter { filters[$0] == nil } + scoreNames.filter { scores[$0] == nil }
        return (filterPlugins, scorePlugins, unknown)
    }
}
