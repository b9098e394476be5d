import AppModel

/// Refuses failed clusters: the hub reports them unavailable (ManagedClusterConditionAvailable not True), or
/// telemetry sees none of their nodes ready (`nodeReadyFraction` 0), which the hub may not notice for minutes.
public struct AvailabilityFilter: FilterPlugin {
    public let name = "Availability"
    public init() {}

    /// Why a cluster is refused.
    public enum Reason: RejectionReason, Equatable {
        /// The hub reports the cluster unavailable.
        case clusterUnavailable
        /// Telemetry (`source`) sees no ready node.
        case noNodeReady(source: String)

        public var code: String {
            switch self {
            case .clusterUnavailable: "ClusterUnavailable"
            case .noNodeReady: "NoNodeReady"
            }
        }

        public var text: String {
            switch self {
            case .clusterUnavailable: "cluster is not available"
            case .noNodeReady(let source): "no node is ready (nodes ready 0%, \(source))"
            }
        }
    }

    /// Whether the cluster is up: available on the hub and, when measured, with at least one node ready.
    static func isUp(_ cluster: ClusterSpec) -> Bool {
        cluster.available && (cluster.telemetry?.nodeReadyFraction ?? 1) > 0
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let available = state.fleet.available
        for c in candidates where !available[c] {
            verdicts.refuse(c, Self.reason(state.clusterList[c]))
        }
    }

    private static func reason(_ cluster: ClusterSpec) -> Reason {
        cluster.available
            ? .noNodeReady(source: cluster.telemetry?.sources["nodes"] ?? "telemetry") : .clusterUnavailable
    }
}
