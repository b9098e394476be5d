import AppModel

/// Refuses clusters farther than the app's latency budget (CAM `nwlatency`, in ms) from any of its user zones.
/// Latency is the measured one (``ClusterTelemetry/latencyMilliseconds``) when present, else the inventory's.
public struct LatencyBudgetFilter: FilterPlugin {
    public let name = "LatencyBudget"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let budget = app.latencyBudgetMilliseconds else { return .feasible(name) }
        var reasons: [String] = []
        let measured = cluster.telemetry?.latencyMilliseconds.isEmpty == false ? " (measured)" : ""
        for zone in app.userZones {
            guard let latency = cluster.effectiveLatency(to: zone) else {
                reasons.append("latency to \(zone) unknown, budget \(Format.ms(budget))")
                continue
            }
            if latency > budget {
                reasons.append("latency \(Format.ms(latency))\(measured) to \(zone) exceeds budget \(Format.ms(budget))")
            }
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard app.app.latencyBudgetMilliseconds != nil, !app.app.userZones.isEmpty else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        guard let budget = app.app.latencyBudgetMilliseconds else { return true }
        for z in app.userZones {
            guard z >= 0 else { return false }
            let latency = state.fleet.latency(c, z)
            if latency.isNaN || latency > budget { return false }
        }
        return true
    }
}
