import AppModel

/// Refuses clusters whose forecast load leaves no room for the app: Holt's forecast of measured cpu and memory
/// in use ``ClusterTelemetry/forecastHorizonSeconds`` ahead (``HoltForecaster``, never below the live figure)
/// plus the app's requests must stay within allocatable minus the policy's reserve.
///
/// The cluster the app runs on now always passes: its load already includes the app, and an overloaded current
/// cluster lowers the headroom score rather than evacuating every app on it at once. Clusters without a
/// history pass (the request-based ``CapacityFilter`` still applies).
public struct ForecastHeadroomFilter: FilterPlugin {
    public let name = "ForecastHeadroom"
    public var checksCapacity: Bool { true }
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        guard let c = state.clusterIndex[cluster.name], state.currentCluster[app.name] != cluster.name else {
            return .feasible(name)
        }
        var reasons: [String] = []
        let cpu = state.fleet.forecastCPUCores[c]
        if !cpu.isNaN && cpu + app.cpuCores > state.fleet.reservedCPUCores[c] + 1e-9 {
            reasons.append(
                "forecast cpu \(Format.cores(cpu)) cores in \(Format.trim(ClusterTelemetry.forecastHorizonSeconds)) s (Holt) + \(Format.cores(app.cpuCores)) exceeds \(Format.cores(state.fleet.reservedCPUCores[c]))")
        }
        let memory = state.fleet.forecastMemoryBytes[c]
        if !memory.isNaN && memory + app.memoryBytes > state.fleet.reservedMemoryBytes[c] + 1 {
            reasons.append(
                "forecast memory \(Format.bytes(memory)) in \(Format.trim(ClusterTelemetry.forecastHorizonSeconds)) s (Holt) + \(Format.bytes(app.memoryBytes)) exceeds \(Format.bytes(state.fleet.reservedMemoryBytes[c]))")
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        guard state.fleet.hasForecasts else { return }
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        guard app.currentIndex != c else { return true }
        let cpu = state.fleet.forecastCPUCores[c]
        if !cpu.isNaN && cpu + app.app.cpuCores > state.fleet.reservedCPUCores[c] + 1e-9 { return false }
        let memory = state.fleet.forecastMemoryBytes[c]
        if !memory.isNaN && memory + app.app.memoryBytes > state.fleet.reservedMemoryBytes[c] + 1 { return false }
        return true
    }
}
