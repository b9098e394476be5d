import AppModel

extension AssignmentPass {
    /// Decides `app`, applies stability, builds its explanation and consumes its capacity in `state`.
    ///
    /// With ``explainsFully`` set (and ``detail`` `.full`), the app is first decided with its standing explanation
    /// only: every candidate with its total (as in full), every refused cluster's name, and the texts and per-plugin
    /// scores of just the clusters the decision can name (the best and the current one: its reasons and its current
    /// cluster's refusal are those of a full decision). When ``explainsFully`` asks for more, the same decision is
    /// made again in full from the same state, stability entry and move budget: the cluster, outcome, stability and
    /// every text a full decision would carry, because the choice never reads an explanation text or a score.
    mutating func decideOne(_ app: Application, state: inout CycleState, current: PlacementRecord?) -> AppDecision {
        var decision: AppDecision
        if detail == .full, let explainsFully, !forcedFull.contains(app.name) {
            let entry = stability.apps[app.name]
            let moves = movesLeft
            standing = true
            decision = decideAlone(app, state: state, current: current)
            standing = false
            if explainsFully(decision) {
                stability.apps[app.name] = entry
                movesLeft = moves
                decision = decideAlone(app, state: state, current: current)
            }
        } else {
            decision = decideAlone(app, state: state, current: current)
        }
        if trims(app.name) {
            decision = decision.trimmedToRecord(top: state.policy.topCandidates)
        }
        if let cluster = decision.cluster {
            state.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, on: cluster)
            state.arrive(app, on: cluster)
            state.record(app, on: cluster)
        }
        return decision
    }

    /// Decides `app` against `state` and applies stability (``stability``, ``movesLeft``), without consuming its
    /// capacity.
    private mutating func decideAlone(_ app: Application, state: CycleState, current: PlacementRecord?) -> AppDecision {
        let prepared = state.prepare(app)
        let weights = evaluate(prepared, state: state)
        let policy = state.policy
        let previous = current?.cluster
        let previousIndex = prepared.currentIndex
        let previousPosition = previousIndex.flatMap { position(of: $0) }
        // In full detail every feasible cluster is listed and ``explain`` sorts the candidates (best total first,
        // ties by name, the cluster list's order), so only the best is picked here; sorting every position first as
        // well was a sort of 100 clusters per app for nothing.
        let ranked = best(detail == .full ? 1 : max(1, policy.topCandidates))
        let full = detail == .full && !standing

        // Which clusters the decision lists: everything feasible (full) or the top few plus the current one. A
        // decision trimmed to its record lists only what the trim keeps and the runner-up its reasons name (the
        // chosen cluster is the best or the current one), so the clusters it drops are never explained.
        let trimming = trims(app.name)
        var listed =
            trimming
            ? best(max(2, policy.topCandidates)) : detail == .full ? Array(scratch.totals.indices) : ranked
        if let previousPosition, !listed.contains(previousPosition) { listed.append(previousPosition) }
        var decision = AppDecision(
            app: app, cluster: nil, previousCluster: previous, candidates: [], details: [:], rejected: [], reasons: [],
            policyDigest: policy.digest)
        decision.fullyExplained = full
        decision.listsEveryCandidate = !trimming
        // Standing: texts only for the clusters the decision can choose (the best, or the current one it keeps).
        let texted = standing ? [ranked.first, previousPosition].compactMap { $0 } : nil
        let explained = explain(
            prepared, listed: listed, texted: texted, weights: weights, state: state, into: &decision)
        decision.candidates = explained
        decision.rejected = rejections(prepared, previousIndex: previousIndex, state: state, into: &decision)
        if full {
            for name in Set(decision.candidates.map(\.cluster) + (previous.map { [$0] } ?? [])) {
                if let cluster = state.clusters[name] { describeInputs(of: cluster, into: &decision) }
            }
            for (c, forecasts) in state.fleet.loadForecasts.enumerated() where !forecasts.isEmpty {
                decision.forecasts[state.clusterList[c].name] = forecasts
            }
        }

        let best = ranked.first.map { (position: $0, cluster: state.clusterList[scratch.feasible[$0]].name) }
        var entry = stability.apps[app.name] ?? StabilityState.Entry()
        defer { stability.apps[app.name] = entry }
        let bestCandidate = decision.candidates.first
        let weightsByName = Dictionary(uniqueKeysWithValues: zip(engine.scores.map(\.name), weights))

        if let previous, current?.pinned == true {
            decision.cluster = previous
            decision.outcome = .pinned
            decision.reasons = ["pinned to \(previous) by a human; Placer does not move it"]
            if previousPosition == nil { decision.reasons.append("warning: \(previous) no longer passes the filters") }
            entry.challenger = nil
            entry.wins = 0
        } else if let best {
            let (chosen, lead) = choose(
                best: best, previous: previous, previousPosition: previousPosition, decision: &decision, entry: &entry,
                policy: policy)
            decision.cluster = chosen
            if let candidate = decision.candidates.first(where: { $0.cluster == chosen }) {
                let why = Self.topReasons(candidate, details: decision.details, weights: weightsByName)
                decision.reasons.insert(contentsOf: why, at: 0)
            }
            if chosen == best.cluster, !decision.held {
                if let runnerUp = decision.candidates.dropFirst().first, let bestCandidate {
                    decision.reasons.append(
                        "score \(Format.trim(bestCandidate.total, digits: 1)) beats \(runnerUp.cluster) \(Format.trim(runnerUp.total, digits: 1))"
                    )
                } else if let bestCandidate {
                    decision.reasons.append(
                        "only feasible cluster (score \(Format.trim(bestCandidate.total, digits: 1)))")
                }
            }
            // The cause of a move leads: it is what a reviewer of the commit needs first.
            if let lead { decision.reasons.insert(lead, at: 0) }
        } else {
            decision.cluster = previous
            decision.outcome = previous == nil ? .unplaced : .kept
            decision.reasons = [previous.map { "no feasible cluster; kept on \($0)" } ?? "no feasible cluster"]
            if let evacuation = evacuate[app.name] {
                decision.reasons.append(
                    "\(previous ?? "its cluster") stays saturated: \(evacuation.status.reasons.joined(separator: "; "))"
                )
            }
            entry.challenger = nil
            entry.wins = 0
        }
        return decision
    }

    /// Stability: where the app goes given the best cluster, its outcome, and the reasons for a move or a hold.
    /// - Returns: the cluster, and for a move the reason that leads the decision's reasons (its cause).
    private mutating func choose(
        best: (position: Int, cluster: String), previous: String?, previousPosition: Int?,
        decision: inout AppDecision, entry: inout StabilityState.Entry, policy: PlacementPolicy
    ) -> (cluster: String, lead: String?) {
        guard let previous, previous != best.cluster else {
            decision.outcome = previous == nil ? .placed : .kept
            entry.challenger = nil
            entry.wins = 0
            return (best.cluster, nil)
        }
        guard let previousPosition else {
            // Evacuation: the old cluster is refused or gone. Ignores count, cooldown and the move limit.
            let lead: String
            if let refusal = decision.rejected.first(where: { $0.cluster == previous }) {
                lead = "moved from \(previous): \(refusal.reasons.joined(separator: "; "))"
            } else {
                lead = "moved from \(previous): it is no longer in the inventory"
            }
            let evacuation = evacuate[decision.app.name]
            if let evacuation { decision.reasons.append(evacuation.note) }
            decision.outcome = evacuation == nil ? .evacuated : .shed
            entry = StabilityState.Entry(
                challenger: nil, wins: 0, lastMoveSeconds: nowSeconds, shedFrom: evacuation == nil ? nil : previous)
            return (best.cluster, lead)
        }
        let gain = scratch.totals[best.position] - scratch.totals[previousPosition]
        let threshold = Format.trim(policy.minScoreGain)
        guard gain >= policy.minScoreGain else {
            decision.reasons.append(
                "stays on \(previous): \(best.cluster) would gain only \(Format.trim(gain)) points (< \(threshold))")
            decision.outcome = .kept
            entry.challenger = nil
            entry.wins = 0
            return (previous, nil)
        }
        entry.wins = entry.challenger == best.cluster ? entry.wins + 1 : 1
        entry.challenger = best.cluster
        let needed = max(1, policy.consecutiveEvaluations)
        let count = "\(min(entry.wins, needed))/\(needed)"
        let evidence = "\(best.cluster) scores \(Format.trim(gain)) points higher (threshold \(threshold))"
        let cooldownLeft = entry.lastMoveSeconds.map { max(0, policy.cooldownSeconds - (nowSeconds - $0)) } ?? 0
        if entry.wins < needed {
            decision.reasons.append("stays on \(previous): \(evidence), \(count) consecutive evaluations")
        } else if cooldownLeft > 0 {
            decision.reasons.append(
                "stays on \(previous): \(evidence) for \(count) evaluations, but it moved \(Format.trim(policy.cooldownSeconds - cooldownLeft)) s ago (cooldown \(Format.trim(cooldownLeft)) s left)"
            )
        } else if movesLeft <= 0 {
            decision.reasons.append(
                "stays on \(previous): \(evidence) for \(count) evaluations, but the limit of \(policy.maxMovesPerCycle) moves per cycle is reached"
            )
        } else {
            movesLeft -= 1
            decision.outcome = .moved
            entry = StabilityState.Entry(challenger: nil, wins: 0, lastMoveSeconds: nowSeconds)
            return (best.cluster, "moved from \(previous): \(evidence) for \(count) evaluations")
        }
        decision.outcome = .heldByHysteresis
        return (previous, nil)
    }

    /// The chosen cluster's criteria, strongest weighted contribution first (top two).
    static func topReasons(
        _ candidate: PlacementRecord.Candidate, details: [String: [String: String]], weights: [String: Double]
    ) -> [String] {
        let ranked = candidate.scores.sorted {
            (weights[$1.key, default: 0] * $1.value, $0.key) < (weights[$0.key, default: 0] * $0.value, $1.key)
        }
        return ranked.prefix(2).compactMap { details[candidate.cluster]?[$0.key] }
    }
}
