import AppModel

/// Refuses clusters where the app would take more than its CAM `appEnergyLimit` percent of the cluster's
/// energy. Energy is taken as proportional to allocated cpu (the dominant term of Kepler's node model).
public struct EnergyLimitFilter: FilterPlugin {
    public let name = "EnergyLimit"
    public init() {}

    /// The app's share of the cluster's energy (percent) is above its limit (percent).
    public struct Reason: RejectionReason, Equatable {
        public var sharePercent: Double
        public var limitPercent: Double
        public var code: String { "EnergyLimitExceeded" }
        public var text: String {
            "would use \(Format.percent(sharePercent)) of the cluster's energy, limit \(Format.percent(limitPercent))"
        }
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        guard let limit = app.app.energyLimitPercent else { return }
        for c in candidates {
            let cores = state.clusterList[c].cpuCores
            guard cores > 0 else { continue }
            let share = app.app.cpuCores / cores * 100
            if share > limit { verdicts.refuse(c, Reason(sharePercent: share, limitPercent: limit)) }
        }
    }
}
