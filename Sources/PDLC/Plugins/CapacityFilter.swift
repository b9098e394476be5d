import AppModel

/// Refuses clusters without room for the app's requests, counting what apps placed earlier in the cycle took
/// and the policy's reserve (`reservePercent`).
public struct CapacityFilter: CapacityFilterPlugin {
    public let name = "Capacity"
    public init() {}

    /// The app needs more than is free after the reserve: cpu in cores, memory in bytes (`free` ≥ 0).
    public enum Reason: RejectionReason, Equatable {
        case cpu(needCores: Double, freeCores: Double)
        case memory(needBytes: Double, freeBytes: Double)

        public var code: String {
            switch self {
            case .cpu: "InsufficientCPU"
            case .memory: "InsufficientMemory"
            }
        }

        public var text: String {
            switch self {
            case .cpu(let need, let free): "needs \(Format.cores(need)) cpu, \(Format.cores(free)) free"
            case .memory(let need, let free): "needs \(Format.bytes(need)) memory, \(Format.bytes(free)) free"
            }
        }
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let cpu = app.app.cpuCores
        let memory = app.app.memoryBytes
        for c in candidates {
            let freeCPU = state.freeCPUCores(at: c)
            if cpu > freeCPU + 1e-9 { verdicts.refuse(c, Reason.cpu(needCores: cpu, freeCores: max(0, freeCPU))) }
            let freeMemory = state.freeMemoryBytes(at: c)
            if memory > freeMemory + 1 {
                verdicts.refuse(c, Reason.memory(needBytes: memory, freeBytes: max(0, freeMemory)))
            }
        }
    }
}
