import AppModel

/// Prefers staying: 100 on the cluster the app runs on now (and everywhere for an app not yet placed);
/// elsewhere `50 ÷ (1 + memory GiB ÷ 4)`, since moving costs a restart and the state to copy, which grows
/// with the app's memory (a 4 GiB app scores 25 away from home).
public struct MigrationScore: ScorePlugin {
    public let name = "migration"
    public init() {}

    static func value(memoryBytes: Double, stays: Bool) -> Double {
        stays ? 100 : 50 / (1 + memoryBytes / 1_073_741_824 / 4)
    }

    public func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore {
        guard let current = state.currentCluster[app.name] else { return PluginScore(100, "new app: nothing to migrate") }
        if current == cluster.name { return PluginScore(100, "runs here now: no migration") }
        let value = Self.value(memoryBytes: app.memoryBytes, stays: false)
        return PluginScore(value, "moving from \(current) restarts it and copies \(Format.bytes(app.memoryBytes)) of state")
    }

    public func rawValues(_ app: PreparedApp, at clusters: [Int], into values: inout [Double], state: CycleState) {
        guard app.currentIndex != nil else { return values.append(contentsOf: repeatElement(100, count: clusters.count)) }
        for c in clusters { values.append(rawValue(app, at: c, state: state)) }
    }

    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        guard let current = app.currentIndex else { return 100 }
        return Self.value(memoryBytes: app.app.memoryBytes, stays: current == c)
    }
}
