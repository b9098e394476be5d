import AppModel

/// Prefers staying: 100 on the cluster the app runs on now (and everywhere for an app not yet placed, or whose
/// cluster left the inventory); elsewhere `50 ÷ (1 + memory GiB ÷ 4)`, since moving costs a restart and the
/// state to copy, which grows with the app's memory (a 4 GiB app scores 25 away from home).
public struct MigrationScore: ScorePlugin {
    public let name = "migration"
    public init() {}

    static func value(memoryBytes: Double, stays: Bool) -> Double {
        stays ? 100 : 50 / (1 + memoryBytes / 1_073_741_824 / 4)
    }

    public func score(_ app: PreparedApp, clusters: [Int], state: CycleState, into scores: inout ScoreSink) {
        let memory = app.app.memoryBytes
        let currentName = state.currentCluster[app.app.name]
        guard let current = app.currentIndex else {
            let detail = currentName.map { "moving from \($0) restarts it and copies \(Format.bytes(memory)) of state" }
            return scores.add(repeating: 100, count: clusters.count, detail ?? "new app: nothing to migrate")
        }
        for c in clusters {
            let stays = current == c
            scores.add(
                Self.value(memoryBytes: memory, stays: stays),
                stays
                    ? "runs here now: no migration"
                    : "moving from \(currentName ?? "") restarts it and copies \(Format.bytes(memory)) of state")
        }
    }
}
