import AppModel

extension AssignmentPass {
    /// The listed feasible clusters as candidates (best first), with each plugin's score and explanation in
    /// `details` (in full detail; standing: only for the positions in `texted`, the others by name and total) and,
    /// in full detail, every filter's verdict.
    func explain(
        _ prepared: PreparedApp, listed: [Int], texted: [Int]? = nil, weights: [Double], state: CycleState,
        into decision: inout AppDecision
    ) -> [PlacementRecord.Candidate] {
        var candidates: [PlacementRecord.Candidate] = []
        candidates.reserveCapacity(listed.count)
        // Full detail: each plugin's explanations of the listed clusters, through the same code that scored them (a
        // cluster's text depends on that cluster alone, so explaining fewer clusters gives the same texts).
        var texts: [[String]] = []
        var textAt: [Int: Int] = [:]  // position in the feasible list → index into each plugin's texts
        if detail == .full {
            let explained = texted.map { wanted in listed.filter { wanted.contains($0) } } ?? listed
            for (i, k) in explained.enumerated() { textAt[k] = i }
            let clusters = explained.map { scratch.feasible[$0] }
            texts = engine.scores.map { plugin in
                var sink = ScoreSink(explains: true)
                plugin.score(prepared, clusters: clusters, state: state, into: &sink)
                return sink.details
            }
        }
        // Every candidate's scores have the same keys (the plugins that scored): the keys are hashed once into a
        // template, and each candidate's dictionary is a copy of it whose values are set by index. A copy keeps the
        // template's layout, so setting a value hashes nothing; hashing each name per candidate was most of a
        // standing explanation's cost (perf, 1,000 apps × 100 clusters: 16 % of a push's samples in `explain`).
        // A name two plugins share keeps the later plugin's value, as one insert after another did.
        let scored = engine.scores.indices.filter { !scratch.values[$0].isEmpty }
        var template: [String: Double] = Dictionary(minimumCapacity: scored.count)
        for p in scored { template[engine.scores[p].name] = 0 }
        let slots = scored.map { p in (p: p, index: template.index(forKey: engine.scores[p].name)!) }
        for k in listed {
            let c = scratch.feasible[k]
            let cluster = state.clusterList[c]
            var details: [String: String] = [:]
            let text = textAt[k]
            // Standing: per-plugin scores only for the clusters the decision can name (the texted ones), as for
            // texts; every other candidate by name and total, which is all a standing decision is read for.
            var values = standing && text == nil ? [:] : template
            if !values.isEmpty { for slot in slots { values.values[slot.index] = scratch.values[slot.p][k] } }
            if let text {
                for p in scored { details[engine.scores[p].name] = texts[p][text] }
            }
            if text != nil { decision.details[cluster.name] = details }
            if detail == .full && !standing {
                decision.verdicts[cluster.name] = engine.filters.map { .feasible($0.name) }
            }
            candidates.append(.init(cluster: cluster.name, total: scratch.totals[k], scores: values))
        }
        return candidates.sorted { ($1.total, $0.cluster) < ($0.total, $1.cluster) }
    }

    /// Refused clusters with the filters' reasons: all of them in full detail, else only the current one.
    func rejections(
        _ prepared: PreparedApp, previousIndex: Int?, state: CycleState, into decision: inout AppDecision
    ) -> [PlacementRecord.Rejection] {
        var refused: [Int] = []
        if detail == .full {
            var next = 0
            for c in 0..<state.clusterList.count {
                if next < scratch.feasible.count && scratch.feasible[next] == c { next += 1 } else { refused.append(c) }
            }
        } else if let previousIndex, position(of: previousIndex) == nil {
            refused = [previousIndex]
        }
        return refused.map { c in
            let cluster = state.clusterList[c]
            // Standing: the names of the refused clusters (whether the feasible set changed), and the reasons of the
            // current one only (a move's or a pin's explanation reads them).
            if standing && c != previousIndex { return PlacementRecord.Rejection(cluster: cluster.name, reasons: []) }
            var statuses = engine.filters.map { $0.status(prepared, at: c, state: state) }
            if c == previousIndex, let evacuation = evacuate[prepared.app.name] { statuses.append(evacuation.status) }
            if detail == .full && !standing
                && (!trims(prepared.app.name) || c == previousIndex)
            {
                decision.verdicts[cluster.name] = statuses
            }
            // The texts are built here, where the record shows them.
            let reasons = statuses.flatMap { $0.rejections.map(\.description) }
            return PlacementRecord.Rejection(cluster: cluster.name, reasons: reasons)
        }
    }

    /// Records which measurements of `cluster` the decision read, their source and age, and any fallbacks.
    func describeInputs(of cluster: ClusterSpec, into decision: inout AppDecision) {
        let inventory = DecisionInput(
            metric: "inventory", source: cluster.source.isEmpty ? "inventory" : cluster.source, ageSeconds: nil)
        guard let telemetry = cluster.telemetry else {
            decision.inputs[cluster.name] = [inventory]
            return
        }
        var inputs = [inventory]
        for metric in telemetry.sources.keys.sorted() {
            inputs.append(
                DecisionInput(
                    metric: metric, source: telemetry.sources[metric] ?? "", ageSeconds: telemetry.ageSeconds[metric]))
        }
        decision.inputs[cluster.name] = inputs
        if !telemetry.fallbacks.isEmpty { decision.fallbacks[cluster.name] = telemetry.fallbacks }
    }
}
