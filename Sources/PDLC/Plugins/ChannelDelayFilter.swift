import AppModel

/// Refuses clusters too far from already-placed peer apps: a CAM service channel's `maxDelay` bounds the
/// latency between the two apps' clusters, whichever side declared the channel.
public struct ChannelDelayFilter: FilterPlugin {
    public let name = "ChannelDelay"
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        var bounds: [(peer: String, maxDelay: Double)] = []
        for channel in app.peerChannels {
            if let delay = channel.maxDelayMilliseconds { bounds.append((channel.app, delay)) }
        }
        for (peerApp, channels) in state.placedChannels.sorted(by: { $0.key < $1.key }) {
            for channel in channels where channel.app == app.appName || channel.app == app.name {
                if let delay = channel.maxDelayMilliseconds { bounds.append((peerApp, delay)) }
            }
        }
        var reasons: [String] = []
        for bound in bounds {
            guard let peerClusterName = state.placedCluster[bound.peer], let peerCluster = state.clusters[peerClusterName]
            else { continue }
            let latency = peerClusterName == cluster.name ? 0 : (cluster.latency(to: peerCluster.zone) ?? .infinity)
            if latency > bound.maxDelay {
                reasons.append("channel to \(bound.peer) on \(peerClusterName): \(Format.ms(latency)) exceeds maxDelay \(Format.ms(bound.maxDelay))")
            }
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }
}
