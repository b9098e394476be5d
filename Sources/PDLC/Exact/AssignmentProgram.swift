/// The generalised-assignment skeleton shared by PDLC's exact step (``AssignmentMILP``), the optimum benchmark
/// (``PlacementOptimum/milp(apps:clusters:policy:budgetSeconds:engine:)``) and the ILP peers (codeco-ilp,
/// hindsight): one 0/1 column `x[a][c]` per admitted (app, cluster) pair, `Σ_c x[a][c] ≤ 1` per app, and per
/// cluster `Σ_a cpu(a) x[a][c] ≤ cpu capacity` and the same for memory in GiB (GiB keeps the memory row's
/// coefficients near the cpu row's scale).
///
/// Rows come in a fixed order: an app's "at most one" row right after its columns (``closeApp(_:)``), then the
/// capacity rows cluster by cluster, cpu before memory (``addCapacityRows(cpuCores:memoryGiB:)``), so the same
/// inputs always give the solver the same program. Callers add their own rows after that.
struct AssignmentProgram {
    static let bytesPerGiB = 1_073_741_824.0

    /// The program so far.
    var model = MILPModel()
    /// Per app index, its pairs in the order added: the cluster index and the pair's column.
    private(set) var pairs: [[(cluster: Int, column: Int)]]
    private var cpuRows: [(columns: [Int], coefficients: [Double])]
    private var memoryRows: [(columns: [Int], coefficients: [Double])]

    /// An empty program for `apps` apps over `clusters` clusters (indices 0..<apps, 0..<clusters).
    init(apps: Int, clusters: Int) {
        pairs = Array(repeating: [], count: apps)
        cpuRows = Array(repeating: ([], []), count: clusters)
        memoryRows = cpuRows
    }

    /// Adds the column `x[app][cluster]` with its objective coefficient (the program is maximised), the app's
    /// cpu request in cores and memory request in bytes; returns the column's index.
    @discardableResult
    mutating func addPair(app: Int, cluster: Int, objective: Double, cpuCores: Double, memoryBytes: Double) -> Int {
        let column = model.addColumn(.init(objective: objective))
        pairs[app].append((cluster, column))
        cpuRows[cluster].columns.append(column)
        cpuRows[cluster].coefficients.append(cpuCores)
        memoryRows[cluster].columns.append(column)
        memoryRows[cluster].coefficients.append(memoryBytes / Self.bytesPerGiB)
        return column
    }

    /// Adds the app's "at most one cluster" row, when it has more than one pair (one pair is bounded by 1 already).
    mutating func closeApp(_ app: Int) {
        let columns = pairs[app].map(\.column)
        guard columns.count > 1 else { return }
        model.addRow(
            .init(
                columns: columns, coefficients: Array(repeating: 1, count: columns.count), sense: .lessOrEqual, rhs: 1))
    }

    /// Adds the cpu (cores) and memory (GiB) capacity rows of every cluster some pair uses; both arrays are
    /// indexed by cluster.
    mutating func addCapacityRows(cpuCores: [Double], memoryGiB: [Double]) {
        for c in cpuRows.indices where !cpuRows[c].columns.isEmpty {
            model.addRow(
                .init(
                    columns: cpuRows[c].columns, coefficients: cpuRows[c].coefficients, sense: .lessOrEqual,
                    rhs: cpuCores[c]))
            model.addRow(
                .init(
                    columns: memoryRows[c].columns, coefficients: memoryRows[c].coefficients, sense: .lessOrEqual,
                    rhs: memoryGiB[c]))
        }
    }

    /// The assignment a solution vector encodes: app index → cluster index, for apps with a column set (> 0.5).
    func assignment(_ values: [Double]) -> [Int: Int] {
        var result: [Int: Int] = [:]
        for (a, list) in pairs.enumerated() {
            if let pair = list.first(where: { values[$0.column] > 0.5 }) { result[a] = pair.cluster }
        }
        return result
    }
}
