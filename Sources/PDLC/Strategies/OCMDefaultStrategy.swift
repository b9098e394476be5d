import AppModel

/// OCM's default Placement scheduling: Additive prioritizer mode with its defaults, Steady (weight 1) and
/// Balance (weight 1), one Placement per app with `numberOfClusters: 1` (see ``OCMPrioritizers``).
///
/// Like the real controller it ignores latency, energy and QoS; like every real system it still respects
/// availability, requests ≤ allocatable, label predicates and `NoSelect` taints.
public struct OCMDefaultStrategy: PlacementStrategy {
    public let name = "ocm-default"

    public init() {}

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        OCMPrioritizers.schedule(apps: apps, clusters: clusters, current: current)
    }
}
