import AppModel

/// Keeps services joined by CAM channels together: per channel to a peer placed earlier in the cycle, 100 on
/// the peer's cluster, else `100 · (1 − latency ÷ maxDelay)` (0 when unknown; 50 for a channel with only a
/// bandwidth bound); the mean over channels. An app without such channels scores 100 everywhere.
/// ``ChannelDelayFilter`` makes `maxDelay` a hard bound; this score makes co-location the preference within it.
public struct ChannelAffinityScore: ScorePlugin {
    public let name = "channelAffinity"
    public init() {}

    static func value(_ app: PreparedApp, at c: Int, fleet: FleetIndex) -> Double {
        guard !app.channels.isEmpty else { return 100 }
        var sum = 0.0
        for bound in app.channels {
            if bound.peerCluster == c { sum += 100; continue }
            guard let maxDelay = bound.maxDelayMilliseconds else { sum += 50; continue }
            let latency = fleet.latency(c, bound.peerZone)
            sum += latency.isNaN || maxDelay <= 0 ? 0 : min(100, max(0, 100 * (1 - latency / maxDelay)))
        }
        return sum / Double(app.channels.count)
    }

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        let prepared = state.prepare(app)
        guard let c = state.clusterIndex[cluster.name], !prepared.channels.isEmpty else {
            return PluginScore(100, "no channel to a placed peer")
        }
        let together = prepared.channels.filter { $0.peerCluster == c }.map(\.peer)
        let apart = prepared.channels.count - together.count
        let detail = together.isEmpty
            ? "\(apart) channel peer(s) on other clusters"
            : "with \(together.joined(separator: ", ")) on the same cluster" + (apart > 0 ? ", \(apart) apart" : "")
        return PluginScore(Self.value(prepared, at: c, fleet: state.fleet), detail)
    }

    public func rawValues(_ app: PreparedApp, at clusters: [Int], into values: inout [Double], state: CycleState) {
        guard !app.channels.isEmpty else { return values.append(contentsOf: repeatElement(100, count: clusters.count)) }
        for c in clusters { values.append(rawValue(app, at: c, state: state)) }
    }

    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        Self.value(app, at: c, fleet: state.fleet)
    }
}
