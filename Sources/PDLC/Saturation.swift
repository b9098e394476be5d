import AppModel

/// One cluster's measured load against its limit, the evidence PDLC uses to relieve a saturated cluster.
///
/// A cluster is *saturated* when its measured use now (telemetry `cpuUsedCores`, else the newest sample of
/// `cpuUsedHistory`; memory likewise), less the requests of apps PDLC moved off it for saturation within
/// ``PlacementEngine/saturationSettleSeconds`` (telemetry may still contain them), exceeds its *limit*:
/// allocatable × (1 − `reservePercent` ÷ 100). Forecasts do not count here: an evacuation needs a measurement.
/// A cluster without a measured figure is never saturated.
public struct Saturation: Sendable, Hashable {
    /// The cluster's name.
    public var cluster: String
    /// Measured cpu in use now, in cores; `nan` when unknown.
    public var measuredCPUCores: Double
    /// Measured memory in use now, in bytes; `nan` when unknown.
    public var measuredMemoryBytes: Double
    /// cpu (cores) and memory (bytes) requested by apps moved off for saturation within the settle window,
    /// deducted from the measured figures.
    public var shedCPUCores: Double
    public var shedMemoryBytes: Double
    /// Allocatable cpu in cores and memory in bytes.
    public var allocatableCPUCores: Double
    public var allocatableMemoryBytes: Double
    /// Allocatable minus the policy's reserve: cpu in cores, memory in bytes.
    public var limitCPUCores: Double
    public var limitMemoryBytes: Double
    /// Where the cpu and memory figures came from (`prometheus`, `hub`, …; `telemetry` when not stated).
    public var cpuSource: String
    public var memorySource: String

    /// cpu above the limit, in cores (0 when under it or unknown).
    public var excessCPUCores: Double {
        let excess = measuredCPUCores - shedCPUCores - limitCPUCores
        return excess.isNaN ? 0 : max(0, excess)
    }

    /// memory above the limit, in bytes (0 when under it or unknown).
    public var excessMemoryBytes: Double {
        let excess = measuredMemoryBytes - shedMemoryBytes - limitMemoryBytes
        return excess.isNaN ? 0 : max(0, excess)
    }

    /// Whether measured use (less recent sheds) is above the limit: cpu by more than 1e-9 cores or memory by
    /// more than 1 byte.
    public var isSaturated: Bool { excessCPUCores > 1e-9 || excessMemoryBytes > 1 }

    /// The evidence, one line: `measured cpu 8/8 cores (prometheus), over the 7.2-core limit`.
    public var evidence: String {
        var parts: [String] = []
        if excessCPUCores > 1e-9 {
            let shed = shedCPUCores > 0 ? " less \(Format.cores(shedCPUCores)) cores already moved off" : ""
            parts.append(
                "measured cpu \(Format.cores(measuredCPUCores))/\(Format.cores(allocatableCPUCores)) cores (\(cpuSource))\(shed), over the \(Format.cores(limitCPUCores))-core limit"
            )
        }
        if excessMemoryBytes > 1 {
            let shed = shedMemoryBytes > 0 ? " less \(Format.bytes(shedMemoryBytes)) already moved off" : ""
            parts.append(
                "measured memory \(Format.bytes(measuredMemoryBytes))/\(Format.bytes(allocatableMemoryBytes)) (\(memorySource))\(shed), over the \(Format.bytes(limitMemoryBytes)) limit"
            )
        }
        return parts.joined(separator: "; ")
    }

    /// The figures of the cluster at index `c` of `state`.
    /// - Parameters:
    ///   - shedCPUCores: cpu (cores) requested by apps recently moved off for saturation.
    ///   - shedMemoryBytes: memory (bytes) requested by those apps.
    public init(at c: Int, state: CycleState, shedCPUCores: Double = 0, shedMemoryBytes: Double = 0) {
        let cluster = state.clusterList[c]
        self.cluster = cluster.name
        measuredCPUCores = state.fleet.liveCPUCores[c]
        measuredMemoryBytes = state.fleet.liveMemoryBytes[c]
        self.shedCPUCores = shedCPUCores
        self.shedMemoryBytes = shedMemoryBytes
        allocatableCPUCores = cluster.cpuCores
        allocatableMemoryBytes = cluster.memoryBytes
        limitCPUCores = state.fleet.reservedCPUCores[c]
        limitMemoryBytes = state.fleet.reservedMemoryBytes[c]
        cpuSource = cluster.telemetry?.sources["cpu"] ?? "telemetry"
        memorySource = cluster.telemetry?.sources["memory"] ?? "telemetry"
    }
}

extension Saturation: RejectionReason {
    /// `Saturated`.
    public var code: String { "Saturated" }
    /// ``evidence``.
    public var text: String { evidence }
}

/// An app PDLC moves off its saturated cluster this evaluation: the refusal to record and a note for the reasons.
struct Evacuation {
    /// Plugin `Saturation`, unschedulable, with the ``Saturation`` as its reason.
    var status: FilterStatus
    /// Why this app: how many of the cluster's apps move and in what order.
    var note: String
}

extension PlacementEngine {
    /// Plugin name on the refusal of a saturated home.
    static let saturationPlugin = "Saturation"

    /// Which apps leave a saturated home this evaluation: per saturated cluster, its apps (of `apps`, not
    /// pinned) that would leave anyway (their home fails a filter) count first; then, lowest QoS first
    /// (BestEffort, Silver, Gold), then smallest migration cost (least memory to copy), then name, apps that
    /// reduce a remaining excess and pass every filter on some other cluster are chosen until their requests
    /// cover the measured excess. The others stay. Feasibility is checked against the cycle's state with every
    /// app of the call holding its requests where it runs now and each chosen app on its best cluster, so the
    /// chosen apps fit together.
    /// - Parameters:
    ///   - apps: the apps of the evaluation.
    ///   - state: the cycle's state before any app is placed.
    ///   - current: committed placement records (pins).
    ///   - stability: the previous evaluation's state (recent sheds, deducted from measured use).
    ///   - nowSeconds: the caller's clock, in seconds.
    ///   - excluding: apps not to choose (an earlier round found no cluster for them).
    /// - Returns: app name → its evacuation.
    func saturationPlan(
        apps: [Application], state: CycleState, current: [String: PlacementRecord], stability: StabilityState,
        nowSeconds: Double, excluding: Set<String>
    ) -> [String: Evacuation] {
        guard
            state.fleet.liveCPUCores.contains(where: { !$0.isNaN })
                || state.fleet.liveMemoryBytes.contains(where: { !$0.isNaN })
        else { return [:] }
        let n = state.clusterList.count
        var shedCPU = Array(repeating: 0.0, count: n)
        var shedMemory = shedCPU
        var residents: [Int: [Application]] = [:]
        for app in apps {
            let home = state.currentCluster[app.name]
            if let entry = stability.apps[app.name], let from = entry.shedFrom, let moved = entry.lastMoveSeconds,
                nowSeconds >= moved, nowSeconds - moved < saturationSettleSeconds, home != from,
                let c = state.clusterIndex[from]
            {
                shedCPU[c] += app.cpuCores
                shedMemory[c] += app.memoryBytes
            }
            guard let home, let c = state.clusterIndex[home], current[app.name]?.pinned != true else { continue }
            residents[c, default: []].append(app)
        }
        // Where every app of the call runs now holds its requests (as the Capacity filter will count them),
        // and each app chosen below lands on its best cluster, so later choices see the room it took.
        var work = state
        for app in apps {
            if let home = state.currentCluster[app.name] {
                work.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, on: home)
            }
        }
        var walk = AssignmentPass(
            engine: self, detail: .summary, nowSeconds: nowSeconds, stability: stability, movesLeft: 0,
            scratch: Scratch(clusterCount: n, plugins: scores.count))
        var plan: [String: Evacuation] = [:]
        for c in residents.keys.sorted() {
            let saturation = Saturation(at: c, state: state, shedCPUCores: shedCPU[c], shedMemoryBytes: shedMemory[c])
            guard saturation.isSaturated else { continue }
            var cpuExcess = saturation.excessCPUCores
            var memoryExcess = saturation.excessMemoryBytes
            let order = (residents[c] ?? []).sorted {
                ($1.qosClass.rank, $0.memoryBytes, $0.cpuCores, $0.name) < (
                    $0.qosClass.rank, $1.memoryBytes, $1.cpuCores, $1.name
                )
            }
            var stay: [Application] = []
            for app in order {
                let prepared = state.prepare(app)
                if filters.allSatisfy({ $0.admits(prepared, at: c, state: state) }) {
                    stay.append(app)
                } else {
                    // Leaves anyway (its home fails a filter): relieves the cluster without being chosen.
                    cpuExcess -= app.cpuCores
                    memoryExcess -= app.memoryBytes
                }
            }
            let status = FilterStatus(
                plugin: Self.saturationPlugin,
                rejections: [Rejection(plugin: Self.saturationPlugin, reason: saturation)])
            var chosen: [(name: String, target: Int)] = []
            for app in stay {
                guard cpuExcess > 1e-9 || memoryExcess > 1 else { break }
                let helps = (cpuExcess > 1e-9 && app.cpuCores > 0) || (memoryExcess > 1 && app.memoryBytes > 0)
                guard helps, !excluding.contains(app.name) else { continue }
                walk.evacuate = [app.name: Evacuation(status: status, note: "")]
                _ = walk.evaluate(work.prepare(app), state: work)
                guard let top = walk.best(1).first else { continue }
                let target = walk.scratch.feasible[top]
                work.consume(cpuCores: -app.cpuCores, memoryBytes: -app.memoryBytes, at: c)
                work.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, at: target)
                work.arrive(app, on: work.clusterList[target].name)
                chosen.append((app.name, target))
                cpuExcess -= app.cpuCores
                memoryExcess -= app.memoryBytes
            }
            let note =
                "\(saturation.cluster) is saturated: \(chosen.count) of its \(order.count) apps here move off to bring it under the limit (lowest QoS, then least memory to copy, first); the others stay"
            for (name, _) in chosen { plan[name] = Evacuation(status: status, note: note) }
        }
        return plan
    }
}
