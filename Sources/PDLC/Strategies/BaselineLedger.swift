import AppModel

/// What every peer baseline shares: the fleet in name order and the capacity its apps have requested so far.
///
/// The peers' real systems never place a workload on a cluster that is not available or whose allocatable
/// cpu and memory (``ClusterSpec/cpuCores``, ``ClusterSpec/memoryBytes``) cannot hold its requests, so every
/// baseline asks ``fits(_:_:)`` first. No reserve is held back: that is PDLC's policy, not theirs.
struct BaselineLedger {
    let clusters: [ClusterSpec]
    let index: [String: Int]
    /// Requested cpu (cores) and memory (bytes) so far this evaluation, per cluster index.
    var requestedCPUCores: [Double]
    var requestedMemoryBytes: [Double]
    /// Apps assigned so far this evaluation, per cluster index.
    var appCount: [Int]

    init(clusters: [ClusterSpec]) {
        self.clusters = clusters.sorted { $0.name < $1.name }
        index = Dictionary(self.clusters.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        requestedCPUCores = Array(repeating: 0, count: self.clusters.count)
        requestedMemoryBytes = requestedCPUCores
        appCount = Array(repeating: 0, count: self.clusters.count)
    }

    func freeCPUCores(_ c: Int) -> Double { clusters[c].cpuCores - requestedCPUCores[c] }
    func freeMemoryBytes(_ c: Int) -> Double { clusters[c].memoryBytes - requestedMemoryBytes[c] }

    /// Available, and room for the app's requests (the hard capacity every real scheduler enforces).
    func fits(_ app: Application, _ c: Int) -> Bool {
        clusters[c].available && app.cpuCores <= freeCPUCores(c) + 1e-9 && app.memoryBytes <= freeMemoryBytes(c) + 1
    }

    /// `fits`, plus the label selector and OCM `NoSelect` taints (no app carries tolerations); a
    /// `NoSelectIfNew` taint admits only the cluster the app already runs on.
    func admits(_ app: Application, _ c: Int, current: String?) -> Bool {
        guard fits(app, c) else { return false }
        let cluster = clusters[c]
        for (key, value) in app.clusterSelector where cluster.labels[key] != value { return false }
        for taint in cluster.taints {
            if taint.effect == "NoSelect" { return false }
            if taint.effect == "NoSelectIfNew" && current != cluster.name { return false }
        }
        return true
    }

    /// Karmada's and kube-scheduler's "keep the first result": an app stays on the cluster it runs on while
    /// that cluster still admits it; takes its capacity and returns the cluster's name, nil otherwise.
    mutating func keepCurrent(_ app: Application, current: [String: String]) -> String? {
        guard let now = current[app.name], let c = index[now], admits(app, c, current: now) else { return nil }
        take(app, c)
        return now
    }

    mutating func take(_ app: Application, _ c: Int) {
        requestedCPUCores[c] += app.cpuCores
        requestedMemoryBytes[c] += app.memoryBytes
        appCount[c] += 1
    }

    /// Apps in the order the peers' controllers meet them: those already running first (they hold their
    /// capacity), then the rest, each group by name.
    static func order(_ apps: [Application], current: [String: String]) -> [Application] {
        apps.sorted { ((current[$0.name] == nil ? 1 : 0), $0.name) < ((current[$1.name] == nil ? 1 : 0), $1.name) }
    }
}
