import CCbc
import Foundation

/// A mixed-integer linear program, maximised: columns with bounds, an objective coefficient and integrality;
/// rows as sparse `Σ coefficient × column (≤ | ≥ | =) rhs`. Solver-independent, checked by ``validate()``
/// before any solver sees it.
public struct MILPModel: Sendable {
    /// One variable.
    public struct Column: Sendable {
        /// Lower bound (−∞ allowed).
        public var lower: Double
        /// Upper bound (+∞ allowed).
        public var upper: Double
        /// Objective coefficient (the model is maximised).
        public var objective: Double
        /// Whether the value must be a whole number.
        public var integer: Bool

        /// A column; the default is a 0/1 variable.
        public init(lower: Double = 0, upper: Double = 1, objective: Double, integer: Bool = true) {
            self.lower = lower
            self.upper = upper
            self.objective = objective
            self.integer = integer
        }
    }

    /// One linear constraint over column indices.
    public struct Row: Sendable {
        /// `≤`, `≥` or `=` the right-hand side.
        public enum Sense: Sendable { case lessOrEqual, greaterOrEqual, equal }
        /// Column indices, each at most once.
        public var columns: [Int]
        /// One coefficient per entry of `columns`.
        public var coefficients: [Double]
        public var sense: Sense
        /// The right-hand side.
        public var rhs: Double

        /// A row `Σ coefficients[k] × x[columns[k]] (sense) rhs`.
        public init(columns: [Int], coefficients: [Double], sense: Sense, rhs: Double) {
            self.columns = columns
            self.coefficients = coefficients
            self.sense = sense
            self.rhs = rhs
        }
    }

    /// The variables, by index.
    public var columns: [Column] = []
    /// The constraints.
    public var rows: [Row] = []

    /// A model from its columns and rows (both may be added later).
    public init(columns: [Column] = [], rows: [Row] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Adds a column; returns its index.
    @discardableResult
    public mutating func addColumn(_ column: Column) -> Int {
        columns.append(column)
        return columns.count - 1
    }

    /// Adds a constraint.
    public mutating func addRow(_ row: Row) { rows.append(row) }

    /// Objective value of `values` (one per column).
    public func objective(of values: [Double]) -> Double {
        zip(columns, values).reduce(0) { $0 + $1.0.objective * $1.1 }
    }

    /// Whether `values` satisfies every bound, integrality and row within `tolerance`.
    public func isFeasible(_ values: [Double], tolerance: Double = 1e-6) -> Bool {
        guard values.count == columns.count else { return false }
        for (column, value) in zip(columns, values) {
            if value < column.lower - tolerance || value > column.upper + tolerance { return false }
            if column.integer && abs(value - value.rounded()) > tolerance { return false }
        }
        for row in rows {
            let lhs = zip(row.columns, row.coefficients).reduce(0) { $0 + $1.1 * values[$1.0] }
            let slack = tolerance * max(1, abs(row.rhs))
            switch row.sense {
            case .lessOrEqual: if lhs > row.rhs + slack { return false }
            case .greaterOrEqual: if lhs < row.rhs - slack { return false }
            case .equal: if abs(lhs - row.rhs) > slack { return false }
            }
        }
        return true
    }

    /// Refuses a model no solver should see: no columns, a bound or coefficient not finite (±∞ bounds aside),
    /// lower > upper, a row whose column and coefficient lists differ in length, name a column out of range or
    /// twice, or a right-hand side not finite.
    /// - Throws: ``MILPError/malformed(_:)`` naming the first fault.
    public func validate() throws {
        guard !columns.isEmpty else { throw MILPError.malformed("no columns") }
        for (j, column) in columns.enumerated() {
            guard column.objective.isFinite else {
                throw MILPError.malformed("column \(j): objective \(column.objective) is not finite")
            }
            guard !column.lower.isNaN, !column.upper.isNaN, column.lower != .infinity, column.upper != -.infinity
            else { throw MILPError.malformed("column \(j): bounds \(column.lower)…\(column.upper) are not numbers") }
            guard column.lower <= column.upper else {
                throw MILPError.malformed("column \(j): lower bound \(column.lower) > upper bound \(column.upper)")
            }
        }
        for (i, row) in rows.enumerated() {
            guard row.columns.count == row.coefficients.count else {
                throw MILPError.malformed(
                    "row \(i): \(row.columns.count) columns but \(row.coefficients.count) coefficients")
            }
            guard row.rhs.isFinite else { throw MILPError.malformed("row \(i): right-hand side \(row.rhs)") }
            var seen = Set<Int>()
            for (j, value) in zip(row.columns, row.coefficients) {
                guard j >= 0 && j < columns.count else {
                    throw MILPError.malformed("row \(i): column \(j) out of range 0..<\(columns.count)")
                }
                guard seen.insert(j).inserted else { throw MILPError.malformed("row \(i): column \(j) twice") }
                guard value.isFinite else { throw MILPError.malformed("row \(i): coefficient \(value) of column \(j)") }
            }
        }
    }
}

/// What a MILP solve ended with.
public struct MILPResult: Sendable {
    /// Proven optimal; stopped at the node limit (deterministic) or at the wall-clock cap (not) with a solution;
    /// or no solution (infeasible, or none found within the limits).
    public enum Status: String, Sendable {
        case optimal
        case nodeLimit = "node limit"
        case wallClock = "wall-clock cap"
        case infeasible
        case noSolution = "no solution"
    }
    /// How the solve ended.
    public var status: Status
    /// The best solution found (one value per column, integers rounded), when there is one.
    public var values: [Double]?
    /// Its objective.
    public var objective: Double?
    /// The best bound on the optimum the search proved (≥ any solution's objective, as the model is maximised).
    public var bound: Double?
    /// Wall time of the solve in seconds (reported, never decided on).
    public var seconds: Double
    /// Branch-and-bound nodes CBC explored.
    public var nodes: Int = 0
    /// Whether the wall-clock cap stopped the search (whatever else happened): a result that then depends on the
    /// machine's speed and load.
    public var wallClockReached = false

    /// Relative gap (bound − objective) / max(1, |objective|), in percent; 0 when proven optimal, `nil` without a
    /// solution.
    public var gapPercent: Double? {
        if status == .optimal { return 0 }
        guard let objective, let bound else { return nil }
        return max(0, 100 * (bound - objective) / max(1, abs(objective)))
    }
}

/// A model refused before solving, or a solver failure.
public enum MILPError: Error, CustomStringConvertible, Equatable {
    /// The model or a solve parameter is refused before CBC sees it; the text names the first fault.
    case malformed(String)
    /// CBC could not be started or abandoned the search.
    case solverFailed(String)

    public var description: String {
        switch self {
        case .malformed(let why): "malformed MILP model: \(why)"
        case .solverFailed(let why): "MILP solver failed: \(why)"
        }
    }
}

/// COIN-OR CBC (branch and cut, EPL-2.0) through its C API (`Cbc_C_Interface.h`, CBC 2.10): loads a
/// ``MILPModel`` in compressed sparse column form, silences CBC and its LP solver through the API (model log level
/// 0, `-log 0`, `-slog 0`: nothing on stdout or stderr), runs single-threaded (`-threads 0`), bounds the search by
/// a number of branch-and-bound nodes (deterministic: the same model gives the same answer on any machine and
/// load) and by a wall-clock cap, and reads back status, solution, bound and node count.
///
/// CBC's driver (`CbcMain1`) keeps process-wide state, so solves are serialised by a lock.
public enum CBCSolver {
    private static let lock = NSLock()

    /// Solves `model` (maximising).
    /// - Parameters:
    ///   - model: validated first.
    ///   - nodeLimit: at most this many branch-and-bound nodes (≥ 0; nil: no limit). The deterministic bound: two
    ///     solves of the same model with the same limit return the same solution.
    ///   - wallCapSeconds: wall-clock limit (> 0). With a node limit it is a safety cap only: a result that hit it
    ///     has ``MILPResult/wallClockReached`` set and status ``MILPResult/Status/wallClock`` (unless proven
    ///     optimal), so a caller that needs determinism can refuse it.
    ///   - relativeGap: stop once the proven gap is at most this fraction (0: prove optimality).
    ///   - start: a solution to start from (one value per column, every column given), e.g. a heuristic's
    ///     assignment; ignored unless ``MILPModel/isFeasible(_:tolerance:)`` holds for it. CBC then never returns
    ///     anything worse, and prunes with its objective from the first node.
    /// - Returns: status, solution, objective, bound and node count.
    /// - Throws: ``MILPError/malformed(_:)`` for a model ``MILPModel/validate()`` refuses, a negative node limit or
    ///   a cap ≤ 0; ``MILPError/solverFailed(_:)`` when CBC abandons the search.
    public static func solve(
        _ model: MILPModel, nodeLimit: Int? = nil, wallCapSeconds: Double, relativeGap: Double = 0,
        start: [Double]? = nil
    ) throws -> MILPResult {
        try model.validate()
        guard wallCapSeconds > 0, wallCapSeconds.isFinite else {
            throw MILPError.malformed("wall-clock cap \(wallCapSeconds) s is not positive")
        }
        if let nodeLimit, nodeLimit < 0 { throw MILPError.malformed("node limit \(nodeLimit) is negative") }
        // Compressed sparse columns from the rows.
        let n = model.columns.count
        var perColumn = Array(repeating: [(row: Int32, value: Double)](), count: n)
        for (i, row) in model.rows.enumerated() {
            for (j, value) in zip(row.columns, row.coefficients) where value != 0 {
                perColumn[j].append((Int32(i), value))
            }
        }
        var starts: [CoinBigIndex] = [0]
        var indices: [Int32] = []
        var values: [Double] = []
        for column in perColumn {
            for entry in column {
                indices.append(entry.row)
                values.append(entry.value)
            }
            starts.append(CoinBigIndex(indices.count))
        }
        let lower = model.columns.map { $0.lower == -.infinity ? -Double.greatestFiniteMagnitude : $0.lower }
        let upper = model.columns.map { $0.upper == .infinity ? Double.greatestFiniteMagnitude : $0.upper }
        let objective = model.columns.map(\.objective)
        let rowLower = model.rows.map { $0.sense == .lessOrEqual ? -Double.greatestFiniteMagnitude : $0.rhs }
        let rowUpper = model.rows.map { $0.sense == .greaterOrEqual ? Double.greatestFiniteMagnitude : $0.rhs }

        lock.lock()
        defer { lock.unlock() }
        guard let cbc = Cbc_newModel() else { throw MILPError.solverFailed("Cbc_newModel returned NULL") }
        defer { Cbc_deleteModel(cbc) }
        // Silence through CBC's own API: the model's message handler (Cbc_setLogLevel), and the driver's log and
        // its LP solver's log (`-log`, `-slog`, read by CbcMain1 as on CBC's command line).
        Cbc_setLogLevel(cbc, 0)
        Cbc_setParameter(cbc, "log", "0")
        Cbc_setParameter(cbc, "slog", "0")
        Cbc_loadProblem(
            cbc, Int32(n), Int32(model.rows.count), starts, indices, values, lower, upper, objective,
            rowLower, rowUpper)
        for (j, column) in model.columns.enumerated() where column.integer { Cbc_setInteger(cbc, Int32(j)) }
        Cbc_setObjSense(cbc, -1)
        // Determinism: one thread, a node limit; wall time only as the outer cap.
        Cbc_setParameter(cbc, "threads", "0")
        Cbc_setParameter(cbc, "timeMode", "elapsed")
        if let nodeLimit {
            Cbc_setMaximumNodes(cbc, Int32(clamping: nodeLimit))
            Cbc_setParameter(cbc, "maxNodes", "\(nodeLimit)")
        }
        Cbc_setMaximumSeconds(cbc, wallCapSeconds)
        Cbc_setParameter(cbc, "seconds", String(format: "%.3f", wallCapSeconds))
        Cbc_setAllowableFractionGap(cbc, max(0, relativeGap))
        // A MIP start, every column given (a partial start leaves CBC an LP to complete it). CBC 2.10.8's default
        // preprocessing (`sos`) adds a column the start's name matching then indexes past ("Illegal index N in
        // ClpModel::getColumnName", caught and printed by its C API, and the solve abandoned); plain
        // preprocessing (`on`) does not, so a start switches to it.
        if let start, start.count == n, model.isFeasible(start) {
            Cbc_setParameter(cbc, "preprocess", "on")
            let columns = (0..<Int32(n)).map { $0 }
            Cbc_setMIPStartI(cbc, Int32(n), columns, start)
        }
        let began = DispatchTime.now().uptimeNanoseconds
        _ = Cbc_solve(cbc)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        if Cbc_isAbandoned(cbc) != 0 { throw MILPError.solverFailed("CBC abandoned the search (numerical trouble)") }
        let proven = Cbc_isProvenOptimal(cbc) != 0
        let infeasible = Cbc_isProvenInfeasible(cbc) != 0
        let wallClock = Cbc_isSecondsLimitReached(cbc) != 0
        var solution: [Double]?
        if let best = Cbc_bestSolution(cbc) {
            solution = (0..<n).map { j in model.columns[j].integer ? best[j].rounded() : best[j] }
        }
        if let s = solution, !model.isFeasible(s, tolerance: 1e-5) { solution = nil }
        let value = solution.map { model.objective(of: $0) }
        // CBC 2.10's C API reports the bound in the model's own sense (here: an upper bound of the maximum).
        let rawBound = Cbc_getBestPossibleObjValue(cbc)
        var bound: Double? = rawBound.isFinite && abs(rawBound) < 1e40 ? rawBound : nil
        if let value, let b = bound, b < value { bound = value }
        let status: MILPResult.Status
        if infeasible && solution == nil {
            status = .infeasible
        } else if solution == nil {
            status = .noSolution
        } else if proven {
            status = .optimal
        } else {
            status = wallClock ? .wallClock : .nodeLimit
        }
        if status == .optimal { bound = value }
        return MILPResult(
            status: status, values: solution, objective: value, bound: bound, seconds: seconds,
            nodes: Int(Cbc_getNodeCount(cbc)), wallClockReached: wallClock)
    }
}
