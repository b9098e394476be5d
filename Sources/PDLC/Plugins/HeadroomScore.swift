import AppModel

/// Prefers clusters left with room after the app lands: 100 × the smaller of the free cpu and memory shares of
/// allocatable, after the policy's reserve. "Used" is what apps placed this cycle requested or, when telemetry
/// has a history, the larger of that and Holt's forecast of measured use (less the app's own requests on the
/// cluster it runs on now).
public struct HeadroomScore: ScorePlugin {
    public let name = "headroom"
    public init() {}

    /// The free share after placement, and whether the forecast set it.
    static func share(_ app: Application, at c: Int, current: Int?, state: CycleState) -> (Double, forecast: Bool) {
        let cluster = state.clusterList[c]
        guard cluster.cpuCores > 0, cluster.memoryBytes > 0 else { return (0, false) }
        let own = current == c
        var usedCPU = state.usedCPUCoresAt[c]
        var usedMemory = state.usedMemoryBytesAt[c]
        var forecast = false
        let cpu = state.fleet.forecastCPUCores[c] - (own ? app.cpuCores : 0)
        if !cpu.isNaN && cpu > usedCPU { usedCPU = cpu; forecast = true }
        let memory = state.fleet.forecastMemoryBytes[c] - (own ? app.memoryBytes : 0)
        if !memory.isNaN && memory > usedMemory { usedMemory = memory; forecast = true }
        let cpuShare = (state.fleet.reservedCPUCores[c] - usedCPU - app.cpuCores) / cluster.cpuCores
        let memoryShare = (state.fleet.reservedMemoryBytes[c] - usedMemory - app.memoryBytes) / cluster.memoryBytes
        return (min(cpuShare, memoryShare), forecast)
    }

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        guard let c = state.clusterIndex[cluster.name], cluster.cpuCores > 0, cluster.memoryBytes > 0 else {
            return PluginScore(0, "no allocatable capacity")
        }
        let (share, forecast) = Self.share(app, at: c, current: state.currentCluster[app.name].flatMap { state.clusterIndex[$0] }, state: state)
        let basis = forecast ? "live use + Holt forecast" : "requests"
        return PluginScore(100 * share, "\(Format.percent(100 * share)) headroom left after placement (\(basis))")
    }

    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        min(100, max(0, 100 * Self.share(app.app, at: c, current: app.currentIndex, state: state).0))
    }
}
