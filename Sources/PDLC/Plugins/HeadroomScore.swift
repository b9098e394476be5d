import AppModel

/// Prefers clusters left with room after the app lands: 100 × the smaller of the free cpu and memory shares.
public struct HeadroomScore: ScorePlugin {
    public let name = "headroom"
    public init() {}

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        guard cluster.cpuCores > 0, cluster.memoryBytes > 0 else { return PluginScore(0, "no allocatable capacity") }
        let cpuShare = (state.freeCPUCores(cluster) - app.cpuCores) / cluster.cpuCores
        let memoryShare = (state.freeMemoryBytes(cluster) - app.memoryBytes) / cluster.memoryBytes
        let share = min(cpuShare, memoryShare)
        return PluginScore(100 * share, "\(Format.percent(100 * share)) headroom left after placement")
    }
}
