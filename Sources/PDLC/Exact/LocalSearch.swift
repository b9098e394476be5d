/// Deterministic local search on an assignment program (``AssignmentProgram``'s shape: one column per admitted
/// (app, cluster) pair, each app on at most one pair, any further linear rows): best-improvement hill climbing over
/// five neighbourhoods, every move checked against every row of the program, so the result is always feasible for
/// it.
///
/// Moves, all evaluated each round, the best strict gain taken (ties: the first in the fixed enumeration order):
/// - insert: an unplaced app onto a pair;
/// - move: a placed app to another of its pairs;
/// - swap: two placed apps on different clusters trade clusters;
/// - eject: a placed app moves to another cluster so an unplaced app takes its room;
/// - replace and one-out-two-in: a placed app leaves (unplaced) for one or two unplaced apps on its cluster.
///
/// Bounded by a number of improving moves, never by time: the same program and start give the same result on any
/// machine. Classic neighbourhoods for the generalised assignment problem (Osman, "Heuristics for the generalised
/// assignment problem", OR Spektrum 17, 1995; ejection chains: Yagiura, Ibaraki, Glover, INFORMS J. Comput. 16, 2004).
struct LocalSearch {
    private let model: MILPModel
    /// Per app, its pairs: cluster index and column.
    private let pairs: [[(cluster: Int, column: Int)]]
    /// Per column, the rows it has a coefficient in, and the coefficient.
    private var entries: [[(row: Int, coefficient: Double)]]
    /// Per app and cluster, the column (nil: not admitted).
    private var columnOf: [[Int: Int]]

    /// What a search did.
    struct Result {
        /// App index → column chosen (apps absent are unplaced).
        var columns: [Int: Int]
        /// The program's objective of the result.
        var objective: Double
        /// Improving moves made.
        var moves: Int
        /// Whether the search stopped at a local optimum (false: at the move limit).
        var converged: Bool
    }

    init(model: MILPModel, pairs: [[(cluster: Int, column: Int)]]) {
        self.model = model
        self.pairs = pairs
        entries = Array(repeating: [], count: model.columns.count)
        for (r, row) in model.rows.enumerated() {
            for (j, a) in zip(row.columns, row.coefficients) where a != 0 { entries[j].append((r, a)) }
        }
        columnOf = pairs.map { list in Dictionary(uniqueKeysWithValues: list.map { ($0.cluster, $0.column) }) }
    }

    /// Improves `start` (app index → column; must satisfy every row) by at most `moveLimit` improving moves.
    /// - Returns: nil when `start` violates a row (nothing to improve from).
    func improve(start: [Int: Int], moveLimit: Int) -> Result? {
        var state = SearchState(model: model, appCount: pairs.count)
        for (a, j) in start.sorted(by: { $0.key < $1.key }) {
            state.choice[a] = j
            state.value += model.columns[j].objective
            for e in entries[j] { state.activity[e.row] += e.coefficient }
        }
        guard model.rows.indices.allSatisfy({ state.holds($0, model: model) }) else { return nil }
        var moves = 0
        var converged = false
        while moves < moveLimit {
            guard let best = bestMove(&state) else {
                converged = true
                break
            }
            for j in best.out { state.apply(column: j, sign: -1, entries: entries[j], model: model) }
            for j in best.in { state.apply(column: j, sign: 1, entries: entries[j], model: model) }
            for (a, j) in best.apps { state.choice[a] = j }
            moves += 1
        }
        var columns: [Int: Int] = [:]
        for (a, j) in state.choice.enumerated() { if let j { columns[a] = j } }
        return Result(columns: columns, objective: state.value, moves: moves, converged: converged)
    }

    private struct Move {
        var gain: Double
        var out: [Int]
        var `in`: [Int]
        /// The new choice of each app the move touches (nil: unplaced).
        var apps: [(Int, Int?)]
    }

    private struct SearchState {
        var choice: [Int?]
        var activity: [Double]
        var value = 0.0
        /// Scratch for a move's row changes.
        var delta: [Double]
        var touched: [Int] = []

        init(model: MILPModel, appCount: Int) {
            choice = Array(repeating: nil, count: appCount)
            activity = Array(repeating: 0, count: model.rows.count)
            delta = activity
        }

        func holds(_ r: Int, model: MILPModel, extra: Double = 0) -> Bool {
            let row = model.rows[r]
            let lhs = activity[r] + extra
            // Tighter than MILPModel.isFeasible's tolerance, so a result always passes it.
            let slack = 1e-7 * max(1, abs(row.rhs))
            switch row.sense {
            case .lessOrEqual: return lhs <= row.rhs + slack
            case .greaterOrEqual: return lhs >= row.rhs - slack
            case .equal: return abs(lhs - row.rhs) <= slack
            }
        }

        mutating func apply(column j: Int, sign: Double, entries: [(row: Int, coefficient: Double)], model: MILPModel) {
            value += sign * model.columns[j].objective
            for e in entries { activity[e.row] += sign * e.coefficient }
        }
    }

    /// Whether taking out the columns `out` and putting in the columns `in` keeps every row it touches.
    private func fits(_ out: [Int], _ into: [Int], _ state: inout SearchState) -> Bool {
        for j in out { for e in entries[j] { accumulate(e.row, -e.coefficient, &state) } }
        for j in into { for e in entries[j] { accumulate(e.row, e.coefficient, &state) } }
        var ok = true
        for r in state.touched {
            if ok, !state.holds(r, model: model, extra: state.delta[r]) { ok = false }
            state.delta[r] = 0
        }
        state.touched.removeAll(keepingCapacity: true)
        return ok
    }

    private func accumulate(_ r: Int, _ value: Double, _ state: inout SearchState) {
        if state.delta[r] == 0 { state.touched.append(r) }
        state.delta[r] += value
        // A change that cancels to exactly 0 would be appended twice: harmless (the check is repeated).
    }

    private func objective(_ j: Int) -> Double { model.columns[j].objective }

    private func bestMove(_ state: inout SearchState) -> Move? {
        var best: Move?
        func consider(_ gain: Double, _ out: [Int], _ into: [Int], _ apps: [(Int, Int?)], _ state: inout SearchState) {
            guard gain > 1e-9, gain > (best?.gain ?? 0) + 1e-9, fits(out, into, &state) else { return }
            best = Move(gain: gain, out: out, in: into, apps: apps)
        }
        let placed = pairs.indices.filter { state.choice[$0] != nil }
        let unplaced = pairs.indices.filter { state.choice[$0] == nil && !pairs[$0].isEmpty }
        // Cluster of each placed app's column.
        func cluster(_ a: Int) -> Int? {
            guard let j = state.choice[a] else { return nil }
            return pairs[a].first { $0.column == j }?.cluster
        }
        // Insert.
        for u in unplaced {
            for p in pairs[u] { consider(objective(p.column), [], [p.column], [(u, p.column)], &state) }
        }
        // Move.
        for a in placed {
            let j = state.choice[a]!
            for p in pairs[a] where p.column != j {
                consider(objective(p.column) - objective(j), [j], [p.column], [(a, p.column)], &state)
            }
        }
        // Swap.
        for (i, a) in placed.enumerated() {
            let ja = state.choice[a]!
            let ca = cluster(a)!
            for b in placed[(i + 1)...] {
                let cb = cluster(b)!
                guard ca != cb, let ab = columnOf[a][cb], let ba = columnOf[b][ca] else { continue }
                let jb = state.choice[b]!
                let gain = objective(ab) + objective(ba) - objective(ja) - objective(jb)
                consider(gain, [ja, jb], [ab, ba], [(a, ab), (b, ba)], &state)
            }
        }
        // Eject: a leaves its cluster for another, u takes a's cluster.
        for a in placed {
            let ja = state.choice[a]!
            let ca = cluster(a)!
            for p in pairs[a] where p.cluster != ca {
                for u in unplaced {
                    guard let ju = columnOf[u][ca] else { continue }
                    let gain = objective(p.column) + objective(ju) - objective(ja)
                    consider(gain, [ja], [p.column, ju], [(a, p.column), (u, ju)], &state)
                }
            }
        }
        // Replace and one-out-two-in: a leaves (unplaced), one or two unplaced apps take its cluster.
        for a in placed {
            let ja = state.choice[a]!
            let ca = cluster(a)!
            let candidates = unplaced.filter { columnOf[$0][ca] != nil }
            for (i, u1) in candidates.enumerated() {
                let j1 = columnOf[u1][ca]!
                consider(objective(j1) - objective(ja), [ja], [j1], [(a, nil), (u1, j1)], &state)
                for u2 in candidates[(i + 1)...] {
                    let j2 = columnOf[u2][ca]!
                    consider(
                        objective(j1) + objective(j2) - objective(ja), [ja], [j1, j2], [(a, nil), (u1, j1), (u2, j2)],
                        &state)
                }
            }
        }
        return best
    }
}
