import AppModel

/// Refuses clusters too far from already-placed peer apps: a CAM service channel's `maxDelay` bounds the
/// latency between the two apps' clusters, whichever side declared the channel. The same cluster is 0 ms
/// away; an unknown route never satisfies a bound.
public struct ChannelDelayFilter: FilterPlugin {
    public let name = "ChannelDelay"
    public init() {}

    /// Latency in ms between cluster `c` and the peer's cluster; `nan` when unknown.
    static func latency(_ c: Int, _ bound: PreparedApp.ChannelBound, _ fleet: FleetIndex) -> Double {
        bound.peerCluster == c ? 0 : fleet.latency(c, bound.peerZone)
    }

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let c = state.clusterIndex[cluster.name] else { return .feasible(name) }
        var reasons: [String] = []
        for bound in state.prepare(app).channels {
            guard let maxDelay = bound.maxDelayMilliseconds else { continue }
            var latency = Self.latency(c, bound, state.fleet)
            if latency.isNaN { latency = .infinity }
            if latency > maxDelay {
                let peerCluster = state.clusterList[bound.peerCluster].name
                reasons.append("channel to \(bound.peer) on \(peerCluster): \(Format.ms(latency)) exceeds maxDelay \(Format.ms(maxDelay))")
            }
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard !app.channels.isEmpty else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        for bound in app.channels {
            guard let maxDelay = bound.maxDelayMilliseconds else { continue }
            let latency = Self.latency(c, bound, state.fleet)
            if latency.isNaN || latency > maxDelay { return false }
        }
        return true
    }
}
