import AppModel

/// Refuses clusters whose measured bandwidth (``ClusterTelemetry/bandwidthMegabitsPerSecond``) is below what
/// the app needs: its CAM `nwbandwidth` (summed, Mbit/s) to each user zone, and each CAM channel's
/// `minBandwidth` to the zone of a peer placed on another cluster. Only measured figures can refuse: the static
/// inventory has no bandwidth.
public struct BandwidthFilter: FilterPlugin {
    public let name = "Bandwidth"
    public init() {}

    /// Why a cluster is refused; bandwidths in Mbit/s.
    public enum Reason: RejectionReason, Equatable {
        /// Measured bandwidth to a user zone below the app's need.
        case toZone(zone: String, haveMegabitsPerSecond: Double, needMegabitsPerSecond: Double)
        /// Measured bandwidth to a channel peer's zone below the channel's `minBandwidth`.
        case toPeer(peer: String, haveMegabitsPerSecond: Double, needMegabitsPerSecond: Double)

        public var code: String { "InsufficientBandwidth" }

        public var text: String {
            switch self {
            case .toZone(let zone, let have, let need):
                "bandwidth \(Format.trim(have)) Mbit/s to \(zone) below needed \(Format.trim(need)) Mbit/s"
            case .toPeer(let peer, let have, let need):
                "channel to \(peer): bandwidth \(Format.trim(have)) Mbit/s below minBandwidth \(Format.trim(need)) Mbit/s"
            }
        }
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let need = app.app.bandwidthMegabitsPerSecond
        guard state.fleet.hasBandwidth, need > 0 || !app.channels.isEmpty else { return }
        let fleet = state.fleet
        for c in candidates {
            if need > 0 {
                for (k, z) in app.userZones.enumerated() where z >= 0 {
                    let have = fleet.bandwidth(c, z)
                    if !have.isNaN && have < need {
                        verdicts.refuse(
                            c,
                            Reason.toZone(
                                zone: app.app.userZones[k], haveMegabitsPerSecond: have, needMegabitsPerSecond: need))
                    }
                }
            }
            for bound in app.channels {
                guard let minimum = bound.minBandwidthMegabitsPerSecond, bound.peerCluster != c else { continue }
                let have = fleet.bandwidth(c, bound.peerZone)
                if !have.isNaN && have < minimum {
                    verdicts.refuse(
                        c, Reason.toPeer(peer: bound.peer, haveMegabitsPerSecond: have, needMegabitsPerSecond: minimum))
                }
            }
        }
    }
}
