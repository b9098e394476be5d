import AppModel

/// The truth of a simulated day, as only an oracle could know it in advance.
public protocol HindsightOracle: Sendable {
    /// The highest cpu demand of `app` over strategy-clock seconds `from ..< to`, in cores.
    func peakDemand(app: String, from: Double, to: Double) -> Double
    /// Whether `cluster` is up during the whole of `from ..< to`.
    func isUp(cluster: String, from: Double, to: Double) -> Bool
    /// The worst round-trip latency from `cluster` to any of the app's user zones over `from ..< to`, in ms
    /// (0 without zones; nil when one is unknown).
    func worstLatency(app: String, cluster: String, from: Double, to: Double) -> Double?
    /// Seconds from a decision to its taking effect, and between two decisions.
    var applyDelaySeconds: Double { get }
    var intervalSeconds: Double { get }
}

/// The hindsight oracle: knows the whole day's demand, outages and link latencies in advance and, every cycle,
/// solves the assignment exactly (``CBCSolver``) for the window its decision will be in force
/// (`now + apply delay ..< now + apply delay + interval`): no app on a cluster that will be down, over a
/// latency budget, or saturated by the apps' peak demand in that window. The reference nobody can beat by much:
/// every real rule sees only the past.
///
/// Program: `x[a][c]` for clusters up through the window, meeting the selector, `NoSelect` taints and the
/// latency budget at every minute of it; per cluster `Σ peak demand(a) x ≤ allocatable cpu`, `Σ memory x ≤
/// allocatable memory`; maximise `Σ x (1000 − 1 · [moves] − 0.01 · price · demand)`. Apps the program cannot
/// place (their constraints fail everywhere) stay where they run when that cluster is up, else go to the up
/// cluster with the most free cpu. Summing peaks over-reserves slightly (peaks need not coincide), so this is a
/// strong reference rather than a proven lower bound.
public struct HindsightStrategy: PlacementStrategy {
    public let name = "hindsight"
    public let oracle: any HindsightOracle
    /// Branch-and-bound nodes per cycle (deterministic), and the wall-clock safety cap in seconds.
    public var nodeLimit: Int
    public var wallCapSeconds: Double

    public init(oracle: any HindsightOracle, nodeLimit: Int = 2000, wallCapSeconds: Double = 2) {
        self.oracle = oracle
        self.nodeLimit = nodeLimit
        self.wallCapSeconds = wallCapSeconds
    }

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        let from = nowSeconds + oracle.applyDelaySeconds
        let to = from + max(60, oracle.intervalSeconds)
        let fleet = clusters.sorted { $0.name < $1.name }
        let up = fleet.map { oracle.isUp(cluster: $0.name, from: from, to: to) }
        let demand = apps.map { oracle.peakDemand(app: $0.name, from: from, to: to) }
        var program = AssignmentProgram(apps: apps.count, clusters: fleet.count)
        for (a, app) in apps.enumerated() {
            for (c, cluster) in fleet.enumerated() where up[c] {
                guard !cluster.taints.contains(where: { $0.effect == "NoSelect" }),
                    app.clusterSelector.allSatisfy({ cluster.labels[$0.key] == $0.value })
                else { continue }
                if let budget = app.latencyBudgetMilliseconds {
                    guard let worst = oracle.worstLatency(app: app.name, cluster: cluster.name, from: from, to: to),
                        worst <= budget
                    else { continue }
                }
                let moves = current[app.name].map { $0 != cluster.name } ?? false
                let energy = cluster.energyCostPerCoreHour * demand[a]
                program.addPair(
                    app: a, cluster: c, objective: 1000 - (moves ? 1 : 0) - 0.01 * energy, cpuCores: demand[a],
                    memoryBytes: app.memoryBytes)
            }
            program.closeApp(a)
        }
        program.addCapacityRows(
            cpuCores: fleet.map(\.cpuCores), memoryGiB: fleet.map { $0.memoryBytes / AssignmentProgram.bytesPerGiB })
        var placement: [String: String] = [:]
        var freeCPU = fleet.map(\.cpuCores)
        if !program.model.columns.isEmpty,
            let result = try? CBCSolver.solve(program.model, nodeLimit: nodeLimit, wallCapSeconds: wallCapSeconds),
            let values = result.values
        {
            for (a, c) in program.assignment(values) {
                placement[apps[a].name] = fleet[c].name
                freeCPU[c] -= demand[a]
            }
        }
        let index = Dictionary(fleet.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (a, app) in apps.enumerated() where placement[app.name] == nil {
            if let now = current[app.name], let c = index[now], up[c] {
                placement[app.name] = now
                freeCPU[c] -= demand[a]
            } else if let c = fleet.indices.filter({ up[$0] }).max(by: { (freeCPU[$0], $1) < (freeCPU[$1], $0) }) {
                placement[app.name] = fleet[c].name
                freeCPU[c] -= demand[a]
            }
        }
        return placement
    }
}
