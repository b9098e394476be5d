import AppModel

/// One placement rule, as `placer bench quality` compares them: PDLC itself and the peers' published rules
/// (OCM Balance + Steady, OCM ResourceAllocatable, Karmada available-replicas, kube-scheduler
/// LeastAllocated + BalancedAllocation, random).
///
/// A strategy is called once per evaluation with the whole fleet and returns a cluster for every app it can
/// place. It may keep state between calls (stability counters, a seeded random generator), so it is a
/// value type driven through `mutating`. No I/O; deterministic for a given seed.
public protocol PlacementStrategy: Sendable {
    /// Short name used as the row and JSON key in benchmark output (`pdlc`, `ocm-default`, …).
    var name: String { get }

    /// Decides a cluster for each app.
    /// - Parameters:
    ///   - apps: every app, in any order.
    ///   - clusters: the fleet now, with ``ClusterSpec/telemetry`` filled in when live metrics exist.
    ///   - current: where each app runs now (app name → cluster name); empty on the first call.
    ///   - nowSeconds: simulated or wall time in seconds, for cooldowns and forecasts.
    /// - Returns: app name → cluster name; an app left out could not be placed anywhere.
    mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String]
}
