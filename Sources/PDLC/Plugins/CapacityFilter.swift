import AppModel

/// Refuses clusters without room for the app's requests, counting what apps placed earlier in the cycle took
/// and the policy's reserve (`reservePercent`).
public struct CapacityFilter: FilterPlugin {
    public let name = "Capacity"
    public var checksCapacity: Bool { true }
    public init() {}

    public func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus {
        var reasons: [String] = []
        let freeCPU = state.freeCPUCores(cluster)
        if app.cpuCores > freeCPU + 1e-9 {
            reasons.append("needs \(Format.cores(app.cpuCores)) cpu, \(Format.cores(max(0, freeCPU))) free")
        }
        let freeMemory = state.freeMemoryBytes(cluster)
        if app.memoryBytes > freeMemory + 1 {
            reasons.append("needs \(Format.bytes(app.memoryBytes)) memory, \(Format.bytes(max(0, freeMemory))) free")
        }
        return reasons.isEmpty ? .feasible(name) : FilterStatus(code: .unschedulable, reasons: reasons, plugin: name)
    }

    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        app.app.cpuCores <= state.freeCPUCores(at: c) + 1e-9 && app.app.memoryBytes <= state.freeMemoryBytes(at: c) + 1
    }
}
