import AppModel

/// Refuses clusters whose load leaves no room for the app: the load (the upper bound of the policy's forecast of
/// measured cpu and memory in use ``ClusterTelemetry/forecastHorizonSeconds`` ahead, never below the live figure,
/// or the measured figure alone when there is no history; see ``FleetIndex/loadCPUCores``) plus the requests of
/// apps moving onto the cluster this cycle plus the app's requests must stay within allocatable minus the
/// policy's reserve. So no app is moved onto a cluster it would saturate by measured use (see ``Saturation``).
///
/// An app PDLC moved off a saturated cluster (``CycleState/shedFrom``) is let back only when the peak measured
/// use over the cluster's history (``State/peakCPUCores``), if higher than the load, leaves room: a burst that
/// just ended does not bring it back.
///
/// The cluster the app runs on now always passes here: its load already includes the app. A home that is
/// saturated by measured use (``Saturation``) sheds only as many apps as it must, chosen before the pass,
/// rather than evacuating every app on it at once. Clusters without telemetry pass (the request-based
/// ``CapacityFilter`` still applies).
public struct ForecastHeadroomFilter: PreFilterPlugin, CapacityFilterPlugin {
    public let name = "ForecastHeadroom"
    public init() {}

    /// Per cluster index: the highest measured cpu (cores) and memory (bytes) over the history and now; `nan`
    /// without telemetry.
    public struct State: Sendable {
        public var peakCPUCores: [Double]
        public var peakMemoryBytes: [Double]
    }

    /// What the load figure of a refusal is.
    public enum Basis: Sendable, Equatable {
        /// The peak measured over the history (the app was moved off this cluster for saturation).
        case peak
        /// The forecast of `forecaster` (display name) `horizonSeconds` ahead.
        case forecast(forecaster: String, horizonSeconds: Double)
        /// The measured figure now.
        case measured
    }

    /// The load plus what moves in this cycle plus the app's request exceeds the limit. cpu in cores, memory in
    /// bytes.
    public enum Reason: RejectionReason, Equatable {
        case cpu(basis: Basis, loadCores: Double, arrivingCores: Double, requestCores: Double, limitCores: Double)
        case memory(basis: Basis, loadBytes: Double, arrivingBytes: Double, requestBytes: Double, limitBytes: Double)

        public var code: String {
            switch self {
            case .cpu: "ForecastCPUExceeded"
            case .memory: "ForecastMemoryExceeded"
            }
        }

        public var text: String {
            switch self {
            case .cpu(let basis, let load, let arriving, let request, let limit):
                let figure: String
                switch basis {
                case .peak: figure = "peak measured cpu \(Format.cores(load)) cores (it was moved off for saturation)"
                case .forecast(let forecaster, let horizon):
                    figure = "forecast cpu \(Format.cores(load)) cores in \(Format.trim(horizon)) s (\(forecaster))"
                case .measured: figure = "measured cpu \(Format.cores(load)) cores"
                }
                let moving = arriving > 0 ? " + \(Format.cores(arriving)) moving in this cycle" : ""
                return "\(figure)\(moving) + \(Format.cores(request)) exceeds \(Format.cores(limit))"
            case .memory(let basis, let load, let arriving, let request, let limit):
                let figure: String
                switch basis {
                case .peak: figure = "peak measured memory \(Format.bytes(load)) (it was moved off for saturation)"
                case .forecast(let forecaster, let horizon):
                    figure = "forecast memory \(Format.bytes(load)) in \(Format.trim(horizon)) s (\(forecaster))"
                case .measured: figure = "measured memory \(Format.bytes(load))"
                }
                let moving = arriving > 0 ? " + \(Format.bytes(arriving)) moving in this cycle" : ""
                return "\(figure)\(moving) + \(Format.bytes(request)) exceeds \(Format.bytes(limit))"
            }
        }
    }

    public func preFilter(_ state: CycleState) -> State {
        let clusters = state.clusterList
        return State(
            peakCPUCores: clusters.map { cluster in
                guard let telemetry = cluster.telemetry else { return .nan }
                return (telemetry.cpuUsedHistory + (telemetry.cpuUsedCores.map { [$0] } ?? [])).max() ?? .nan
            },
            peakMemoryBytes: clusters.map { cluster in
                guard let telemetry = cluster.telemetry else { return .nan }
                return (telemetry.memoryUsedHistory + (telemetry.memoryUsedBytes.map { [$0] } ?? [])).max() ?? .nan
            })
    }

    public func filter(_ app: PreparedApp, candidates: [Int], state: CycleState, verdicts: inout FilterVerdicts) {
        let fleet = state.fleet
        guard fleet.hasLoad else { return }
        let peaks = cycleState(state)
        let shedFrom = state.shedFrom[app.app.name]
        let cpuRequest = app.app.cpuCores
        let memoryRequest = app.app.memoryBytes
        for c in candidates where app.currentIndex != c {
            let returning = shedFrom == c
            var cpuLoad = fleet.loadCPUCores[c]
            var memoryLoad = fleet.loadMemoryBytes[c]
            if returning {
                let peakCPU = peaks.peakCPUCores[c]
                if !peakCPU.isNaN && (cpuLoad.isNaN || peakCPU > cpuLoad) { cpuLoad = peakCPU }
                let peakMemory = peaks.peakMemoryBytes[c]
                if !peakMemory.isNaN && (memoryLoad.isNaN || peakMemory > memoryLoad) { memoryLoad = peakMemory }
            }
            let cpu = cpuLoad + state.arrivingCPUCoresAt[c]
            if !cpu.isNaN && cpu + cpuRequest > fleet.reservedCPUCores[c] + 1e-9 {
                verdicts.refuse(
                    c,
                    Reason.cpu(
                        basis: returning && cpuLoad > fleet.loadCPUCores[c]
                            ? .peak : Self.basis(forecast: fleet.forecastCPUCores[c], fleet),
                        loadCores: cpuLoad, arrivingCores: state.arrivingCPUCoresAt[c], requestCores: cpuRequest,
                        limitCores: fleet.reservedCPUCores[c]))
            }
            let memory = memoryLoad + state.arrivingMemoryBytesAt[c]
            if !memory.isNaN && memory + memoryRequest > fleet.reservedMemoryBytes[c] + 1 {
                verdicts.refuse(
                    c,
                    Reason.memory(
                        basis: returning && memoryLoad > fleet.loadMemoryBytes[c]
                            ? .peak : Self.basis(forecast: fleet.forecastMemoryBytes[c], fleet),
                        loadBytes: memoryLoad, arrivingBytes: state.arrivingMemoryBytesAt[c],
                        requestBytes: memoryRequest, limitBytes: fleet.reservedMemoryBytes[c]))
            }
        }
    }

    private static func basis(forecast: Double, _ fleet: FleetIndex) -> Basis {
        forecast.isNaN
            ? .measured
            : .forecast(forecaster: fleet.forecasterName, horizonSeconds: ClusterTelemetry.forecastHorizonSeconds)
    }
}
