import AppModel

/// Prefers cheaper energy: min-max normalised energy price per core-hour over the feasible clusters
/// (cheapest 100, dearest 0, all equal 100), as OCM's ResourceAllocatable prioritizers normalise. The price is
/// the telemetry's (`energyCostPerCoreHour`) when present, else the inventory's; measured power
/// (`energyWatts`, Kepler) is shown in the explanation.
public struct EnergyScore: PreScorePlugin, NormalizeScorePlugin {
    public let name = "energy"
    public init() {}

    /// Energy price in EUR per core-hour, per cluster index.
    public struct State: Sendable { public var costPerCoreHour: [Double] }

    public func preScore(_ state: CycleState) -> State {
        State(costPerCoreHour: state.clusterList.map(\.effectiveEnergyCostPerCoreHour))
    }

    /// Appends the price itself (raw); ``normalize(_:)`` turns it into a score.
    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let costs = cycleState(state).costPerCoreHour
        for c in clusters { scores.add(costs[c], Self.detail(state.clusterList[c])) }
    }

    public func normalize(_ scores: inout [Double]) { MinMax.normalize(&scores, higherIsBetter: false) }

    private static func detail(_ cluster: ClusterSpec) -> String {
        var detail = "energy \(Format.money(cluster.effectiveEnergyCostPerCoreHour))/core-hour"
        if let telemetry = cluster.telemetry {
            let source =
                telemetry.energyCostPerCoreHour != nil ? (telemetry.sources["energy"] ?? "telemetry") : "inventory"
            detail += " (\(source))"
            if let watts = telemetry.energyWatts { detail += ", drawing \(Format.trim(watts)) W" }
        }
        return detail
    }
}
