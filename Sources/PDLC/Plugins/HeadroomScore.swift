import AppModel

/// Prefers clusters left with room after the app lands: 100 × the smaller of the free cpu and memory shares of
/// allocatable, after the policy's reserve. "Used" is what apps placed this cycle requested or, when telemetry
/// has a history, the larger of that and the upper bound of the policy's load forecast (``FleetIndex/forecastCPUCores``;
/// less the app's own requests on the cluster it runs on now).
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
        if !cpu.isNaN && cpu > usedCPU {
            usedCPU = cpu
            forecast = true
        }
        let memory = state.fleet.forecastMemoryBytes[c] - (own ? app.memoryBytes : 0)
        if !memory.isNaN && memory > usedMemory {
            usedMemory = memory
            forecast = true
        }
        let cpuShare = (state.fleet.reservedCPUCores[c] - usedCPU - app.cpuCores) / cluster.cpuCores
        let memoryShare = (state.fleet.reservedMemoryBytes[c] - usedMemory - app.memoryBytes) / cluster.memoryBytes
        return (min(cpuShare, memoryShare), forecast)
    }

    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        for c in clusters {
            let cluster = state.clusterList[c]
            guard cluster.cpuCores > 0, cluster.memoryBytes > 0 else {
                scores.add(0, "no allocatable capacity")
                continue
            }
            let (share, forecast) = Self.share(app.app, at: c, current: app.currentIndex, state: state)
            scores.add(
                min(100, max(0, 100 * share)),
                "\(Format.percent(100 * share)) headroom left after placement (\(forecast ? "live use + \(state.fleet.forecasterName) forecast" : "requests"))"
            )
        }
    }
}
