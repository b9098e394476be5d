import AppModel
import Foundation

/// Prefers clusters that stay up: `100 · r · 2^(−f/3)`, with `r` the share of ready nodes
/// (`nodeReadyFraction`, 1 when unknown) and `f` the node failures of the last 24 hours (0 when unknown), so
/// every three failures a day halve the score. A cluster without either figure is neutral (50).
public struct ReliabilityScore: PreScorePlugin, ScorePlugin {
    public let name = "reliability"
    public static let neutral = 50.0
    public init() {}

    /// The 0…100 reliability per cluster index (``neutral`` without telemetry).
    public struct State: Sendable { public var reliability: [Double] }

    /// The 0…100 reliability of a cluster's telemetry; `nil` when it has neither figure.
    public static func reliability(_ telemetry: ClusterTelemetry?) -> Double? {
        guard let telemetry, telemetry.nodeReadyFraction != nil || telemetry.failuresLast24Hours != nil else {
            return nil
        }
        let ready = min(1, max(0, telemetry.nodeReadyFraction ?? 1))
        let failures = Double(max(0, telemetry.failuresLast24Hours ?? 0))
        return 100 * ready * pow(2, -failures / 3)
    }

    public func preScore(_ state: CycleState) -> State {
        State(reliability: state.clusterList.map { Self.reliability($0.telemetry) ?? Self.neutral })
    }

    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let values = cycleState(state).reliability
        for c in clusters { scores.add(values[c], Self.detail(state.clusterList[c].telemetry)) }
    }

    private static func detail(_ telemetry: ClusterTelemetry?) -> String {
        guard reliability(telemetry) != nil, let telemetry else { return "no failure history: reliability neutral" }
        let ready = telemetry.nodeReadyFraction.map { "\(Format.percent(100 * $0)) nodes ready" } ?? "readiness unknown"
        let failures = telemetry.failuresLast24Hours.map { "\($0) node failures in 24 h" } ?? "failures unknown"
        return "\(ready), \(failures) (\(telemetry.sources["nodes"] ?? "telemetry"))"
    }
}
