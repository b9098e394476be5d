import AppModel

extension PlacementEngine {
    /// Bounded repair after the greedy pass: for an app left without a cluster, find a cluster that refuses it
    /// only for capacity and an app placed there this cycle (not running there before, not pinned, joined by no
    /// channel) that fits elsewhere; move that app aside and place the first. At most ``repairLimit`` apps,
    /// 4 clusters each and 4 candidates to move per cluster, so the pass stays cheap on large fleets.
    func repair(_ decisions: inout [AppDecision], state: inout CycleState, detail: DecisionDetail) {
        let unplaced = decisions.indices.filter { decisions[$0].cluster == nil }.prefix(repairLimit)
        guard !unplaced.isEmpty else { return }
        let capacityFilters = filters.filter { $0 is any CapacityFilterPlugin }
        let otherFilters = filters.filter { !($0 is any CapacityFilterPlugin) }
        var onCluster: [Int: [Int]] = [:]
        for (d, decision) in decisions.enumerated() {
            guard let name = decision.cluster, let c = state.clusterIndex[name] else { continue }
            onCluster[c, default: []].append(d)
        }
        for u in unplaced {
            let app = decisions[u].app
            let prepared = state.prepare(app)
            var admitted = Array(state.clusterList.indices)
            for filter in otherFilters where !admitted.isEmpty {
                var verdicts = FilterVerdicts(plugin: filter.name, explains: false)
                filter.filter(prepared, candidates: admitted, state: state, verdicts: &verdicts)
                let refused = Set(verdicts.refusedClusters)
                if !refused.isEmpty { admitted.removeAll { refused.contains($0) } }
            }
            let blocked = admitted.prefix(4)
            search: for c in blocked {
                let movable = (onCluster[c] ?? []).filter { d in
                    let other = decisions[d]
                    return other.previousCluster != other.cluster && other.app.peerChannels.isEmpty
                        && (state.channelsTo[other.app.appName] ?? []).isEmpty
                        && other.app.cpuCores + state.freeCPUCores(at: c) >= app.cpuCores - 1e-9
                        && other.app.memoryBytes + state.freeMemoryBytes(at: c) >= app.memoryBytes - 1
                }.prefix(4)
                for d in movable {
                    let other = decisions[d].app
                    state.consume(cpuCores: -other.cpuCores, memoryBytes: -other.memoryBytes, at: c)
                    state.arrive(other, on: state.clusterList[c].name, sign: -1)
                    let otherPrepared = state.prepare(other)
                    let fitsHere = capacityFilters.allSatisfy { $0.admits(prepared, at: c, state: state) }
                    let elsewhere =
                        fitsHere
                        ? state.clusterList.indices.first { c2 in
                            c2 != c && filters.allSatisfy { $0.admits(otherPrepared, at: c2, state: state) }
                        } : nil
                    guard let c2 = elsewhere else {
                        state.consume(cpuCores: other.cpuCores, memoryBytes: other.memoryBytes, at: c)
                        state.arrive(other, on: state.clusterList[c].name)
                        continue
                    }
                    let from = state.clusterList[c].name
                    let to = state.clusterList[c2].name
                    state.consume(cpuCores: other.cpuCores, memoryBytes: other.memoryBytes, at: c2)
                    state.record(other, on: to)
                    state.arrive(other, on: to)
                    decisions[d].cluster = to
                    decisions[d].reasons.insert(
                        "placed on \(to) instead of \(from) to make room for \(app.name) (repair pass)", at: 0)
                    onCluster[c]?.removeAll { $0 == d }
                    onCluster[c2, default: []].append(d)
                    state.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, at: c)
                    state.record(app, on: from)
                    state.arrive(app, on: from)
                    decisions[u].cluster = from
                    decisions[u].outcome = .placed
                    decisions[u].rejected.removeAll { $0.cluster == from }
                    decisions[u].reasons = [
                        "placed on \(from) by the repair pass: \(other.name) moved to \(to) to make room"
                    ]
                    onCluster[c, default: []].append(u)
                    break search
                }
            }
        }
    }
}
