import AppModel

/// Refuses clusters where the app would take more than its CAM `appEnergyLimit` percent of the cluster's
/// energy. Energy is taken as proportional to allocated cpu (the dominant term of Kepler's node model).
public struct EnergyLimitFilter: FilterPlugin {
    public let name = "EnergyLimit"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let limit = app.energyLimitPercent, cluster.cpuCores > 0 else { return .feasible(name) }
        let share = app.cpuCores / cluster.cpuCores * 100
        guard share > limit else { return .feasible(name) }
        return .unschedulable(name, "would use \(Format.percent(share)) of the cluster's energy, limit \(Format.percent(limit))")
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard app.app.energyLimitPercent != nil else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        guard let limit = app.app.energyLimitPercent else { return true }
        let cores = state.clusterList[c].cpuCores
        return cores <= 0 || app.app.cpuCores / cores * 100 <= limit
    }
}
