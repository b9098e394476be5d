import AppModel

/// Refuses clusters whose measured bandwidth (``ClusterTelemetry/bandwidthMegabitsPerSecond``) is below what
/// the app needs: its CAM `nwbandwidth` (summed, Mbit/s) to each user zone, and each CAM channel's
/// `minBandwidth` to the zone of a peer placed on another cluster. Only measured figures can refuse: the static
/// inventory has no bandwidth.
public struct BandwidthFilter: FilterPlugin {
    public let name = "Bandwidth"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let c = state.clusterIndex[cluster.name] else { return .feasible(name) }
        let prepared = state.prepare(app)
        var reasons: [String] = []
        if app.bandwidthMegabitsPerSecond > 0 {
            for (zone, z) in zip(app.userZones, prepared.userZones) where z >= 0 {
                let have = state.fleet.bandwidth(c, z)
                if !have.isNaN && have < app.bandwidthMegabitsPerSecond {
                    reasons.append("bandwidth \(Format.trim(have)) Mbit/s to \(zone) below needed \(Format.trim(app.bandwidthMegabitsPerSecond)) Mbit/s")
                }
            }
        }
        for bound in prepared.channels {
            guard let need = bound.minBandwidthMegabitsPerSecond, bound.peerCluster != c else { continue }
            let have = state.fleet.bandwidth(c, bound.peerZone)
            if !have.isNaN && have < need {
                reasons.append("channel to \(bound.peer): bandwidth \(Format.trim(have)) Mbit/s below minBandwidth \(Format.trim(need)) Mbit/s")
            }
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard state.fleet.hasBandwidth, app.app.bandwidthMegabitsPerSecond > 0 || !app.channels.isEmpty else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        let need = app.app.bandwidthMegabitsPerSecond
        if need > 0 {
            for z in app.userZones where z >= 0 {
                let have = state.fleet.bandwidth(c, z)
                if !have.isNaN && have < need { return false }
            }
        }
        for bound in app.channels {
            guard let need = bound.minBandwidthMegabitsPerSecond, bound.peerCluster != c else { continue }
            let have = state.fleet.bandwidth(c, bound.peerZone)
            if !have.isNaN && have < need { return false }
        }
        return true
    }
}
