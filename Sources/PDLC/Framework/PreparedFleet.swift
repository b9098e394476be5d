import AppModel

/// A fleet's cycle state prepared once and kept between decisions: the ``FleetIndex`` (zones, latency and
/// bandwidth matrices, capacity after the reserve, measured and forecast load) and every plugin's PreFilter and
/// PreScore state, before any capacity is consumed.
///
/// Building it is the fleet's cost (at 1,000 clusters most of it is fitting a load forecast per cluster and
/// series); deciding one app against it costs that app's Filter and Score over the candidates. A caller keeps one
/// while ``matches(clusters:policy:)`` holds (the inventory, its telemetry and the policy are unchanged) and
/// prepares a new one otherwise. Decisions made against it are the ones
/// ``PlacementEngine/decide(apps:clusters:policy:current:fixed:stability:nowSeconds:detail:explainingFully:)`` makes for the same
/// apps: PreFilter and PreScore read only the fleet and the policy, never an app (``PreFilterPlugin``), and zone
/// indices never reach a decision.
public struct PreparedFleet: Sendable {
    /// The inventory it was prepared for, as given.
    public let clusters: [ClusterSpec]
    /// The policy it was prepared for, profile included.
    public let policy: PlacementPolicy
    /// The cycle state with nothing consumed, no current placements and no channels indexed.
    let state: CycleState

    init(clusters: [ClusterSpec], policy: PlacementPolicy, state: CycleState) {
        self.clusters = clusters
        self.policy = policy
        self.state = state
    }

    /// The number of clusters in the index (duplicates by name counted once).
    public var clusterCount: Int { state.clusterList.count }

    /// Whether this preparation still describes `clusters` under `policy` (both compared by value, telemetry
    /// included), so decisions may reuse it.
    public func matches(clusters: [ClusterSpec], policy: PlacementPolicy) -> Bool {
        self.policy == policy && self.clusters == clusters
    }

    /// Whether every user zone of `apps` is in the index; an app naming a zone no cluster, latency or prepared
    /// app knows needs a new preparation that interns it.
    public func covers(_ apps: [Application]) -> Bool {
        apps.allSatisfy { app in app.userZones.allSatisfy { state.fleet.zoneIndex[$0] != nil } }
    }
}

extension CycleState {
    /// This state with the channels of `apps` indexed instead of those it was built with (``channelsTo``).
    func indexingChannels(of apps: [Application]) -> CycleState {
        var state = self
        state.channelsTo = [:]
        for app in apps {
            for channel in app.peerChannels {
                state.channelsTo[channel.app, default: []].append((app.appName, channel))
            }
        }
        return state
    }
}
