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
            if bound.peerCluster == c {
                sum += 100
                continue
            }
            guard let maxDelay = bound.maxDelayMilliseconds else {
                sum += 50
                continue
            }
            let latency = fleet.latency(c, bound.peerZone)
            sum += latency.isNaN || maxDelay <= 0 ? 0 : min(100, max(0, 100 * (1 - latency / maxDelay)))
        }
        return sum / Double(app.channels.count)
    }

    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        guard !app.channels.isEmpty else {
            return scores.add(repeating: 100, count: clusters.count, "no channel to a placed peer")
        }
        for c in clusters { scores.add(Self.value(app, at: c, fleet: state.fleet), Self.detail(app, at: c)) }
    }

    private static func detail(_ app: PreparedApp, at c: Int) -> String {
        let together = app.channels.filter { $0.peerCluster == c }.map(\.peer)
        let apart = app.channels.count - together.count
        return together.isEmpty
            ? "\(apart) channel peer(s) on other clusters"
            : "with \(together.joined(separator: ", ")) on the same cluster" + (apart > 0 ? ", \(apart) apart" : "")
    }
}
