import AppModel

/// Spreads real load: prefers the cluster whose utilisation after placement is lowest, min-max normalised over
/// the feasible clusters (least loaded 100, most loaded 0, all equal 100).
///
/// Utilisation is the mean of the cpu and memory shares of allocatable in use, where "in use" is the measured
/// figure (telemetry `cpuUsedCores`, `memoryUsedBytes`) when present and larger than what this cycle's apps
/// requested, plus the app's requests. Decision counts never enter (unlike OCM's Balance prioritizer).
public struct BalanceScore: NormalizeScorePlugin {
    public let name = "balance"
    public init() {}

    /// Mean utilisation after placement, 0…1+, and whether a measured figure was used.
    static func utilisation(_ app: Application, at c: Int, current: Int?, state: CycleState) -> (Double, measured: Bool)
    {
        let cluster = state.clusterList[c]
        guard cluster.cpuCores > 0, cluster.memoryBytes > 0 else { return (1, false) }
        let own = current == c
        var cpu = state.usedCPUCoresAt[c]
        var memory = state.usedMemoryBytesAt[c]
        var measured = false
        let liveCPU = state.fleet.liveCPUCores[c] - (own ? app.cpuCores : 0)
        if !liveCPU.isNaN {
            cpu = max(cpu, liveCPU)
            measured = true
        }
        let liveMemory = state.fleet.liveMemoryBytes[c] - (own ? app.memoryBytes : 0)
        if !liveMemory.isNaN {
            memory = max(memory, liveMemory)
            measured = true
        }
        let value = ((cpu + app.cpuCores) / cluster.cpuCores + (memory + app.memoryBytes) / cluster.memoryBytes) / 2
        return (value, measured)
    }

    /// Appends `1 − utilisation` (raw); ``normalize(_:)`` turns it into a score.
    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        for c in clusters {
            let (value, measured) = Self.utilisation(app.app, at: c, current: app.currentIndex, state: state)
            scores.add(
                1 - value,
                "\(Format.percent(100 * value)) utilised after placement (\(measured ? "measured use (\(state.clusterList[c].telemetry?.sources["cpu"] ?? "telemetry"))" : "requests"))"
            )
        }
    }

    public func normalize(_ scores: inout [Double]) { MinMax.normalize(&scores, higherIsBetter: true) }
}
