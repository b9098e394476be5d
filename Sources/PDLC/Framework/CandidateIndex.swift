import AppModel

/// The fleet indexed by what the static filters check, so a decision visits only clusters that can pass them: per
/// zone, the clusters with a known latency to it sorted by that latency (``LatencyBudgetFilter``), and per label
/// key and value, the clusters carrying it (``ClusterSelectorFilter``). Built once per cycle with ``FleetIndex``
/// (per zone a sort of the clusters: zones × clusters × log clusters) and read by
/// ``PlacementEngine/candidates(for:state:into:)``.
///
/// Pruning is exact: a cluster left out would be refused by the filter the index stands for, and filters and
/// scores treat each candidate on its own (normalisation runs over the feasible clusters, which are the same), so
/// decisions are the ones the unpruned walk over every cluster makes.
public struct CandidateIndex: Sendable {
    /// Per zone index, the clusters with a known latency to it, by latency ascending (ties by cluster index).
    let byLatency: [[Int]]
    /// The latencies of ``byLatency``, aligned with it, in ms.
    let sortedLatency: [[Double]]
    /// Label key → value → the clusters carrying it, ascending.
    let byLabel: [String: [String: [Int]]]

    /// - Parameters:
    ///   - clusters: the inventory in name order (cluster `c` is `clusters[c]`).
    ///   - latency: cluster `c` to zone `z` at `c * zoneCount + z`, in ms; `nan` when unknown.
    ///   - zoneCount: the number of zones.
    init(clusters: [ClusterSpec], latency: [Double], zoneCount: Int) {
        var byLatency: [[Int]] = []
        var sortedLatency: [[Double]] = []
        byLatency.reserveCapacity(zoneCount)
        sortedLatency.reserveCapacity(zoneCount)
        for z in 0..<zoneCount {
            var known = (0..<clusters.count).filter { !latency[$0 * zoneCount + z].isNaN }
            known.sort { (latency[$0 * zoneCount + z], $0) < (latency[$1 * zoneCount + z], $1) }
            byLatency.append(known)
            sortedLatency.append(known.map { latency[$0 * zoneCount + z] })
        }
        self.byLatency = byLatency
        self.sortedLatency = sortedLatency
        var byLabel: [String: [String: [Int]]] = [:]
        for (c, cluster) in clusters.enumerated() {
            for (key, value) in cluster.labels { byLabel[key, default: [:]][value, default: []].append(c) }
        }
        self.byLabel = byLabel
    }

    /// The clusters within `budget` ms of zone `z` (latency known and ≤ budget), in latency order.
    func withinBudget(_ budget: Double, zone z: Int) -> ArraySlice<Int> {
        let values = sortedLatency[z]
        var low = 0
        var high = values.count
        while low < high {
            let mid = (low + high) / 2
            if values[mid] <= budget { low = mid + 1 } else { high = mid }
        }
        return byLatency[z][..<low]
    }

    /// The clusters whose label `key` is `value`, ascending.
    func labelled(_ key: String, _ value: String) -> [Int] { byLabel[key]?[value] ?? [] }
}

extension PlacementEngine {
    /// Writes into `candidates` (emptied first) the clusters `app` is filtered over: every cluster, or, when the
    /// engine runs ``LatencyBudgetFilter`` or ``ClusterSelectorFilter`` and ``prunesCandidates`` is set, the
    /// smallest set the ``CandidateIndex`` gives for the app's budget and selector, ascending. Those filters
    /// still run over the set, so it only needs to contain every cluster they admit.
    func candidates(for app: PreparedApp, state: CycleState, into candidates: inout [Int]) {
        candidates.removeAll(keepingCapacity: true)
        let n = state.clusterList.count
        guard prunesCandidates, pruningFilters.latency || pruningFilters.selector else {
            candidates.append(contentsOf: 0..<n)
            return
        }
        let index = state.fleet.candidates
        // The smallest superset of the admitted clusters: a latency prefix (unsorted) or a label list (sorted).
        var latencyPick: ArraySlice<Int>?
        var labelPick: [Int]?
        var size = n
        if pruningFilters.latency, let budget = app.app.latencyBudgetMilliseconds, !budget.isNaN,
            !app.userZones.isEmpty
        {
            for z in app.userZones {
                // An unknown zone has no latency to any cluster: the filter refuses them all.
                guard z >= 0 else { return }
                let within = index.withinBudget(budget, zone: z)
                if within.count < size {
                    size = within.count
                    latencyPick = within
                    labelPick = nil
                }
            }
        }
        if pruningFilters.selector {
            for (key, value) in app.app.clusterSelector {
                let list = index.labelled(key, value)
                if list.count < size {
                    size = list.count
                    labelPick = list
                    latencyPick = nil
                }
            }
        }
        if let labelPick {
            candidates.append(contentsOf: labelPick)
        } else if let latencyPick, latencyPick.count * 8 <= n {
            candidates.append(contentsOf: latencyPick)
            candidates.sort()
        } else if let latencyPick, latencyPick.count * 4 <= n * 3 {
            // Larger sets: marking and scanning every index (linear) beats sorting the set.
            var marked = [Bool](repeating: false, count: n)
            for c in latencyPick { marked[c] = true }
            for c in 0..<n where marked[c] { candidates.append(c) }
        } else {
            // Most clusters are within budget: pruning would save little.
            candidates.append(contentsOf: 0..<n)
        }
    }
}
