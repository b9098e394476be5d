import AppModel

/// What an OCM operator would write with what OCM ships, when latency matters: per app a Placement
/// (`numberOfClusters: 1`) whose `predicates` select the site of the app's users (label `placer.dev/site` of
/// the clusters in its user zones, when those zones are all at one site), `prioritizerPolicy` Additive with
/// Steady (weight 1), Balance (weight 1) and an `AddOn` prioritizer (weight 3) reading a latency score that a
/// scorer add-on publishes per cluster as an `AddOnPlacementScore` (one score item per user zone, OCM's
/// −100…100 range: `100 − 2 × round-trip ms`, clamped).
///
/// Source: OCM Placement API (`cluster.open-cluster-management.io/v1beta1`, `spec.predicates`,
/// `spec.prioritizerPolicy.configurations[].scoreCoordinate.type: AddOn`) and the AddOnPlacementScore CRD
/// (`/work/shared/reference/ocm`, CONTRACT.md §4). Like the real controller it has no latency budget (a score
/// is not a constraint), no forecast and no QoS order; it respects availability, requests ≤ allocatable,
/// predicates and `NoSelect` taints (``OCMPrioritizers/schedule(apps:clusters:current:extra:)``).
public struct OCMAddOnLatencyStrategy: PlacementStrategy {
    public let name = "ocm-addon-latency"
    public static let siteLabel = "placer.dev/site"
    /// Weight of the AddOn latency prioritizer.
    public var addOnWeight: Double

    public init(addOnWeight: Double = 3) {
        self.addOnWeight = addOnWeight
    }

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        // Site of each zone: the site label of the clusters in it (when they agree).
        var siteOfZone: [String: String?] = [:]
        for cluster in clusters {
            guard let site = cluster.labels[Self.siteLabel] else { continue }
            if let known = siteOfZone[cluster.zone], known != site {
                siteOfZone[cluster.zone] = .some(nil)
            } else {
                siteOfZone[cluster.zone] = site
            }
        }
        let selected = apps.map { app -> Application in
            var app = app
            let sites = Set(app.userZones.map { siteOfZone[$0] ?? nil })
            if sites.count == 1, let only = sites.first, let site = only, app.clusterSelector[Self.siteLabel] == nil {
                app.clusterSelector[Self.siteLabel] = site
            }
            return app
        }
        let weight = addOnWeight
        return OCMPrioritizers.schedule(apps: selected, clusters: clusters, current: current) {
            ledger, app, candidates in
            candidates.map { c in
                let cluster = ledger.clusters[c]
                let worst =
                    app.userZones.compactMap { cluster.telemetry?.latencyMilliseconds[$0] ?? cluster.latency(to: $0) }
                    .max() ?? 0
                return weight * min(100, max(-100, (100 - 2 * worst).rounded(.towardZero)))
            }
        }
    }
}
