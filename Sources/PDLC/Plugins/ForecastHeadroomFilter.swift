import AppModel

/// Refuses clusters whose load leaves no room for the app: the load (Holt's forecast of measured cpu and memory
/// in use ``ClusterTelemetry/forecastHorizonSeconds`` ahead, never below the live figure, or the measured
/// figure alone when there is no history) plus the requests of apps moving onto the cluster this cycle plus the
/// app's requests must stay within allocatable minus the policy's reserve. So no app is moved onto a cluster
/// it would saturate by measured use (see ``Saturation``).
///
/// An app PDLC moved off a saturated cluster (``CycleState/shedFrom``) is let back only when the peak measured
/// use over the cluster's history (``FleetIndex/peakCPUCores``), if higher than the load, leaves room: a burst
/// that just ended does not bring it back.
///
/// The cluster the app runs on now always passes here: its load already includes the app. A home that is
/// saturated by measured use (``Saturation``) sheds only as many apps as it must, chosen before the pass,
/// rather than evacuating every app on it at once. Clusters without telemetry pass (the request-based ``CapacityFilter``
/// still applies).
public struct ForecastHeadroomFilter: FilterPlugin {
    public let name = "ForecastHeadroom"
    public var checksCapacity: Bool { true }
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let c = state.clusterIndex[cluster.name], state.currentCluster[app.name] != cluster.name else {
            return .feasible(name)
        }
        var reasons: [String] = []
        let returning = state.shedFrom[app.name] == c
        let (cpuLoad, memoryLoad) = load(at: c, returning: returning, state: state)
        let forecast = !state.fleet.forecastCPUCores[c].isNaN
        let basis = returning && cpuLoad > state.fleet.loadCPUCores[c]
            ? "peak measured cpu \(Format.cores(cpuLoad)) cores (it was moved off for saturation)"
            : forecast
            ? "forecast cpu \(Format.cores(cpuLoad)) cores in \(Format.trim(ClusterTelemetry.forecastHorizonSeconds)) s (Holt)"
            : "measured cpu \(Format.cores(cpuLoad)) cores"
        let cpu = cpuLoad + state.arrivingCPUCoresAt[c]
        if !cpu.isNaN && cpu + app.cpuCores > state.fleet.reservedCPUCores[c] + 1e-9 {
            let arriving = state.arrivingCPUCoresAt[c] > 0
                ? " + \(Format.cores(state.arrivingCPUCoresAt[c])) moving in this cycle" : ""
            reasons.append(
                "\(basis)\(arriving) + \(Format.cores(app.cpuCores)) exceeds \(Format.cores(state.fleet.reservedCPUCores[c]))")
        }
        let memory = memoryLoad + state.arrivingMemoryBytesAt[c]
        if !memory.isNaN && memory + app.memoryBytes > state.fleet.reservedMemoryBytes[c] + 1 {
            let memoryBasis = returning && memoryLoad > state.fleet.loadMemoryBytes[c]
                ? "peak measured memory \(Format.bytes(memoryLoad)) (it was moved off for saturation)"
                : !state.fleet.forecastMemoryBytes[c].isNaN
                ? "forecast memory \(Format.bytes(memoryLoad)) in \(Format.trim(ClusterTelemetry.forecastHorizonSeconds)) s (Holt)"
                : "measured memory \(Format.bytes(memoryLoad))"
            let arriving = state.arrivingMemoryBytesAt[c] > 0
                ? " + \(Format.bytes(state.arrivingMemoryBytesAt[c])) moving in this cycle" : ""
            reasons.append(
                "\(memoryBasis)\(arriving) + \(Format.bytes(app.memoryBytes)) exceeds \(Format.bytes(state.fleet.reservedMemoryBytes[c]))")
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard state.fleet.hasLoad else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        guard app.currentIndex != c else { return true }
        let (cpuLoad, memoryLoad) = load(at: c, returning: state.shedFrom[app.app.name] == c, state: state)
        let cpu = cpuLoad + state.arrivingCPUCoresAt[c]
        if !cpu.isNaN && cpu + app.app.cpuCores > state.fleet.reservedCPUCores[c] + 1e-9 { return false }
        let memory = memoryLoad + state.arrivingMemoryBytesAt[c]
        if !memory.isNaN && memory + app.app.memoryBytes > state.fleet.reservedMemoryBytes[c] + 1 { return false }
        return true
    }

    /// The load of cluster `c` (cpu cores, memory bytes): ``FleetIndex/loadCPUCores``, or for an app moved off
    /// it for saturation (`returning`) the larger of that and the peak measured over the history.
    private func load(at c: Int, returning: Bool, state: CycleState) -> (Double, Double) {
        var cpu = state.fleet.loadCPUCores[c]
        var memory = state.fleet.loadMemoryBytes[c]
        if returning {
            let peakCPU = state.fleet.peakCPUCores[c]
            if !peakCPU.isNaN && (cpu.isNaN || peakCPU > cpu) { cpu = peakCPU }
            let peakMemory = state.fleet.peakMemoryBytes[c]
            if !peakMemory.isNaN && (memory.isNaN || peakMemory > memory) { memory = peakMemory }
        }
        return (cpu, memory)
    }
}
