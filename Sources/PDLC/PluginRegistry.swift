import AppModel

/// Maps plugin names to factories; the engine's profile is the list of names enabled, in order.
///
/// Score weights are not here: they come from the policy (`spec.weights`), keyed by the score plugin's name.
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

    /// Instantiates the named plugins; unknown names are returned in `unknown`.
    public func instantiate(filters filterNames: [String], scores scoreNames: [String])
        -> (filters: [any FilterPlugin], scores: [any ScorePlugin], unknown: [String])
    {
        let filterPlugins = filterNames.compactMap { filters[$0]?() }
        let scorePlugins = scoreNames.compactMap { scores[$0]?() }
        let unknown = filterNames.filter { filters[$0] == nil } + scoreNames.filter { scores[$0] == nil }
        return (filterPlugins, scorePlugins, unknown)
    }
}
