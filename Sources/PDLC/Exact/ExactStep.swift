import AppModel
import Foundation

/// What the exact step and the exchange moves did in one evaluation.
struct ImprovementReport {
    var path: DecisionPath = .heuristic
    var gapPercent: Double?
    /// One line for every decision's reasons (which path decided, the solver's status and gap).
    var note: String?
}

extension PlacementEngine {
    /// After the greedy passes and repair: exchange moves on the heuristic's result, then the exact step (a MILP
    /// solved by CBC, ``AssignmentMILP``, bounded by the policy's node limit and, as a safety cap only, its
    /// wall-clock cap). The solver's assignment replaces the heuristic's when it scores higher on the program's
    /// objective and every app of it passes every filter when replayed in priority order; otherwise the
    /// (exchanged) heuristic stands. A solve that reached the wall-clock cap is discarded whatever it found, so the
    /// decision depends on the inputs only, never on the machine's speed or load. Every decision is marked with
    /// the path that decided and the solver's gap.
    func improve(
        _ decisions: inout [AppDecision], state: inout CycleState, base: CycleState,
        current: [String: PlacementRecord], prior: StabilityState, stability: inout StabilityState,
        nowSeconds: Double, evacuate: [String: Evacuation]
    ) {
        let pairCount = decisions.count * base.clusterList.count
        guard !decisions.isEmpty, pairCount <= retryPairLimit else { return }
        let policy = base.policy
        let wantsExact = policy.exactNodeLimit > 0 && pairCount <= exactPairLimit
        let hasUnplaced = decisions.contains { $0.cluster == nil }
        guard wantsExact || hasUnplaced else { return }

        // Static pair scores on the base state (no app of this cycle placed).
        var walk = AssignmentPass(
            engine: self, detail: .summary, nowSeconds: nowSeconds, stability: prior, movesLeft: 0,
            evacuate: evacuate, scratch: Scratch(clusterCount: base.clusterList.count, plugins: scores.count))
        let apps = decisions.map(\.app)
        var scoreTable: [[Int: Double]] = []
        scoreTable.reserveCapacity(apps.count)
        for app in apps {
            _ = walk.evaluate(base.prepare(app), state: base)
            var row: [Int: Double] = [:]
            for (k, c) in walk.scratch.feasible.enumerated() { row[c] = walk.scratch.totals[k] }
            scoreTable.append(row)
        }
        var report = ImprovementReport()
        if hasUnplaced, exchange(&decisions, state: &state, scores: scoreTable) { report.path = .exchange }
        if wantsExact {
            exact(
                &decisions, base: base, scores: scoreTable, current: current, prior: prior, stability: &stability,
                nowSeconds: nowSeconds, evacuate: evacuate, report: &report)
        }
        for d in decisions.indices {
            decisions[d].path = report.path
            decisions[d].solverGapPercent = report.gapPercent
            decisions[d].solverNote = report.note
        }
    }

    private func exact(
        _ decisions: inout [AppDecision], base: CycleState, scores scoreTable: [[Int: Double]],
        current: [String: PlacementRecord], prior: StabilityState, stability: inout StabilityState,
        nowSeconds: Double, evacuate: [String: Evacuation], report: inout ImprovementReport
    ) {
        let policy = base.policy
        let apps = decisions.map(\.app)
        var fixed: [Int: Int] = [:]
        var currentIndex: [Int?] = []
        var onlyCurrent = Set<Int>()
        var heuristic: [Int: Int] = [:]
        for (a, decision) in decisions.enumerated() {
            let home = decision.previousCluster.flatMap { base.clusterIndex[$0] }
            currentIndex.append(home)
            let chosen = decision.cluster.flatMap { base.clusterIndex[$0] }
            if let chosen { heuristic[a] = chosen }
            // Pinned apps, apps kept where no filter admits them, and apps joined by a channel (their delay bound
            // and affinity depend on where the peer goes: not linear in x) keep the heuristic's decision.
            let channelled =
                !decision.app.peerChannels.isEmpty || !(base.channelsTo[decision.app.appName] ?? []).isEmpty
                || !(base.channelsTo[decision.app.name] ?? []).isEmpty
            if decision.outcome == .pinned || channelled || (chosen != nil && scoreTable[a][chosen!] == nil) {
                if let chosen { fixed[a] = chosen }
                continue
            }
            if let home, scoreTable[a][home] != nil, evacuate[decision.app.name] == nil,
                let last = prior.apps[decision.app.name]?.lastMoveSeconds,
                nowSeconds - last < policy.cooldownSeconds
            {
                onlyCurrent.insert(a)
            }
        }
        // Moves the heuristic's stability rules approved (won their evaluations, cooldown passed) stay free.
        var approved: [Int: Int] = [:]
        for (a, decision) in decisions.enumerated() where decision.outcome == .moved && fixed[a] == nil {
            if let target = heuristic[a] { approved[a] = target }
        }
        var program = AssignmentMILP(
            apps: apps, scores: scoreTable, current: currentIndex, fixed: fixed, onlyCurrent: onlyCurrent,
            state: base, migrationCost: policy.migrationCost,
            maxMoves: max(0, policy.maxMovesPerCycle - approved.count), qos: policy.exactQoSPriority != .none,
            approved: approved)
        guard !program.model.columns.isEmpty else { return }
        let start = program.vector(heuristic.filter { fixed[$0.key] == nil })
        // QoS order: at least as many apps of each class placed as the heuristic placed.
        for rank in 0..<3 where policy.exactQoSPriority == .order {
            let placed = heuristic.keys.filter { fixed[$0] == nil && apps[$0].qosClass.rank == rank }.count
            program.requirePlaced(atLeast: placed, rank: rank)
        }
        let heuristicValue = program.model.objective(of: start)
        // Without the capacity, move and class rows each app takes its best pair: when the heuristic's assignment
        // reaches that bound (an uncongested fleet, a one-app decision), it is optimal and CBC could only confirm
        // it. The solver's start-up is most of a one-app decision's cost.
        let relaxation = program.relaxationBound()
        if heuristicValue >= relaxation - 1e-9, program.model.isFeasible(start) {
            report.gapPercent = 0
            report.note = "exact step: the heuristic's assignment is proven optimal (every app on its best pair)"
            return
        }
        // The local search on the same program, from the heuristic's assignment; its result, once the filters'
        // replay admits it, is CBC's start and what stands when CBC finds nothing better.
        var incumbent = start
        var incumbentValue = heuristicValue
        var searchNote: String?
        // The assignment that decides, adopted once when the step ends: the local search's may still give way to
        // CBC's, and adopting both would leave a move of the first in the stability state (a cooldown) for an app
        // the second puts back.
        var winner: (assignment: [Int: Int], step: String)?
        defer {
            if let winner {
                adopt(
                    winner.assignment, by: winner.step, decisions: &decisions, base: base, scores: scoreTable,
                    fixed: fixed, currentIndex: currentIndex, stability: &stability, nowSeconds: nowSeconds)
            }
        }
        if localSearchMoveLimit > 0, program.model.isFeasible(start) {
            let search = LocalSearch(model: program.model, pairs: program.pairs)
            var columns: [Int: Int] = [:]
            for (a, list) in program.pairs.enumerated() {
                if let pair = list.first(where: { start[$0.column] > 0.5 }) { columns[a] = pair.column }
            }
            if let found = search.improve(start: columns, moveLimit: localSearchMoveLimit),
                found.objective > heuristicValue + 1e-6
            {
                var values = Array(repeating: 0.0, count: program.model.columns.count)
                for j in found.columns.values { values[j] = 1 }
                let assignment = program.assignment(values)
                let limit = found.converged ? "a local optimum" : "its limit of \(localSearchMoveLimit) moves"
                if let refusal = replay(assignment, apps: apps, fixed: fixed, base: base, evacuate: evacuate) {
                    searchNote = "local search: its assignment failed the filters' replay (\(refusal))"
                } else if program.model.isFeasible(values) {
                    incumbent = values
                    incumbentValue = found.objective
                    searchNote =
                        "local search: \(found.moves) moves to \(limit), +"
                        + "\(Format.trim(found.objective - heuristicValue, digits: 1)) points over the heuristic"
                    report.path = .localSearch
                    winner = (assignment, "the local search")
                }
            }
        }
        let kept = report.path == .localSearch ? "local search kept" : "heuristic kept"
        func noted(_ text: String) -> String { searchNote.map { "\($0); \(text)" } ?? text }
        if incumbentValue >= relaxation - 1e-9 {
            report.gapPercent = 0
            report.note = noted("proven optimal (every app on its best pair)")
            return
        }
        let result: MILPResult
        do {
            // The incumbent (heuristic or local search) as CBC's start: its incumbent from the first node.
            result = try CBCSolver.solve(
                program.model, nodeLimit: policy.exactNodeLimit, wallCapSeconds: policy.exactWallCapMilliseconds / 1000,
                start: incumbent)
        } catch {
            report.note = noted("exact step skipped: \(error)")
            return
        }
        let limits = "node limit \(policy.exactNodeLimit)"
        if result.wallClockReached && result.status != .optimal {
            // The cap is a safety net, not a budget: what CBC found by then depends on the machine's load.
            report.note = noted(
                "exact step (CBC): stopped by the wall-clock cap of \(Format.trim(policy.exactWallCapMilliseconds)) ms "
                    + "after \(result.nodes) nodes; \(kept)")
            return
        }
        // The gap of what decides: the solver's bound against the better of its solution and the incumbent's.
        let decided = max(result.objective ?? incumbentValue, incumbentValue)
        if let bound = result.bound {
            report.gapPercent =
                result.status == .optimal && (result.objective ?? -.infinity) <= incumbentValue + 1e-6
                ? 0 : max(0, 100 * (bound - decided) / max(1, abs(decided)))
        }
        let gapText = report.gapPercent.map { "gap \(Format.trim($0, digits: 2)) %" } ?? "no bound"
        let whose = report.path == .localSearch ? "the local search's" : "the heuristic's"
        guard let values = result.values, let objective = result.objective else {
            report.note = noted("exact step (CBC): \(result.status.rawValue) within \(limits); \(kept)")
            return
        }
        guard objective > incumbentValue + 1e-6 else {
            report.note = noted(
                result.status == .optimal
                    ? "exact step (CBC): \(whose) assignment is proven optimal"
                    : "exact step (CBC): nothing better than \(whose) assignment within \(limits) (\(gapText))")
            return
        }
        let assignment = program.assignment(values)
        if let refusal = replay(assignment, apps: apps, fixed: fixed, base: base, evacuate: evacuate) {
            report.note = noted(
                "exact step (CBC): its assignment failed the filters' replay (\(refusal)); \(kept)")
            return
        }
        report.path = .exact
        let status = result.status == .optimal ? "proven optimal" : "best within \(limits)"
        report.note = noted("assignment by the exact step (CBC MILP, \(status), \(gapText))")
        winner = (assignment, "the exact step")
    }

    /// Rewrites the decisions of the apps not fixed to `assignment` (app index → cluster index), with reasons
    /// naming `step`, and records the moves in `stability`.
    private func adopt(
        _ assignment: [Int: Int], by step: String, decisions: inout [AppDecision], base: CycleState,
        scores scoreTable: [[Int: Double]], fixed: [Int: Int], currentIndex: [Int?], stability: inout StabilityState,
        nowSeconds: Double
    ) {
        let policy = base.policy
        for (a, decision) in decisions.enumerated() where fixed[a] == nil {
            let target = assignment[a].map { base.clusterList[$0].name }
            guard target != decision.cluster else { continue }
            var changed = decision
            changed.cluster = target
            let previous = decision.previousCluster
            let homeAdmitted = currentIndex[a].map { scoreTable[a][$0] != nil } ?? false
            if target == nil {
                changed.outcome = .unplaced
                changed.reasons = ["left out by \(step): capacity goes to apps worth more"]
            } else if previous == nil {
                changed.outcome = .placed
                changed.reasons = ["placed on \(target!) by \(step)"]
            } else if previous == target {
                changed.outcome = .kept
                changed.reasons = ["kept on \(target!) by \(step)"]
            } else {
                changed.outcome = homeAdmitted ? .moved : .evacuated
                changed.reasons = [
                    "moved from \(previous!) to \(target!) by \(step) (a move costs \(Format.trim(policy.migrationCost)) points)"
                ]
                stability.apps[decision.app.name] = StabilityState.Entry(lastMoveSeconds: nowSeconds)
            }
            if let name = target, let c = base.clusterIndex[name], let score = scoreTable[a][c] {
                changed.reasons.append("score \(Format.trim(score, digits: 1)) on \(name)")
            }
            // The cluster's own top reasons lead, as on the heuristic path (after a move's cause, which leads there
            // too): the next evaluation, which keeps the app there through the heuristic, then gives the same first
            // reason, so the published PlacementDecision does not churn between the two paths.
            if let name = target, let candidate = decision.candidates.first(where: { $0.cluster == name }) {
                let weights = Dictionary(
                    uniqueKeysWithValues: zip(scores.map(\.name), effectiveWeights(for: decision.app, policy: policy)))
                let moved = previous != nil && previous != target
                changed.reasons.insert(
                    contentsOf: AssignmentPass.topReasons(candidate, details: decision.details, weights: weights),
                    at: moved ? 1 : 0)
            }
            decisions[a] = changed
        }
    }

    /// Replays `assignment` in priority order through every filter on a copy of `base`; the first refusal, or
    /// nil when every app is admitted where the assignment puts it.
    private func replay(
        _ assignment: [Int: Int], apps: [Application], fixed: [Int: Int], base: CycleState,
        evacuate: [String: Evacuation]
    ) -> String? {
        var state = base
        let order = assignment.keys.sorted {
            (apps[$0].qosClass.rank, fixed[$0] == nil ? 1 : 0, apps[$0].name)
                < (apps[$1].qosClass.rank, fixed[$1] == nil ? 1 : 0, apps[$1].name)
        }
        // Fixed apps hold their capacity first, as in the program.
        for a in order where fixed[a] != nil {
            let name = state.clusterList[assignment[a]!].name
            state.consume(cpuCores: apps[a].cpuCores, memoryBytes: apps[a].memoryBytes, on: name)
            state.arrive(apps[a], on: name)
            state.record(apps[a], on: name)
        }
        for a in order where fixed[a] == nil {
            let c = assignment[a]!
            let app = apps[a]
            let prepared = state.prepare(app)
            if let home = prepared.currentIndex, home == c, evacuate[app.name] != nil {
                return "\(app.name) back on its saturated home"
            }
            for filter in filters where !filter.admits(prepared, at: c, state: state) {
                return "\(app.name) on \(state.clusterList[c].name): \(filter.name)"
            }
            let name = state.clusterList[c].name
            state.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, on: name)
            state.arrive(app, on: name)
            state.record(app, on: name)
        }
        return nil
    }

    /// Exchange moves: one app placed this cycle that ran nowhere before (not pinned, no channel) leaves its
    /// cluster so that two apps left unplaced, of its QoS class or higher, take its place; then it is placed
    /// elsewhere if any cluster admits it. Each exchange places one app more. At most ``repairLimit``
    /// exchanges, the 32 first unplaced apps considered.
    /// - Returns: whether any exchange was made.
    func exchange(_ decisions: inout [AppDecision], state: inout CycleState, scores: [[Int: Double]]) -> Bool {
        var changed = false
        for _ in 0..<repairLimit {
            let unplaced = decisions.indices.filter { decisions[$0].cluster == nil && !scores[$0].isEmpty }.prefix(32)
            guard unplaced.count >= 2 else { break }
            var best: (p: Int, c: Int, u1: Int, u2: Int, value: Double)?
            for p in decisions.indices {
                let placed = decisions[p]
                guard let name = placed.cluster, let c = state.clusterIndex[name], placed.outcome != .pinned,
                    placed.previousCluster == nil, placed.app.peerChannels.isEmpty,
                    (state.channelsTo[placed.app.appName] ?? []).isEmpty
                else { continue }
                let roomCPU = state.freeCPUCores(at: c) + placed.app.cpuCores
                let roomMemory = state.freeMemoryBytes(at: c) + placed.app.memoryBytes
                let fitting = unplaced.filter { u in
                    let app = decisions[u].app
                    return scores[u][c] != nil && app.qosClass.rank <= placed.app.qosClass.rank
                        && app.cpuCores <= roomCPU + 1e-9 && app.memoryBytes <= roomMemory + 1
                }
                guard fitting.count >= 2 else { continue }
                for (i, u1) in fitting.enumerated() {
                    for u2 in fitting[(i + 1)...] {
                        let a1 = decisions[u1].app
                        let a2 = decisions[u2].app
                        guard a1.cpuCores + a2.cpuCores <= roomCPU + 1e-9,
                            a1.memoryBytes + a2.memoryBytes <= roomMemory + 1
                        else { continue }
                        let value = (scores[u1][c] ?? 0) + (scores[u2][c] ?? 0) - (scores[p][c] ?? 0)
                        if best == nil || value > best!.value { best = (p, c, u1, u2, value) }
                    }
                }
            }
            guard let move = best else { break }
            let out = decisions[move.p].app
            let name = state.clusterList[move.c].name
            state.consume(cpuCores: -out.cpuCores, memoryBytes: -out.memoryBytes, at: move.c)
            state.arrive(out, on: name, sign: -1)
            state.unrecord(out)
            var placedNow: [Int] = []
            for u in [move.u1, move.u2] {
                let app = decisions[u].app
                let prepared = state.prepare(app)
                guard filters.allSatisfy({ $0.admits(prepared, at: move.c, state: state) }) else { break }
                state.consume(cpuCores: app.cpuCores, memoryBytes: app.memoryBytes, at: move.c)
                state.arrive(app, on: name)
                state.record(app, on: name)
                placedNow.append(u)
            }
            guard placedNow.count == 2 else {
                // Undo: the filters refused one of the pair on the real state; no further exchange is tried.
                for u in placedNow {
                    let app = decisions[u].app
                    state.consume(cpuCores: -app.cpuCores, memoryBytes: -app.memoryBytes, at: move.c)
                    state.arrive(app, on: name, sign: -1)
                    state.unrecord(app)
                }
                state.consume(cpuCores: out.cpuCores, memoryBytes: out.memoryBytes, at: move.c)
                state.arrive(out, on: name)
                state.record(out, on: name)
                break
            }
            let names = placedNow.map { decisions[$0].app.name }
            for u in placedNow {
                decisions[u].cluster = name
                decisions[u].outcome = .placed
                decisions[u].rejected.removeAll { $0.cluster == name }
                decisions[u].reasons = [
                    "placed on \(name) by an exchange move: \(out.name) left it so \(names.joined(separator: " and ")) fit"
                ]
            }
            // The app taken out goes wherever every filter admits it, best static score first.
            let prepared = state.prepare(out)
            let elsewhere = scores[move.p].sorted { ($1.value, $0.key) < ($0.value, $1.key) }.first { c, _ in
                c != move.c && filters.allSatisfy { $0.admits(prepared, at: c, state: state) }
            }
            if let c2 = elsewhere?.key {
                let to = state.clusterList[c2].name
                state.consume(cpuCores: out.cpuCores, memoryBytes: out.memoryBytes, at: c2)
                state.arrive(out, on: to)
                state.record(out, on: to)
                decisions[move.p].cluster = to
                decisions[move.p].reasons.insert(
                    "placed on \(to) instead of \(name) by an exchange move (room for \(names.joined(separator: " and ")))",
                    at: 0)
            } else {
                decisions[move.p].cluster = nil
                decisions[move.p].outcome = .unplaced
                decisions[move.p].reasons = [
                    "left out by an exchange move: \(names.joined(separator: " and ")) take its room on \(name)"
                ]
            }
            changed = true
        }
        return changed
    }
}
