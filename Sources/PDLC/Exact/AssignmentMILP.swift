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

    struct Pair {
        var cluster: Int
        var score: Double
        var column: Int
    }

    /// Per app (index into `apps`), the admitted pairs with their column; empty for fixed apps.
    var pairs: [[Pair]]
    var apps: [Application]
    /// Apps not modelled (pinned, or kept by the heuristic where no filter admits them): their cluster index.
    var fixed: [Int: Int]
    var model = MILPModel()

    /// Builds the program for `apps` over `state` (whose capacity already holds `fixedOn`).
    /// - Parameters:
    ///   - scores: per app, admitted cluster index → PDLC's total on the base state.
    ///   - current: per app, the cluster index it runs on now (nil: new).
    ///   - movable: whether a move of the app counts against `maxMoves` (its current cluster is still admitted).
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
        pairs = Array(repeating: [], count: apps.count)
        var freeCPU = state.clusterList.indices.map { state.freeCPUCores(at: $0) }
        var freeMemory = state.clusterList.indices.map { state.freeMemoryBytes(at: $0) }
        for (a, c) in fixed {
            freeCPU[c] -= apps[a].cpuCores
            freeMemory[c] -= apps[a].memoryBytes
        }
        var cpuRows = Array(repeating: (columns: [Int](), coefficients: [Double]()), count: state.clusterList.count)
        var memoryRows = cpuRows
        var moveColumns: [Int] = []
        for (a, app) in apps.enumerated() where fixed[a] == nil {
            let value = 100 + (qos ? Self.qosBonus[min(2, app.qosClass.rank)] : 0)
            for c in scores[a].keys.sorted() {
                if onlyCurrent.contains(a), c != current[a] { continue }
                let moves = current[a] != nil && c != current[a] && c != approved[a]
                let score = scores[a][c] ?? 0
                let column = model.addColumn(.init(objective: value + score - (moves ? migrationCost : 0)))
                pairs[a].append(Pair(cluster: c, score: score, column: column))
                cpuRows[c].columns.append(column)
                cpuRows[c].coefficients.append(app.cpuCores)
                memoryRows[c].columns.append(column)
                memoryRows[c].coefficients.append(app.memoryBytes)
                if moves, let home = current[a], scores[a][home] != nil { moveColumns.append(column) }
            }
            if pairs[a].count > 1 {
                model.addRow(
                    .init(
                        columns: pairs[a].map(\.column), coefficients: Array(repeating: 1, count: pairs[a].count),
                        sense: .lessOrEqual, rhs: 1))
            }
        }
        for c in state.clusterList.indices where !cpuRows[c].columns.isEmpty {
            // Memory in GiB keeps the coefficients near the cpu row's scale.
            model.addRow(
                .init(
                    columns: cpuRows[c].columns, coefficients: cpuRows[c].coefficients, sense: .lessOrEqual,
                    rhs: max(0, freeCPU[c]) + 1e-9))
            model.addRow(
                .init(
                    columns: memoryRows[c].columns, coefficients: memoryRows[c].coefficients.map { $0 / 1_073_741_824 },
                    sense: .lessOrEqual, rhs: max(0, freeMemory[c] + 1) / 1_073_741_824))
        }
        if let maxMoves, !moveColumns.isEmpty {
            model.addRow(
                .init(
                    columns: moveColumns, coefficients: Array(repeating: 1, count: moveColumns.count),
                    sense: .lessOrEqual, rhs: Double(max(0, maxMoves))))
        }
    }

    /// Requires at least `count` apps of QoS rank `rank` placed (fixed apps not counted): the heuristic's
    /// per-class counts, so the exact step never trades a higher class for more apps of a lower one.
    mutating func requirePlaced(atLeast count: Int, rank: Int) {
        let columns = pairs.indices.filter { apps[$0].qosClass.rank == rank }.flatMap { pairs[$0].map(\.column) }
        guard count > 0, !columns.isEmpty else { return }
        model.addRow(
            .init(
                columns: columns, coefficients: Array(repeating: 1, count: columns.count), sense: .greaterOrEqual,
                rhs: Double(count)))
    }

    /// The column vector of an assignment (app index → cluster index); pairs without a column are left out.
    func vector(_ assignment: [Int: Int]) -> [Double] {
        var values = Array(repeating: 0.0, count: model.columns.count)
        for (a, c) in assignment {
            if let pair = pairs[a].first(where: { $0.cluster == c }) { values[pair.column] = 1 }
        }
        return values
    }

    /// The assignment a solution vector encodes (app index → cluster index), fixed apps included.
    func assignment(_ values: [Double]) -> [Int: Int] {
        var result = fixed
        for (a, list) in pairs.enumerated() {
            if let pair = list.first(where: { values[$0.column] > 0.5 }) { result[a] = pair.cluster }
        }
        return result
    }
}
