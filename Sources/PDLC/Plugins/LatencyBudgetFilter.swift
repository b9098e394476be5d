import AppModel

/// Refuses clusters farther than the app's latency budget (CAM `nwlatency`, in ms) from any of its user zones.
/// Latency is the measured one (``ClusterTelemetry/latencyMilliseconds``) when present, else the inventory's.
public struct LatencyBudgetFilter: FilterPlugin {
    public let name = "LatencyBudget"
    public init() {}

    /// Why a cluster is refused: latencies and budget in ms.
    public enum Reason: RejectionReason, Equatable {
        /// No latency is known from the cluster to `zone`.
        case unknown(zone: String, budgetMilliseconds: Double)
        /// The latency to `zone` exceeds the budget; `measured` when the cluster has measured latencies.
        case overBudget(latencyMilliseconds: Double, measured: Bool, zone: String, budgetMilliseconds: Double)

        public var code: String {
            switch self {
            case .unknown: "LatencyUnknown"
            case .overBudget: "LatencyOverBudget"
            }
        }

        public var text: String {
            switch self {
            case .unknown(let zone, let budget): "latency to \(zone) unknown, budget \(Format.ms(budget))"
            case .overBudget(let latency, let measured, let zone, let budget):
                "latency \(Format.ms(latency))\(measured ? " (measured)" : "") to \(zone) exceeds budget \(Format.ms(budget))"
            }
        }
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        guard let budget = app.app.latencyBudgetMilliseconds, !app.userZones.isEmpty else { return }
        let fleet = state.fleet
        for c in candidates {
            for (k, z) in app.userZones.enumerated() {
                let latency = z >= 0 ? fleet.latency(c, z) : .nan
                if latency.isNaN {
                    verdicts.refuse(c, Reason.unknown(zone: app.app.userZones[k], budgetMilliseconds: budget))
                } else if latency > budget {
                    verdicts.refuse(
                        c,
                        Reason.overBudget(
                            latencyMilliseconds: latency,
                            measured: state.clusterList[c].telemetry?.latencyMilliseconds.isEmpty == false,
                            zone: app.app.userZones[k], budgetMilliseconds: budget))
                }
            }
        }
    }
}
