import AppModel

/// The exact optimum of a small placement instance, by branch and bound over every assignment, and the
/// objective both it and any strategy's assignment are measured on.
///
/// Objective (maximised): `J = (1/n) Σ_{placed a} (100 + s(a, x(a)))`, where `s(a, c)` is PDLC's weighted
/// total (0…100) for app `a` on cluster `c` evaluated on the empty fleet (no app placed, so it is a fixed number
/// per pair), and `x(a)` the cluster chosen for `a`. Constraints: `x(a)` passes PDLC's filters on the empty
/// fleet (availability, taints, selectors, trust, latency, energy limit, forecast headroom) and, per cluster,
/// Σ cpu and Σ memory requests ≤ allocatable × (1 − reserve). The +100 makes placing an app worth more than
/// any score. Channels between apps are not part of this objective (keep them out of optimum instances).
public enum PlacementOptimum {
    /// The static pair scores: `scores[a][c]` for app `a` and cluster `c` (both in the given order), `nil`
    /// where a filter refuses the pair on the empty fleet.
    public static func pairScores(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy, engine: PlacementEngine = .standard()
    ) -> [[Double?]] {
        let state = engine.cycleState(clusters: clusters, policy: policy, apps: apps)
        var pass = AssignmentPass(
            engine: engine, detail: .full, nowSeconds: 0, stability: StabilityState(), movesLeft: 0,
            scratch: Scratch(clusterCount: state.clusterList.count, plugins: engine.scores.count))
        return apps.map { app in
            _ = pass.evaluate(state.prepare(app), state: state)
            var row = [Double?](repeating: nil, count: clusters.count)
            for (k, c) in pass.scratch.feasible.enumerated() {
                let name = state.clusterList[c].name
                if let given = clusters.firstIndex(where: { $0.name == name }) { row[given] = pass.scratch.totals[k] }
            }
            return row
        }
    }

    /// `J` of an assignment (app name → cluster name); a pair the filters refuse or an over-full cluster makes
    /// it infeasible (`nil`).
    public static func objective(
        _ assignment: [String: String], apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy,
        scores: [[Double?]]
    ) -> Double? {
        guard !apps.isEmpty else { return 0 }
        let keep = 1 - policy.reservePercent / 100
        var cpu = Array(repeating: 0.0, count: clusters.count)
        var memory = cpu
        var total = 0.0
        for (a, app) in apps.enumerated() {
            guard let name = assignment[app.name] else { continue }
            guard let c = clusters.firstIndex(where: { $0.name == name }), let score = scores[a][c] else { return nil }
            cpu[c] += app.cpuCores
            memory[c] += app.memoryBytes
            total += 100 + score
        }
        for c in clusters.indices
        where cpu[c] > clusters[c].cpuCores * keep + 1e-9 || memory[c] > clusters[c].memoryBytes * keep + 1 {
            return nil
        }
        return total / Double(apps.count)
    }

    /// `J` of any assignment with the pairs PDLC's filters refuse scored 0 instead of `100 + s` (an app placed
    /// where its constraints fail earns nothing), how many such pairs there are, and whether a cluster is filled
    /// past allocatable × (1 − reserve). For comparing rules that do not know PDLC's filters.
    public static func evaluate(
        _ assignment: [String: String], apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy,
        scores: [[Double?]]
    ) -> (objective: Double, violations: Int, overfull: Bool) {
        guard !apps.isEmpty else { return (0, 0, false) }
        let keep = 1 - policy.reservePercent / 100
        var cpu = Array(repeating: 0.0, count: clusters.count)
        var memory = cpu
        var total = 0.0
        var violations = 0
        for (a, app) in apps.enumerated() {
            guard let name = assignment[app.name], let c = clusters.firstIndex(where: { $0.name == name }) else {
                continue
            }
            cpu[c] += app.cpuCores
            memory[c] += app.memoryBytes
            if let score = scores[a][c] { total += 100 + score } else { violations += 1 }
        }
        let overfull = clusters.indices.contains {
            cpu[$0] > clusters[$0].cpuCores * keep + 1e-9 || memory[$0] > clusters[$0].memoryBytes * keep + 1
        }
        return (total / Double(apps.count), violations, overfull)
    }

    /// The best assignment and its `J`, by depth-first branch and bound (apps in the given order, each on every
    /// feasible cluster or left out). Exponential: for instances of about ten apps and five clusters.
    /// - Returns: the assignment, `J`, and how many search nodes were visited.
    public static func exhaustive(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy, engine: PlacementEngine = .standard()
    ) -> (assignment: [String: String], objective: Double, nodes: Int) {
        let scores = pairScores(apps: apps, clusters: clusters, policy: policy, engine: engine)
        let keep = 1 - policy.reservePercent / 100
        var freeCPU = clusters.map { $0.cpuCores * keep }
        var freeMemory = clusters.map { $0.memoryBytes * keep }
        // Upper bound of what apps a… can still add.
        var bound = Array(repeating: 0.0, count: apps.count + 1)
        for a in stride(from: apps.count - 1, through: 0, by: -1) {
            let best = scores[a].compactMap { $0 }.max().map { 100 + $0 } ?? 0
            bound[a] = bound[a + 1] + best
        }
        var choice = [Int?](repeating: nil, count: apps.count)
        var bestChoice = choice
        var bestValue = -1.0
        var nodes = 0
        func search(_ a: Int, _ value: Double) {
            nodes += 1
            if a == apps.count {
                if value > bestValue + 1e-12 {
                    bestValue = value
                    bestChoice = choice
                }
                return
            }
            guard value + bound[a] > bestValue + 1e-12 else { return }
            let app = apps[a]
            let order = clusters.indices.filter { scores[a][$0] != nil }.sorted {
                (scores[a][$1] ?? 0, $0) < (scores[a][$0] ?? 0, $1)
            }
            for c in order where app.cpuCores <= freeCPU[c] + 1e-9 && app.memoryBytes <= freeMemory[c] + 1 {
                freeCPU[c] -= app.cpuCores
                freeMemory[c] -= app.memoryBytes
                choice[a] = c
                search(a + 1, value + 100 + (scores[a][c] ?? 0))
                choice[a] = nil
                freeCPU[c] += app.cpuCores
                freeMemory[c] += app.memoryBytes
            }
            search(a + 1, value)
        }
        search(0, 0)
        var assignment: [String: String] = [:]
        for (a, c) in bestChoice.enumerated() { if let c { assignment[apps[a].name] = clusters[c].name } }
        return (assignment, apps.isEmpty ? 0 : max(0, bestValue) / Double(apps.count), nodes)
    }

    /// The optimum of `J` as a MILP solved by CBC within `budgetSeconds` (``CBCSolver``): the best assignment
    /// found, its `J`, and the best bound on `J*` CBC proved (equal to `J` when proven optimal). Variables
    /// `x[a][c]` for the pairs `pairScores` admits, objective `Σ (100 + s) x`, at most one cluster per app, cpu
    /// and memory per cluster ≤ allocatable × (1 − reserve). For instances too large for ``exhaustive``.
    /// - Throws: ``MILPError`` when the model is refused or CBC fails.
    public static func milp(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy, budgetSeconds: Double,
        engine: PlacementEngine = .standard()
    ) throws -> (assignment: [String: String], objective: Double, bound: Double, optimal: Bool) {
        guard !apps.isEmpty else { return ([:], 0, 0, true) }
        let scores = pairScores(apps: apps, clusters: clusters, policy: policy, engine: engine)
        let keep = 1 - policy.reservePercent / 100
        var program = AssignmentProgram(apps: apps.count, clusters: clusters.count)
        for (a, app) in apps.enumerated() {
            for c in clusters.indices {
                guard let score = scores[a][c] else { continue }
                program.addPair(
                    app: a, cluster: c, objective: 100 + score, cpuCores: app.cpuCores, memoryBytes: app.memoryBytes)
            }
            program.closeApp(a)
        }
        guard !program.model.columns.isEmpty else { return ([:], 0, 0, true) }
        program.addCapacityRows(
            cpuCores: clusters.map { $0.cpuCores * keep + 1e-9 },
            memoryGiB: clusters.map { ($0.memoryBytes * keep + 1) / AssignmentProgram.bytesPerGiB })
        let result = try CBCSolver.solve(program.model, wallCapSeconds: budgetSeconds)
        var assignment: [String: String] = [:]
        if let values = result.values {
            for (a, c) in program.assignment(values) { assignment[apps[a].name] = clusters[c].name }
        }
        let n = Double(apps.count)
        let objective = (result.objective ?? 0) / n
        return (assignment, objective, max(objective, (result.bound ?? .infinity) / n), result.status == .optimal)
    }

    /// An upper bound of `J*` tighter than the assignment LP's: the packing (Dantzig–Wolfe) form's LP bound by
    /// column generation (``PackingBound``), started from every single pair and from the clusters' packings in
    /// `incumbent` (app name → cluster name, e.g. CBC's best assignment). In `J`'s units (per app).
    /// - Throws: ``MILPError`` when Clp fails.
    public static func packingBound(
        apps: [Application], clusters: [ClusterSpec], policy: PlacementPolicy, scores: [[Double?]],
        incumbent: [String: String] = [:], iterationLimit: Int = 1000
    ) throws -> (bound: Double, converged: Bool, iterations: Int, columns: Int) {
        guard !apps.isEmpty else { return (0, true, 0, 0) }
        let keep = 1 - policy.reservePercent / 100
        var initial: [Int: [Int]] = [:]
        for (a, app) in apps.enumerated() {
            if let name = incumbent[app.name], let c = clusters.firstIndex(where: { $0.name == name }) {
                initial[c, default: []].append(a)
            }
        }
        // The same capacities and tolerances as ``objective(_:apps:clusters:policy:scores:)``'s check.
        let result = try PackingBound.compute(
            values: scores.map { row in row.map { $0.map { 100 + $0 } } }, cpu: apps.map(\.cpuCores),
            memory: apps.map(\.memoryBytes), cpuCapacity: clusters.map { $0.cpuCores * keep + 1e-9 },
            memoryCapacity: clusters.map { $0.memoryBytes * keep + 1 },
            initial: initial.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, iterationLimit: iterationLimit)
        let n = Double(apps.count)
        return (result.bound / n, result.converged, result.iterations, result.columns)
    }
}
