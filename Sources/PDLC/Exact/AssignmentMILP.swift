import AppModel

/// The assignment of one evaluation as a 0/1 program, for PDLC's exact step and the optimum benchmark.
///
/// Variables `x[a][c] ∈ {0, 1}` exist only for the pairs PDLC's filters admit on the cycle's base state (every
/// app unplaced, capacity held by fixed and pinned apps taken). Maximise
/// `Σ x[a][c] · (value(a) + s(a, c) − m · [a runs elsewhere now])` subject to `Σ_c x[a][c] ≤ 1` per app,
/// `Σ_a cpu(a) x[a][c] ≤ free cpu(c)` and the same for memory per cluster (free = allocatable × (1 − reserve)
/// − held), and `Σ moves ≤ maxMovesPerCycle` over apps whose current cluster is still feasible. `s(a, c)` is
/// PDLC's weighted total (0…100) on the base state, `m` the policy's ``PlacementPolicy/migrationCost``, and
/// `value(a) = 100` plus a QoS bonus (``qosBonus``) so a placed app is worth more than any score and a higher
/// class more than a lower one. Channel constraints and load-dependent filters (forecast headroom) are not in
/// the program: a solution is replayed through every filter before it is used.
struct AssignmentMILP {
    /// Points added to an app's placement value per QoS class (Gold, Silver, BestEffort).
    static let qosBonus = [20.0, 10.0, 0.0]

    /// The assignment columns and rows (``AssignmentProgram``); fixed apps have no pairs.
    private var program: AssignmentProgram
    var apps: [Application]
    /// Apps not modelled (pinned, or kept by the heuristic where no filter admits them): their cluster index.
    var fixed: [Int: Int]
    /// The program so far, for the solver and the objective of a start.
    var model: MILPModel { program.model }
    /// Per app index, its pairs: cluster index and column (none for fixed apps).
    var pairs: [[(cluster: Int, column: Int)]] { program.pairs }

    /// Builds the program for `apps` over `state`; the `fixed` apps' requests are taken from their clusters' free
    /// capacity first.
    /// - Parameters:
    ///   - scores: per app, admitted cluster index → PDLC's total on the base state.
    ///   - current: per app, the cluster index it runs on now (nil: new).
    ///   - maxMoves: moves allowed in this evaluation (nil: no limit), counted over apps whose current cluster is
    ///     still admitted.
    ///   - onlyCurrent: apps confined to their current cluster (in cooldown).
    ///   - migrationCost: points a move costs; `qos`: whether to add ``qosBonus``.
    ///   - approved: per app, a move the heuristic's stability rules already approved (its target): free of
    ///     the migration cost and outside the move limit.
    init(
        apps: [Application], scores: [[Int: Double]], current: [Int?], fixed: [Int: Int], onlyCurrent: Set<Int>,
        state: CycleState, migrationCost: Double, maxMoves: Int?, qos: Bool, approved: [Int: Int] = [:]
    ) {
        self.apps = apps
        self.fixed = fixed
        program = AssignmentProgram(apps: apps.count, clusters: state.clusterList.count)
        var freeCPU = state.clusterList.indices.map { state.freeCPUCores(at: $0) }
        var freeMemory = state.clusterList.indices.map { state.freeMemoryBytes(at: $0) }
        for (a, c) in fixed {
            freeCPU[c] -= apps[a].cpuCores
            freeMemory[c] -= apps[a].memoryBytes
        }
        var moveColumns: [Int] = []
        for (a, app) in apps.enumerated() where fixed[a] == nil {
            let value = 100 + (qos ? Self.qosBonus[min(2, app.qosClass.rank)] : 0)
            for c in scores[a].keys.sorted() {
                if onlyCurrent.contains(a), c != current[a] { continue }
                let moves = current[a] != nil && c != current[a] && c != approved[a]
                let column = program.addPair(
                    app: a, cluster: c, objective: value + (scores[a][c] ?? 0) - (moves ? migrationCost : 0),
                    cpuCores: app.cpuCores, memoryBytes: app.memoryBytes)
                if moves, let home = current[a], scores[a][home] != nil { moveColumns.append(column) }
            }
            program.closeApp(a)
        }
        // The 1e-9 and the extra byte keep a cluster filled exactly to its capacity feasible despite rounding.
        program.addCapacityRows(
            cpuCores: freeCPU.map { max(0, $0) + 1e-9 },
            memoryGiB: freeMemory.map { max(0, $0 + 1) / AssignmentProgram.bytesPerGiB })
        if let maxMoves, !moveColumns.isEmpty {
            program.model.addRow(
                .init(
                    columns: moveColumns, coefficients: Array(repeating: 1, count: moveColumns.count),
                    sense: .lessOrEqual, rhs: Double(max(0, maxMoves))))
        }
    }

    /// Requires at least `count` apps of QoS rank `rank` placed (fixed apps not counted): the heuristic's
    /// per-class counts, so the exact step never trades a higher class for more apps of a lower one.
    mutating func requirePlaced(atLeast count: Int, rank: Int) {
        let pairs = program.pairs
        let columns = pairs.indices.filter { apps[$0].qosClass.rank == rank }.flatMap { pairs[$0].map(\.column) }
        guard count > 0, !columns.isEmpty else { return }
        program.model.addRow(
            .init(
                columns: columns, coefficients: Array(repeating: 1, count: columns.count), sense: .greaterOrEqual,
                rhs: Double(count)))
    }

    /// An upper bound of the program's optimum: each app on its best pair (or none when every pair is worth
    /// less than nothing), capacity, move and class rows dropped.
    func relaxationBound() -> Double {
        program.pairs.reduce(0) { sum, list in
            sum + max(0, list.map { model.columns[$0.column].objective }.max() ?? 0)
        }
    }

    /// The column vector of an assignment (app index → cluster index); pairs without a column are left out.
    func vector(_ assignment: [Int: Int]) -> [Double] {
        var values = Array(repeating: 0.0, count: model.columns.count)
        for (a, c) in assignment {
            if let pair = program.pairs[a].first(where: { $0.cluster == c }) { values[pair.column] = 1 }
        }
        return values
    }

    /// The assignment a solution vector encodes (app index → cluster index), fixed apps included.
    func assignment(_ values: [Double]) -> [Int: Int] {
        fixed.merging(program.assignment(values)) { _, solved in solved }
    }
}
