import AppModel

/// Refuses clusters where the app would take more than its CAM `appEnergyLimit` percent of the cluster's
/// energy. Energy is taken as proportional to allocated cpu (the dominant term of Kepler's node model) until
/// live energy metrics feed PDLC.
public struct EnergyLimitFilter: FilterPlugin {
    public let name = "EnergyLimit"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let limit = app.energyLimitPercent, cluster.cpuCores > 0 else { return .feasible(name) }
        let share = app.cpuCores / cluster.cpuCores * 100
        guard share > limit else { return .feasible(name) }
        return .unschedulable(name, "would use \(Format.percent(share)) of the cluster's energy, limit \(Format.percent(limit))")
    }
}
