import AppModel

/// Refuses clusters too far from already-placed peer apps: a CAM service channel's `maxDelay` bounds the
/// latency between the two apps' clusters, whichever side declared the channel. The same cluster is 0 ms
/// away; an unknown route never satisfies a bound.
public struct ChannelDelayFilter: FilterPlugin {
    public let name = "ChannelDelay"
    public init() {}

    /// The latency (ms, ∞ when unknown) to `peer` on `peerCluster` exceeds the channel's `maxDelay` (ms).
    public struct Reason: RejectionReason, Equatable {
        public var peer: String
        public var peerCluster: String
        public var latencyMilliseconds: Double
        public var maxDelayMilliseconds: Double
        public var code: String { "ChannelDelayExceeded" }
        public var text: String {
            "channel to \(peer) on \(peerCluster): \(Format.ms(latencyMilliseconds)) exceeds maxDelay \(Format.ms(maxDelayMilliseconds))"
        }
    }

    /// Latency in ms between cluster `c` and the peer's cluster; `nan` when unknown.
    static func latency(_ c: Int, _ bound: PreparedApp.ChannelBound, _ fleet: FleetIndex) -> Double {
        bound.peerCluster == c ? 0 : fleet.latency(c, bound.peerZone)
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        guard !app.channels.isEmpty else { return }
        for c in candidates {
            for bound in app.channels {
                guard let maxDelay = bound.maxDelayMilliseconds else { continue }
                let latency = Self.latency(c, bound, state.fleet)
                if latency.isNaN || latency > maxDelay {
                    verdicts.refuse(
                        c,
                        Reason(
                            peer: bound.peer, peerCluster: state.clusterList[bound.peerCluster].name,
                            latencyMilliseconds: latency.isNaN ? .infinity : latency, maxDelayMilliseconds: maxDelay))
                }
            }
        }
    }
}
