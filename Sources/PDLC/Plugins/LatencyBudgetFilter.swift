import AppModel

/// Refuses clusters farther than the app's latency budget (CAM `nwlatency`, in ms) from any of its user zones.
public struct LatencyBudgetFilter: FilterPlugin {
    public let name = "LatencyBudget"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let budget = app.latencyBudgetMilliseconds else { return .feasible(name) }
        var reasons: [String] = []
        for zone in app.userZones {
            guard let latency = cluster.latency(to: zone) else {
                reasons.append("latency to \(zone) unknown, budget \(Format.ms(budget))")
                continue
            }
            if latency > budget { reasons.append("latency \(Format.ms(latency)) to \(zone) exceeds budget \(Format.ms(budget))") }
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }
}
