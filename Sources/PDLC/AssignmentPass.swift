import AppModel

/// One evaluation's walk over the apps in priority order: filter, score and choose per app (the hot path),
/// apply stability, then build the decision's explanation for the clusters it lists.
struct AssignmentPass {
    let engine: PlacementEngine
    let detail: DecisionDetail
    let nowSeconds: Double
    var stability: StabilityState
    /// Score-gain moves still allowed this evaluation.
    var movesLeft: Int
    /// Apps moved off their saturated home this evaluation (the home is refused for them), by app name.
    var evacuate: [String: Evacuation]
    var scratch: Scratch
    /// With ``detail`` `.full`, which apps are first decided with only the explanation their standing needs
    /// (``decideOne(_:state:current:)``) and explained in full only when this says their decision needs it;
    /// `nil`: every app in full.
    let explainsFully: ((AppDecision) -> Bool)?
    /// Apps explained in full whatever ``explainsFully`` says (a later step changed their decision).
    let forcedFull: Set<String>
    /// Whether each decision is kept to its record's clusters (``AppDecision/trimmedToRecord(top:)``) once made,
    /// except those of ``forcedFull`` (``trims(_:)``).
    let trimsToRecord: Bool
    /// Whether the app being decided gets the standing explanation only (see ``decideOne(_:state:current:)``).
    var standing = false
    private var weightCache: [String: [Double]] = [:]

    init(
        engine: PlacementEngine, detail: DecisionDetail, nowSeconds: Double, stability: StabilityState, movesLeft: Int,
        evacuate: [String: Evacuation] = [:], scratch: Scratch, explainsFully: ((AppDecision) -> Bool)? = nil,
        forcedFull: Set<String> = [], trimsToRecord: Bool = false
    ) {
        self.trimsToRecord = trimsToRecord
        self.explainsFully = explainsFully
        self.forcedFull = forcedFull
        self.evacuate = evacuate
        self.engine = engine
        self.detail = detail
        self.nowSeconds = nowSeconds
        self.stability = stability
        self.movesLeft = movesLeft
        self.scratch = scratch
    }

    /// Whether `app`'s decision is kept to its record's clusters: asked for, and not one a later step changed.
    func trims(_ app: String) -> Bool { trimsToRecord && !forcedFull.contains(app) }

    /// Filters and scores every candidate cluster (``PlacementEngine/candidates(for:state:into:)``) for `app` into `scratch` (feasible indices, per-plugin values, totals).
    /// - Returns: the weights used, aligned with the engine's score plugins.
    mutating func evaluate(_ prepared: PreparedApp, state: CycleState) -> [Double] {
        engine.candidates(for: prepared, state: state, into: &scratch.feasible)
        for filter in engine.filters {
            var verdicts = FilterVerdicts(plugin: filter.name, explains: false, reusing: Self.take(&scratch.refused))
            filter.filter(prepared, candidates: scratch.feasible, state: state, verdicts: &verdicts)
            scratch.refused = verdicts.refusedClusters
            if !scratch.refused.isEmpty { scratch.removeRefused() }
            if scratch.feasible.isEmpty { break }
        }
        if let home = prepared.currentIndex, evacuate[prepared.app.name] != nil {
            scratch.feasible.removeAll { $0 == home }
        }
        let weights = weights(for: prepared.app, policy: state.policy)
        let weightSum = weights.reduce(0, +)
        let count = scratch.feasible.count
        // Work on local arrays (swapped out of scratch, so no copy) to keep the inner loops free of
        // uniqueness checks.
        var totals = Self.take(&scratch.totals)
        totals.append(contentsOf: repeatElement(0, count: count))
        for (p, plugin) in engine.scores.enumerated() {
            let weight = weights[p]
            var sink = ScoreSink(explains: false, values: Self.take(&scratch.values[p]))
            if detail == .full || weight != 0 {
                plugin.score(prepared, clusters: scratch.feasible, state: state, into: &sink)
                if let normalizer = engine.normalizers[p] { normalizer.normalize(&sink.values) }
                if weight != 0 {
                    sink.values.withUnsafeBufferPointer { v in
                        totals.withUnsafeMutableBufferPointer { t in for k in 0..<count { t[k] += weight * v[k] } }
                    }
                }
            }
            scratch.values[p] = sink.values
        }
        if weightSum > 0 {
            totals.withUnsafeMutableBufferPointer { t in for k in 0..<count { t[k] /= weightSum } }
        }
        scratch.totals = totals
        return weights
    }

    /// Moves the array out of `slot`, emptied but keeping its capacity.
    private static func take<Element>(_ slot: inout [Element]) -> [Element] {
        var array: [Element] = []
        swap(&array, &slot)
        array.removeAll(keepingCapacity: true)
        return array
    }

    private mutating func weights(for app: Application, policy: PlacementPolicy) -> [Double] {
        let key = app.performanceProfile.map { "profile:\($0)" } ?? app.qosClass.rawValue
        if let cached = weightCache[key] { return cached }
        let weights = engine.effectiveWeights(for: app, policy: policy)
        weightCache[key] = weights
        return weights
    }

    /// Position of cluster index `c` in the (ascending) feasible list.
    func position(of c: Int) -> Int? {
        var low = 0
        var high = scratch.feasible.count
        while low < high {
            let mid = (low + high) / 2
            if scratch.feasible[mid] < c { low = mid + 1 } else { high = mid }
        }
        return low < scratch.feasible.count && scratch.feasible[low] == c ? low : nil
    }

    /// Positions in the feasible list of the `top` best totals, best first (ties by cluster name).
    func best(_ top: Int) -> [Int] {
        var chosen: [Int] = []
        for k in scratch.totals.indices {
            let total = scratch.totals[k]
            if chosen.count == top, let last = chosen.last, total <= scratch.totals[last] { continue }
            var at = chosen.count
            while at > 0 && scratch.totals[chosen[at - 1]] < total { at -= 1 }
            chosen.insert(k, at: at)
            if chosen.count > top { chosen.removeLast() }
        }
        return chosen
    }
}
