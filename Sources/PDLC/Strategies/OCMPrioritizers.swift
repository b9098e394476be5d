import AppModel

/// OCM's built-in prioritizers (open-cluster-management `pkg/placement/controllers/scheduling/plugins`, as
/// summarised in `reference/ocm/CONTRACT.md` §4), each an integer-valued score in −100…100.
enum OCMPrioritizers {
    /// Steady: 100 when the cluster is already in this Placement's decisions, else 0.
    static func steady(cluster: String, current: String?) -> Double { cluster == current ? 100 : 0 }

    /// Balance: 100 for a cluster in no other Placement's decisions, else `2·100·(0.5 − count/maxCount)`,
    /// `count` being the decisions of *other* Placements on the cluster and `maxCount` the largest such count.
    static func balance(count: Int, maxCount: Int) -> Double {
        guard count > 0, maxCount > 0 else { return 100 }
        return (2 * 100 * (0.5 - Double(count) / Double(maxCount))).rounded(.towardZero)
    }

    /// ResourceAllocatableCPU / Memory: `((alloc − min)/(max − min) − 0.5)·2·100` over the candidates'
    /// allocatable amounts; 100 when all are equal.
    static func resourceAllocatable(_ value: Double, min low: Double, max high: Double) -> Double {
        guard high - low > 1e-12 else { return 100 }
        return (((value - low) / (high - low) - 0.5) * 2 * 100).rounded(.towardZero)
    }

    /// One OCM scheduling round per app (each app is its own Placement with `numberOfClusters: 1`): filter
    /// (availability, capacity, label predicates, taints), score Σ weight × prioritizer, highest total wins,
    /// ties by cluster name (the controller's deterministic top-N). `extra` adds further weighted prioritizers
    /// for the app and the candidate indices.
    static func schedule(
        apps: [Application], clusters: [ClusterSpec], current: [String: String],
        extra: (_ ledger: BaselineLedger, _ app: Application, _ candidates: [Int]) -> [Double] = { _, _, candidates in
            Array(repeating: 0, count: candidates.count)
        }
    ) -> [String: String] {
        var ledger = BaselineLedger(clusters: clusters)
        // Decisions of every Placement as the controller sees them while it schedules one: start from the
        // current ones and update as each Placement is rescheduled.
        var decided: [String: Int] = [:]
        var counts = Array(repeating: 0, count: ledger.clusters.count)
        for (app, cluster) in current {
            if let c = ledger.index[cluster] {
                decided[app] = c
                counts[c] += 1
            }
        }
        var result: [String: String] = [:]
        for app in BaselineLedger.order(apps, current: current) {
            let mine = decided[app.name]
            if let mine { counts[mine] -= 1 }
            let candidates = ledger.clusters.indices.filter { ledger.admits(app, $0, current: current[app.name]) }
            guard !candidates.isEmpty else {
                decided[app.name] = nil
                continue
            }
            let maxCount = counts.max() ?? 0
            let added = extra(ledger, app, candidates)
            var best = candidates[0]
            var bestScore = -Double.infinity
            for (k, c) in candidates.enumerated() {
                let name = ledger.clusters[c].name
                let score =
                    steady(cluster: name, current: current[app.name])
                    + balance(count: counts[c], maxCount: maxCount) + added[k]
                if score > bestScore {
                    best = c
                    bestScore = score
                }  // candidates are in name order: ties keep the first
            }
            ledger.take(app, best)
            counts[best] += 1
            decided[app.name] = best
            result[app.name] = ledger.clusters[best].name
        }
        return result
    }
}
