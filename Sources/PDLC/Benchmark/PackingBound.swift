import CCbc

/// An upper bound on the optimum of a generalised assignment problem with two resources (each app on at most one
/// cluster, per cluster Σ cpu ≤ capacity and Σ memory ≤ capacity), tighter than its LP relaxation when few apps
/// fit a cluster: the Dantzig–Wolfe (set-packing) form, one column per feasible packing of one cluster, solved by
/// column generation.
///
/// Master LP: maximise `Σ_{c,S} v(c, S) λ[c][S]` subject to `Σ_{S ∋ a} λ ≤ 1` per app (dual π_a) and
/// `Σ_S λ[c][S] ≤ 1` per cluster (dual μ_c), `λ ≥ 0`, over the packings generated so far (solved by COIN-OR Clp
/// through its C API). Pricing, per cluster: the two-resource 0/1 knapsack `z_c(π) = max Σ_{a∈S} (v(a, c) − π_a)`
/// over the packings `S` that fit, solved exactly by branch and bound (``knapsack(profits:cpu:memory:cpuCapacity:memoryCapacity:nodeLimit:)``).
/// A packing with `z_c − μ_c > 0` enters the master. For any `π ≥ 0`, `L(π) = Σ_a π_a + Σ_c z_c(π)` is the
/// Lagrangian bound of relaxing the "at most one cluster" rows, a valid upper bound of the integer optimum (weak
/// duality, whatever the master's accuracy); the bound reported is the least `L(π)` met, which equals the master's
/// LP optimum once no packing prices out (Gilmore–Gomory column generation; the bound is the knapsack
/// Lagrangian's, Savelsbergh, "A branch-and-price algorithm for the generalized assignment problem", Oper. Res.
/// 45(6), 1997).
public enum PackingBound {
    /// What a column-generation run proved.
    public struct Result: Sendable {
        /// The least Lagrangian bound met: an upper bound of the integer optimum (objective units, not per app).
        public var bound: Double
        /// The master LP's value at the last iteration (a lower bound of the LP optimum until converged).
        public var masterValue: Double
        /// Whether no packing priced out at the end (then `bound` is the master LP optimum, up to tolerances).
        public var converged: Bool
        /// Master LP solves done.
        public var iterations: Int
        /// Packings in the master at the end.
        public var columns: Int
    }

    /// Runs column generation.
    /// - Parameters:
    ///   - values: `values[a][c]`, the objective of app `a` on cluster `c`; nil where a filter refuses the pair.
    ///   - cpu, memory: per app, its requests (any units, the same as the capacities').
    ///   - cpuCapacity, memoryCapacity: per cluster, what the apps on it may use in total (tolerances included).
    ///   - initial: packings to start the master from (cluster index, app indices), besides every single app.
    ///   - iterationLimit: master solves at most; an unfinished run still gives a valid bound.
    /// - Throws: ``MILPError/solverFailed(_:)`` when Clp fails.
    public static func compute(
        values: [[Double?]], cpu: [Double], memory: [Double], cpuCapacity: [Double], memoryCapacity: [Double],
        initial: [(cluster: Int, apps: [Int])] = [], iterationLimit: Int = 1000
    ) throws -> Result {
        let appCount = values.count
        let clusterCount = cpuCapacity.count
        func fits(_ a: Int, _ c: Int) -> Bool {
            values[a][c] != nil && cpu[a] <= cpuCapacity[c] && memory[a] <= memoryCapacity[c]
        }
        var master = try ClpMaster(rows: appCount + clusterCount)
        var seen = Set<[Int]>()
        func add(_ c: Int, _ apps: [Int]) {
            let sorted = apps.sorted()
            guard !sorted.isEmpty, seen.insert([c] + sorted).inserted else { return }
            let value = sorted.reduce(0) { $0 + (values[$1][c] ?? 0) }
            master.add(objective: value, rows: sorted + [appCount + c])
        }
        for a in 0..<appCount { for c in 0..<clusterCount where fits(a, c) { add(c, [a]) } }
        for pattern in initial {
            let apps = pattern.apps.filter { fits($0, pattern.cluster) }
            let usedCPU = apps.reduce(0) { $0 + cpu[$1] }
            let usedMemory = apps.reduce(0) { $0 + memory[$1] }
            if usedCPU <= cpuCapacity[pattern.cluster], usedMemory <= memoryCapacity[pattern.cluster] {
                add(pattern.cluster, apps)
            }
        }
        var best = Double.infinity
        var masterValue = 0.0
        var iterations = 0
        var converged = false
        while iterations < iterationLimit {
            iterations += 1
            let duals = try master.solve()
            masterValue = duals.value
            let pi = (0..<appCount).map { max(0, duals.prices[$0]) }
            let mu = (0..<clusterCount).map { max(0, duals.prices[appCount + $0]) }
            var lagrangian = pi.reduce(0, +)
            var entering: [(Int, [Int])] = []
            for c in 0..<clusterCount {
                let items = (0..<appCount).filter { fits($0, c) && (values[$0][c] ?? 0) - pi[$0] > 1e-9 }
                guard !items.isEmpty else { continue }
                let solved = knapsack(
                    profits: items.map { (values[$0][c] ?? 0) - pi[$0] }, cpu: items.map { cpu[$0] },
                    memory: items.map { memory[$0] }, cpuCapacity: cpuCapacity[c], memoryCapacity: memoryCapacity[c])
                lagrangian += solved.upperBound
                if solved.value - mu[c] > 1e-7 * max(1, abs(masterValue)) {
                    entering.append((c, solved.items.map { items[$0] }))
                }
            }
            best = min(best, lagrangian)
            let before = seen.count
            for (c, apps) in entering { add(c, apps) }
            if entering.isEmpty || seen.count == before {
                converged = entering.isEmpty
                break
            }
        }
        return Result(
            bound: best, masterValue: masterValue, converged: converged, iterations: iterations, columns: seen.count)
    }

    /// The exact two-resource 0/1 knapsack: the subset of items (profits > 0) of greatest total profit whose cpu
    /// and memory sums stay within the capacities. Depth-first branch and bound, items in decreasing order of
    /// profit per unit of the surrogate weight `cpu/cpuCapacity + memory/memoryCapacity`, each node bounded by the
    /// fractional surrogate knapsack over the items still fitting (valid: a subset fitting both capacities fits
    /// their sum).
    /// - Returns: the best subset (indices into the arrays), its value, and an upper bound of the optimum: equal
    ///   to the value when the search finished within `nodeLimit`, the root's bound otherwise.
    static func knapsack(
        profits: [Double], cpu: [Double], memory: [Double], cpuCapacity: Double, memoryCapacity: Double,
        nodeLimit: Int = 5_000_000
    ) -> (items: [Int], value: Double, upperBound: Double) {
        let scaleCPU = cpuCapacity > 0 ? 1 / cpuCapacity : 0
        let scaleMemory = memoryCapacity > 0 ? 1 / memoryCapacity : 0
        let weight = profits.indices.map { cpu[$0] * scaleCPU + memory[$0] * scaleMemory }
        let order = profits.indices.filter { cpu[$0] <= cpuCapacity && memory[$0] <= memoryCapacity }.sorted {
            let left = profits[$0] / max(weight[$0], 1e-12)
            let right = profits[$1] / max(weight[$1], 1e-12)
            return left != right ? left > right : $0 < $1
        }
        var best: [Int] = []
        var bestValue = 0.0
        var chosen: [Int] = []
        var nodes = 0
        var finished = true
        func bound(_ k: Int, _ freeCPU: Double, _ freeMemory: Double) -> Double {
            var room = freeCPU * scaleCPU + freeMemory * scaleMemory
            var total = 0.0
            for i in order[k...] where cpu[i] <= freeCPU && memory[i] <= freeMemory {
                if weight[i] <= room {
                    room -= weight[i]
                    total += profits[i]
                } else {
                    total += profits[i] * room / weight[i]
                    break
                }
            }
            return total
        }
        let rootBound = bound(0, cpuCapacity, memoryCapacity)
        func search(_ k: Int, _ value: Double, _ freeCPU: Double, _ freeMemory: Double) {
            nodes += 1
            if value > bestValue {
                bestValue = value
                best = chosen
            }
            guard k < order.count, nodes < nodeLimit else {
                if k < order.count { finished = false }
                return
            }
            guard value + bound(k, freeCPU, freeMemory) > bestValue + 1e-12 else { return }
            let i = order[k]
            if cpu[i] <= freeCPU, memory[i] <= freeMemory {
                chosen.append(i)
                search(k + 1, value + profits[i], freeCPU - cpu[i], freeMemory - memory[i])
                chosen.removeLast()
            }
            search(k + 1, value, freeCPU, freeMemory)
        }
        search(0, 0, cpuCapacity, memoryCapacity)
        return (best.sorted(), bestValue, finished ? bestValue : max(bestValue, rootBound))
    }
}

/// The master LP in Clp (minimising the negated objective, every row `≤ 1`, columns `0 ≤ λ`), columns added as
/// they price out; each solve warm-starts from the last basis (primal simplex: added columns keep it feasible).
private struct ClpMaster {
    private final class Handle {
        let model: UnsafeMutableRawPointer
        init(_ model: UnsafeMutableRawPointer) { self.model = model }
        deinit { Clp_deleteModel(model) }
    }
    private let handle: Handle
    private let rows: Int
    private var pending: [(objective: Double, rows: [Int])] = []
    private var solvedOnce = false

    init(rows: Int) throws {
        guard let model = Clp_newModel() else { throw MILPError.solverFailed("Clp_newModel returned NULL") }
        handle = Handle(model)
        self.rows = rows
        Clp_setLogLevel(handle.model, 0)
        // No columns yet: the rows only, each ≤ 1.
        let starts: [CoinBigIndex] = [0]
        let lower = [Double](repeating: -Double.greatestFiniteMagnitude, count: rows)
        let upper = [Double](repeating: 1, count: rows)
        Clp_loadProblem(
            handle.model, 0, Int32(rows), starts, [0], [0], [0], [0], [0], lower, upper)
        Clp_setOptimizationDirection(handle.model, 1)
    }

    mutating func add(objective: Double, rows: [Int]) { pending.append((objective, rows)) }

    /// Solves the master with the pending columns added; its value (maximised) and the row prices (≥ 0 for the
    /// maximisation: π for the app rows, μ for the cluster rows).
    mutating func solve() throws -> (value: Double, prices: [Double]) {
        let model = handle.model
        if !pending.isEmpty {
            var starts: [CoinBigIndex] = [0]
            var indices: [Int32] = []
            var elements: [Double] = []
            for column in pending {
                indices.append(contentsOf: column.rows.map { Int32($0) })
                elements.append(contentsOf: column.rows.map { _ in 1.0 })
                starts.append(CoinBigIndex(indices.count))
            }
            let lower = [Double](repeating: 0, count: pending.count)
            let upper = [Double](repeating: Double.greatestFiniteMagnitude, count: pending.count)
            let objective = pending.map { -$0.objective }
            Clp_addColumns(model, Int32(pending.count), lower, upper, objective, starts, indices, elements)
            pending.removeAll()
        }
        let status = solvedOnce ? Clp_primal(model, 0) : Clp_initialSolve(model)
        solvedOnce = true
        guard status == 0, Clp_isProvenOptimal(model) != 0 else {
            throw MILPError.solverFailed("Clp: the packing master LP ended with status \(Clp_status(model))")
        }
        guard let duals = Clp_dualRowSolution(model) else {
            throw MILPError.solverFailed("Clp: no row prices")
        }
        // Minimising −v with ≤ rows: Clp's row prices are ≤ 0; their negation is the maximisation's π, μ ≥ 0.
        let prices = (0..<rows).map { -duals[$0] }
        return (-Clp_objectiveValue(model), prices)
    }
}

/// The LP relaxation of a ``MILPModel`` (every column continuous within its bounds) solved by COIN-OR Clp: for
/// the assignment program this is the bound the packing form tightens.
enum LinearRelaxation {
    /// The relaxation's optimum (maximised) and its column values.
    /// - Throws: ``MILPError/solverFailed(_:)`` when Clp does not prove an optimum.
    static func solve(_ model: MILPModel) throws -> (objective: Double, values: [Double]) {
        try model.validate()
        guard let clp = Clp_newModel() else { throw MILPError.solverFailed("Clp_newModel returned NULL") }
        defer { Clp_deleteModel(clp) }
        Clp_setLogLevel(clp, 0)
        let n = model.columns.count
        var perColumn = Array(repeating: [(row: Int32, value: Double)](), count: n)
        for (i, row) in model.rows.enumerated() {
            for (j, a) in zip(row.columns, row.coefficients) { perColumn[j].append((Int32(i), a)) }
        }
        var starts: [CoinBigIndex] = [0]
        var indices: [Int32] = [0]
        var values: [Double] = [0]
        indices.removeAll()
        values.removeAll()
        for entries in perColumn {
            indices.append(contentsOf: entries.map(\.row))
            values.append(contentsOf: entries.map(\.value))
            starts.append(CoinBigIndex(indices.count))
        }
        if indices.isEmpty {
            indices = [0]
            values = [0]
        }
        let big = Double.greatestFiniteMagnitude
        let lower = model.columns.map { $0.lower == -.infinity ? -big : $0.lower }
        let upper = model.columns.map { $0.upper == .infinity ? big : $0.upper }
        let rowLower = model.rows.map { $0.sense == .lessOrEqual ? -big : $0.rhs }
        let rowUpper = model.rows.map { $0.sense == .greaterOrEqual ? big : $0.rhs }
        Clp_loadProblem(
            clp, Int32(n), Int32(model.rows.count), starts, indices, values, lower, upper,
            model.columns.map { -$0.objective }, rowLower, rowUpper)
        _ = Clp_initialSolve(clp)
        guard Clp_isProvenOptimal(clp) != 0, let primal = Clp_primalColumnSolution(clp) else {
            throw MILPError.solverFailed("Clp: the LP relaxation ended with status \(Clp_status(clp))")
        }
        let solution = (0..<n).map { primal[$0] }
        return (model.objective(of: solution), solution)
    }
}
