import AppModel

/// What CODECO's own stack does, lifted from pods to clusters: an ILP placement re-solved from scratch every
/// cycle on the *current measured* load, with latency and bandwidth as hard constraints and a greenness term in
/// the objective; no forecast, no hysteresis, no migration cost.
///
/// Source: CODECO's SWM (Scheduling and Workload Migration) "qos-scheduler" is described as an ILP-based
/// scheduler whose inputs are the CAM's per-app requirements (`nwlatency`, `bandwidth` on channels) and the
/// NetMA link metrics (latency and bandwidth between nodes); the greenness term stands for CODECO's
/// `Greenness` performance profile (`/work/shared` CODECO model). Lifted here: nodes are clusters, NetMA's
/// link metrics are the telemetry's latency and bandwidth to zones.
///
/// Program per cycle: `x[a][c] ∈ {0,1}` for available, untainted (`NoSelect`) clusters meeting the app's label
/// selector and whose measured round-trip latency to each user zone is within the app's budget. Per cluster
/// `Σ load(a) x ≤ allocatable cpu` and `Σ memory requests x ≤ allocatable memory`, where `load(a)` is the
/// app's share of its current cluster's measured cpu (requests × measured ÷ requested there; requests for an
/// app not running). Per channel with `maxDelay` or `minBandwidth`, every cluster pair that breaks it is
/// forbidden (`x[a][c1] + x[b][c2] ≤ 1`). Maximise `Σ x (1000 − latency(a, c) − greenness × price(c) ×
/// load(a) × 100)`: as many apps as fit, then the lowest latency, then the cheapest energy.
public struct CODECOILPStrategy: PlacementStrategy {
    public let name = "codeco-ilp"
    /// Weight of the energy term (EUR per core-hour × cores × 100 points).
    public var greenness: Double
    /// Branch-and-bound nodes per cycle (deterministic), and the wall-clock safety cap in seconds.
    public var nodeLimit: Int
    public var wallCapSeconds: Double

    public init(greenness: Double = 1, nodeLimit: Int = 1000, wallCapSeconds: Double = 5) {
        self.greenness = greenness
        self.nodeLimit = nodeLimit
        self.wallCapSeconds = wallCapSeconds
    }

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        let fleet = clusters.sorted { $0.name < $1.name }
        let index = Dictionary(fleet.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        // Measured load per app: its share of its cluster's measured cpu.
        var requested = Array(repeating: 0.0, count: fleet.count)
        for app in apps { if let c = current[app.name].flatMap({ index[$0] }) { requested[c] += app.cpuCores } }
        func load(_ app: Application) -> Double {
            guard let c = current[app.name].flatMap({ index[$0] }), requested[c] > 0,
                let measured = fleet[c].telemetry?.cpuUsedCores
            else { return app.cpuCores }
            return app.cpuCores * measured / requested[c]
        }
        let loads = apps.map(load)
        var program = AssignmentProgram(apps: apps.count, clusters: fleet.count)
        for (a, app) in apps.enumerated() {
            for (c, cluster) in fleet.enumerated() where Self.admits(app, cluster) {
                let latency = Self.worstLatency(app, cluster) ?? 0
                let price = cluster.telemetry?.energyCostPerCoreHour ?? cluster.energyCostPerCoreHour
                program.addPair(
                    app: a, cluster: c, objective: 1000 - latency - greenness * price * loads[a] * 100,
                    cpuCores: loads[a], memoryBytes: app.memoryBytes)
            }
            program.closeApp(a)
        }
        guard !program.model.columns.isEmpty else { return [:] }
        program.addCapacityRows(
            cpuCores: fleet.map(\.cpuCores), memoryGiB: fleet.map { $0.memoryBytes / AssignmentProgram.bytesPerGiB })
        // Channels: forbid the cluster pairs whose link breaks the channel's delay or bandwidth.
        let byName = Dictionary(
            apps.enumerated().flatMap { [($1.name, $0), ($1.appName, $0)] }, uniquingKeysWith: { a, _ in a })
        for (a, app) in apps.enumerated() {
            for channel in app.peerChannels {
                guard let b = byName[channel.app], b != a else { continue }
                for (c1, x1) in program.pairs[a] {
                    for (c2, x2) in program.pairs[b] where c1 != c2 {
                        let link = fleet[c1]
                        let delay =
                            link.telemetry?.latencyMilliseconds[fleet[c2].zone] ?? link.latency(to: fleet[c2].zone)
                        let bandwidth = link.telemetry?.bandwidthMegabitsPerSecond[fleet[c2].zone]
                        let tooSlow = channel.maxDelayMilliseconds.map { max in (delay ?? .infinity) > max } ?? false
                        let tooThin =
                            channel.minBandwidthBitsPerSecond.map { min in
                                bandwidth.map { $0 * 1_000_000 < min } ?? false
                            } ?? false
                        if tooSlow || tooThin {
                            program.model.addRow(
                                .init(columns: [x1, x2], coefficients: [1, 1], sense: .lessOrEqual, rhs: 1))
                        }
                    }
                }
            }
        }
        guard let result = try? CBCSolver.solve(program.model, nodeLimit: nodeLimit, wallCapSeconds: wallCapSeconds),
            let values = result.values
        else { return [:] }
        var placement: [String: String] = [:]
        for (a, c) in program.assignment(values) { placement[apps[a].name] = fleet[c].name }
        return placement
    }

    /// Available, no `NoSelect` taint, the label selector met, and every user zone within the latency budget
    /// (measured latency first, the inventory's otherwise).
    static func admits(_ app: Application, _ cluster: ClusterSpec) -> Bool {
        guard cluster.available, !cluster.taints.contains(where: { $0.effect == "NoSelect" }) else { return false }
        for (key, value) in app.clusterSelector where cluster.labels[key] != value { return false }
        if let budget = app.latencyBudgetMilliseconds, !app.userZones.isEmpty {
            guard let worst = worstLatency(app, cluster), worst <= budget else { return false }
        }
        return true
    }

    /// The largest round-trip latency from `cluster` to the app's user zones (measured, else inventory); nil
    /// when one is unknown, 0 without zones.
    static func worstLatency(_ app: Application, _ cluster: ClusterSpec) -> Double? {
        var worst = 0.0
        for zone in app.userZones {
            guard let value = cluster.telemetry?.latencyMilliseconds[zone] ?? cluster.latency(to: zone) else {
                return nil
            }
            worst = max(worst, value)
        }
        return worst
    }
}
