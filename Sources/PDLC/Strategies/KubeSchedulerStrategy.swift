import AppModel

/// kube-scheduler's default scoring applied to clusters as if they were nodes: filter NodeResourcesFit
/// (requests ≤ allocatable − requested), NodeUnschedulable (availability), NodeAffinity (label selector) and
/// TaintToleration (`NoSelect` as `NoSchedule`); score NodeResourcesFit `LeastAllocated` (weight 1) plus
/// `NodeResourcesBalancedAllocation` (weight 1) plus TaintToleration (weight 3, `PreferNoSelect` as
/// `PreferNoSchedule`). Source: kubernetes `pkg/scheduler/framework/plugins/noderesources/least_allocated.go`,
/// `balanced_allocation.go`, `tainttoleration/taint_toleration.go`, default weights from `apis/config/v1`.
///
/// A bound pod is never rescheduled for a better score, so placed apps stay while their cluster is available.
/// kube-scheduler breaks ties at random; here ties go to the first cluster by name, for determinism.
public struct KubeSchedulerStrategy: PlacementStrategy {
    public let name = "kube-scheduler"

    public init() {}

    /// LeastAllocated: mean over cpu and memory of `(allocatable − requested) × 100 ÷ allocatable`, with
    /// `requested` including the app; 0 for a resource with no allocatable.
    static func leastAllocated(requested: [Double], allocatable: [Double]) -> Double {
        var sum = 0.0
        for (r, a) in zip(requested, allocatable) where a > 0 { sum += max(0, a - r) * 100 / a }
        return sum / Double(requested.count)
    }

    /// BalancedAllocation: `(1 − std) × 100` of the requested fractions (capped at 1) of cpu and memory.
    static func balancedAllocation(requested: [Double], allocatable: [Double]) -> Double {
        let fractions = zip(requested, allocatable).map { $1 > 0 ? min(1, $0 / $1) : 1 }
        let mean = fractions.reduce(0, +) / Double(fractions.count)
        let variance = fractions.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(fractions.count)
        return (1 - variance.squareRoot()) * 100
    }

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        var ledger = BaselineLedger(clusters: clusters)
        var result: [String: String] = [:]
        for app in BaselineLedger.order(apps, current: current) {
            if let kept = ledger.keepCurrent(app, current: current) {
                result[app.name] = kept
                continue
            }
            let candidates = ledger.clusters.indices.filter { ledger.admits(app, $0, current: current[app.name]) }
            guard !candidates.isEmpty else { continue }
            // TaintToleration: count of intolerable PreferNoSchedule taints, reverse-normalised to 0…100.
            let prefer = candidates.map { c in ledger.clusters[c].taints.filter { $0.effect == "PreferNoSelect" }.count
            }
            let maxPrefer = prefer.max() ?? 0
            var best = candidates[0]
            var bestScore = -Double.infinity
            for (k, c) in candidates.enumerated() {
                let requested = [
                    ledger.requestedCPUCores[c] + app.cpuCores, ledger.requestedMemoryBytes[c] + app.memoryBytes,
                ]
                let allocatable = [ledger.clusters[c].cpuCores, ledger.clusters[c].memoryBytes]
                let taint = maxPrefer == 0 ? 100 : 100 * Double(maxPrefer - prefer[k]) / Double(maxPrefer)
                let score =
                    Self.leastAllocated(requested: requested, allocatable: allocatable)
                    + Self.balancedAllocation(requested: requested, allocatable: allocatable) + 3 * taint
                if score > bestScore {
                    best = c
                    bestScore = score
                }
            }
            ledger.take(app, best)
            result[app.name] = ledger.clusters[best].name
        }
        return result
    }
}
