import AppModel
import Foundation
import PlacerCore
import Testing

@testable import PDLC

/// The exact step's local search (its moves reach known optima, it is deterministic and never breaks a row) and
/// the optimum benchmark's packing bound (column generation: never below the optimum, never above the assignment
/// LP's bound).
@Suite struct LocalSearchTests {
    /// A two-resource assignment program: `values[a][c]` (nil: no pair), requests and capacities.
    private func program(
        values: [[Double?]], cpu: [Double], memory: [Double], cpuCapacity: [Double], memoryCapacity: [Double]
    ) -> AssignmentProgram {
        var program = AssignmentProgram(apps: values.count, clusters: cpuCapacity.count)
        for (a, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                guard let value else { continue }
                program.addPair(
                    app: a, cluster: c, objective: value, cpuCores: cpu[a],
                    memoryBytes: memory[a] * AssignmentProgram.bytesPerGiB)
            }
            program.closeApp(a)
        }
        program.addCapacityRows(cpuCores: cpuCapacity, memoryGiB: memoryCapacity)
        return program
    }

    private func start(_ program: AssignmentProgram, _ assignment: [Int: Int]) -> [Int: Int] {
        var columns: [Int: Int] = [:]
        for (a, c) in assignment { columns[a] = program.pairs[a].first { $0.cluster == c }!.column }
        return columns
    }

    private func optimum(_ model: MILPModel) throws -> Double {
        let result = try CBCSolver.solve(model, nodeLimit: 100_000, wallCapSeconds: 60)
        #expect(result.status == .optimal)
        return result.objective ?? -1
    }

    @Test func anEjectionReachesTheOptimumTheGreedyMisses() throws {
        // x (6 cores) sits on a (10 cores), where only y (8 cores) fits; b (6 cores) takes x. Greedy: x on a,
        // y out (50). Optimum: x on b, y on a (40 + 60 = 100), one eject move away.
        let program = program(
            values: [[50, 40], [60, nil]], cpu: [6, 8], memory: [1, 1], cpuCapacity: [10, 6],
            memoryCapacity: [10, 10])
        let search = LocalSearch(model: program.model, pairs: program.pairs)
        let result = try #require(search.improve(start: start(program, [0: 0]), moveLimit: 100))
        #expect(abs(result.objective - 100) < 1e-9)
        #expect(abs(result.objective - (try optimum(program.model))) < 1e-9)
        #expect(result.columns == start(program, [0: 1, 1: 0]))
        #expect(result.converged && result.moves == 1)
    }

    @Test func oneOutTwoInReachesTheOptimum() throws {
        // One cluster of 10 cores: big (10 cores, 120) fills it; two small ones (5 cores, 70 each) are worth more.
        let program = program(
            values: [[120], [70], [70]], cpu: [10, 5, 5], memory: [1, 1, 1], cpuCapacity: [10],
            memoryCapacity: [10])
        let search = LocalSearch(model: program.model, pairs: program.pairs)
        let result = try #require(search.improve(start: start(program, [0: 0]), moveLimit: 100))
        #expect(abs(result.objective - 140) < 1e-9)
        #expect(abs(result.objective - (try optimum(program.model))) < 1e-9)
        #expect(result.columns == start(program, [1: 0, 2: 0]))
    }

    @Test func aStartBreakingARowIsRefused() {
        let program = program(
            values: [[50], [60]], cpu: [6, 8], memory: [1, 1], cpuCapacity: [10], memoryCapacity: [10])
        let search = LocalSearch(model: program.model, pairs: program.pairs)
        #expect(search.improve(start: start(program, [0: 0, 1: 0]), moveLimit: 100) == nil)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func randomProgramsStayFeasibleAndDeterministic(seed: UInt64) throws {
        // 12 apps, 4 clusters, two resources, some pairs refused; from the empty assignment.
        var random = SplitMix64(seed: seed)
        let values: [[Double?]] = (0..<12).map { _ in
            (0..<4).map { _ in random.next() % 5 == 0 ? nil : Double(100 + random.next() % 100) }
        }
        let cpu = (0..<12).map { _ in Double(1 + random.next() % 6) }
        let memory = (0..<12).map { _ in Double(1 + random.next() % 6) }
        let program = program(
            values: values, cpu: cpu, memory: memory, cpuCapacity: [8, 9, 7, 10], memoryCapacity: [9, 7, 10, 8])
        let search = LocalSearch(model: program.model, pairs: program.pairs)
        let runs = try (0..<3).map { _ in try #require(search.improve(start: [:], moveLimit: 1000)) }
        #expect(runs.allSatisfy { $0.columns == runs[0].columns && $0.objective == runs[0].objective })
        var vector = Array(repeating: 0.0, count: program.model.columns.count)
        for j in runs[0].columns.values { vector[j] = 1 }
        #expect(program.model.isFeasible(vector))
        #expect(abs(program.model.objective(of: vector) - runs[0].objective) < 1e-6)
        let best = try optimum(program.model)
        #expect(runs[0].objective <= best + 1e-6)
        // A local optimum of these neighbourhoods is near the optimum on such small programs.
        #expect(runs[0].objective >= 0.9 * best, "seed \(seed): \(runs[0].objective) of \(best)")
        #expect(runs[0].converged)
    }

    @Test func theEngineNeverOverfillsAClusterAndDecidesTheSameTwice() {
        // 40 apps on 8 clusters at 1.05 × the requests: the local search runs after the greedy passes.
        let engine = PlacementEngine.standard()
        let fleet = SyntheticFleet.generate(apps: 40, clusters: 8, seed: 7, capacityRatio: 1.05, channels: false)
        // CBC cannot close this program: its wall-clock cap (the default 2 s) stops it and the local search's
        // assignment stands, the same on every run.
        let policy = PlacementPolicy()
        var withoutSearch = engine
        withoutSearch.localSearchMoveLimit = 0
        var heuristicOnly = policy
        heuristicOnly.exactNodeLimit = 0
        let first = engine.decide(apps: fleet.apps, clusters: fleet.clusters, policy: policy)
        let second = engine.decide(apps: fleet.apps, clusters: fleet.clusters, policy: policy)
        #expect(first.map(\.cluster) == second.map(\.cluster))
        #expect(first.map(\.path) == second.map(\.path))
        #expect([.localSearch, .exact].contains(first.first?.path), "\(first.first?.solverNote ?? "-")")
        for cluster in fleet.clusters {
            let on = first.filter { $0.cluster == cluster.name }
            #expect(on.reduce(0) { $0 + $1.app.cpuCores } <= cluster.cpuCores * 0.9 + 1e-9)
            #expect(on.reduce(0) { $0 + $1.app.memoryBytes } <= cluster.memoryBytes * 0.9 + 1)
        }
        // Every placement passes PDLC's filters on the empty fleet, and J is at least the greedy passes'.
        let scores = PlacementOptimum.pairScores(apps: fleet.apps, clusters: fleet.clusters, policy: policy)
        func objective(_ decisions: [AppDecision]) -> Double? {
            var assignment: [String: String] = [:]
            for d in decisions { if let c = d.cluster { assignment[d.app.name] = c } }
            return PlacementOptimum.objective(
                assignment, apps: fleet.apps, clusters: fleet.clusters, policy: policy, scores: scores)
        }
        let heuristic = engine.decide(apps: fleet.apps, clusters: fleet.clusters, policy: heuristicOnly)
        var noneQoS = policy
        noneQoS.exactQoSPriority = .none
        let searched = engine.decide(apps: fleet.apps, clusters: fleet.clusters, policy: noneQoS)
        let plain = withoutSearch.decide(apps: fleet.apps, clusters: fleet.clusters, policy: noneQoS)
        #expect(objective(first) != nil)
        // With qosPriority none the program's objective is J: the search never ends below the heuristic.
        #expect((objective(searched) ?? 0) >= (objective(heuristic) ?? .infinity) - 1e-9)
        #expect((objective(searched) ?? 0) >= (objective(plain) ?? .infinity) - 1e-6)
    }

    @Test func theKnapsackMatchesEverySubset() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<40 {
            let n = 10
            let profits = (0..<n).map { _ in Double(1 + random.next() % 50) }
            let cpu = (0..<n).map { _ in Double(1 + random.next() % 9) }
            let memory = (0..<n).map { _ in Double(1 + random.next() % 9) }
            var best = 0.0
            for mask in 0..<(1 << n) {
                let items = (0..<n).filter { mask & (1 << $0) != 0 }
                if items.reduce(0, { $0 + cpu[$1] }) <= 15, items.reduce(0, { $0 + memory[$1] }) <= 12 {
                    best = max(best, items.reduce(0) { $0 + profits[$1] })
                }
            }
            let solved = PackingBound.knapsack(
                profits: profits, cpu: cpu, memory: memory, cpuCapacity: 15, memoryCapacity: 12)
            #expect(solved.value == best)
            #expect(solved.upperBound == best)
            #expect(solved.items.reduce(0) { $0 + cpu[$1] } <= 15)
            #expect(solved.items.reduce(0) { $0 + memory[$1] } <= 12)
            #expect(solved.items.reduce(0) { $0 + profits[$1] } == best)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func thePackingBoundLiesBetweenTheOptimumAndTheAssignmentLP(seed: UInt64) throws {
        let policy = PlacementPolicy()
        let fleet = SyntheticFleet.generate(apps: 8, clusters: 4, seed: seed, capacityRatio: 1.15, channels: false)
        let exhaustive = PlacementOptimum.exhaustive(apps: fleet.apps, clusters: fleet.clusters, policy: policy)
        let scores = PlacementOptimum.pairScores(apps: fleet.apps, clusters: fleet.clusters, policy: policy)
        let packing = try PlacementOptimum.packingBound(
            apps: fleet.apps, clusters: fleet.clusters, policy: policy, scores: scores)
        #expect(packing.converged)
        #expect(packing.bound >= exhaustive.objective - 1e-9, "seed \(seed)")
        // The assignment LP: the same program with every column continuous, solved by Clp.
        let keep = 1 - policy.reservePercent / 100
        var program = AssignmentProgram(apps: fleet.apps.count, clusters: fleet.clusters.count)
        for (a, app) in fleet.apps.enumerated() {
            for c in fleet.clusters.indices {
                guard let score = scores[a][c] else { continue }
                program.addPair(
                    app: a, cluster: c, objective: 100 + score, cpuCores: app.cpuCores, memoryBytes: app.memoryBytes)
            }
            program.closeApp(a)
        }
        program.addCapacityRows(
            cpuCores: fleet.clusters.map { $0.cpuCores * keep + 1e-9 },
            memoryGiB: fleet.clusters.map { ($0.memoryBytes * keep + 1) / AssignmentProgram.bytesPerGiB })
        let lp = try LinearRelaxation.solve(program.model)
        var relaxed = program.model
        for j in relaxed.columns.indices { relaxed.columns[j].integer = false }
        #expect(relaxed.isFeasible(lp.values))
        let lpBound = lp.objective / Double(fleet.apps.count)
        #expect(lpBound >= exhaustive.objective - 1e-9)
        #expect(packing.bound <= lpBound + 1e-6, "seed \(seed): packing \(packing.bound), LP \(lpBound)")
    }

    @Test func thePackingBoundIsTheOptimumWhenOnePackingTakesAll() throws {
        // Two apps that together fit the only cluster: the master's one packing {0, 1} is the optimum.
        let result = try PackingBound.compute(
            values: [[30], [50]], cpu: [2, 3], memory: [1, 1], cpuCapacity: [5], memoryCapacity: [2])
        #expect(result.converged)
        #expect(abs(result.bound - 80) < 1e-6)
        #expect(abs(result.masterValue - 80) < 1e-6)
        // Three apps of which any two fit: the assignment LP gives 100 (two and a half apps), the packing bound
        // the best pair's 80.
        let three = try PackingBound.compute(
            values: [[40], [40], [40]], cpu: [2, 2, 2], memory: [1, 1, 1], cpuCapacity: [5], memoryCapacity: [3])
        #expect(abs(three.bound - 80) < 1e-6, "\(three)")
    }
}
