import AppModel

/// Prefers cheaper energy: min-max normalised energy price per core-hour over the feasible clusters
/// (cheapest 100, dearest 0, all equal 100), as OCM's ResourceAllocatable prioritizers normalise. The price is
/// the telemetry's (`energyCostPerCoreHour`) when present, else the inventory's; measured power
/// (`energyWatts`, Kepler) is shown in the explanation.
public struct EnergyScore: ScorePlugin {
    public let name = "energy"
    public init() {}

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        let cost = cluster.effectiveEnergyCostPerCoreHour
        var detail = "energy \(Format.money(cost))/core-hour"
        if let telemetry = cluster.telemetry {
            let source = telemetry.energyCostPerCoreHour != nil ? (telemetry.sources["energy"] ?? "telemetry") : "inventory"
            detail += " (\(source))"
            if let watts = telemetry.energyWatts { detail += ", drawing \(Format.trim(watts)) W" }
        }
        // Raw value: the cost itself; normalize() turns it into a score.
        return PluginScore(0, detail).with(raw: cost)
    }

    public func normalize(_ scores: inout [String: PluginScore]) { MinMax.normalize(&scores, higherIsBetter: false) }

    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        state.fleet.energyCostPerCoreHour[c]
    }

    public func normalize(values: inout [Double]) { MinMax.normalize(&values, higherIsBetter: false) }
}
