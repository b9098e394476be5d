import AppModel

/// Karmada's scheduler for a one-replica workload with `replicaScheduling: Divided` / `Aggregated`
/// (karmada `pkg/scheduler/core`, general estimator `pkg/estimator/client/general.go`).
///
/// Available replicas of a cluster = min over cpu and memory of ⌊(allocatable − requested) ÷ request⌋; the
/// cluster with the most available replicas takes the replica (ties by name). Karmada keeps a binding's first
/// result while its cluster stays healthy (no rescheduling for a better score, ClusterLocality), and fails
/// over when the cluster becomes unavailable or tainted `NoSelect` (its `NoExecute` analogue).
public struct KarmadaStrategy: PlacementStrategy {
    public let name = "karmada"

    public init() {}

    /// Replicas of `app` that fit in the free cpu and memory; `Int.max` when the app requests nothing.
    static func availableReplicas(_ app: Application, freeCPUCores: Double, freeMemoryBytes: Double) -> Int {
        var replicas = Int.max
        if app.cpuCores > 0 { replicas = min(replicas, Int(max(0, (freeCPUCores + 1e-9) / app.cpuCores))) }
        if app.memoryBytes > 0 { replicas = min(replicas, Int(max(0, (freeMemoryBytes + 1) / app.memoryBytes))) }
        return replicas
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
            var best: Int?
            var bestReplicas = 0
            for c in ledger.clusters.indices where ledger.admits(app, c, current: current[app.name]) {
                let replicas = Self.availableReplicas(
                    app, freeCPUCores: ledger.freeCPUCores(c), freeMemoryBytes: ledger.freeMemoryBytes(c))
                if replicas > bestReplicas {
                    best = c
                    bestReplicas = replicas
                }
            }
            guard let best else { continue }
            ledger.take(app, best)
            result[app.name] = ledger.clusters[best].name
        }
        return result
    }
}
