import AppModel

/// What the engine knows mid-cycle: capacity already consumed and where apps already landed.
public struct CycleState: Sendable {
    /// cpu cores and memory bytes in use or promised, per cluster.
    public var usedCPUCores: [String: Double] = [:]
    public var usedMemoryBytes: [String: Double] = [:]
    /// Cluster chosen so far for each app, keyed by CAM appName and by folder name.
    public var placedCluster: [String: String] = [:]
    /// Channels declared by apps placed so far, so a constraint binds whichever side is placed second.
    public var placedChannels: [String: [PeerChannel]] = [:]
    public var clusters: [String: ClusterSpec]
    public var policy: PlacementPolicy

    public init(clusters: [ClusterSpec], policy: PlacementPolicy) {
        self.clusters = Dictionary(uniqueKeysWithValues: clusters.map { ($0.name, $0) })
        self.policy = policy
    }

    /// Free cpu on `cluster` after the policy's reserve, in cores.
    public func freeCPUCores(_ cluster: ClusterSpec) -> Double {
        cluster.cpuCores * (1 - policy.reservePercent / 100) - usedCPUCores[cluster.name, default: 0]
    }

    /// Free memory on `cluster` after the policy's reserve, in bytes.
    public func freeMemoryBytes(_ cluster: ClusterSpec) -> Double {
        cluster.memoryBytes * (1 - policy.reservePercent / 100) - usedMemoryBytes[cluster.name, default: 0]
    }

    mutating func consume(cpuCores: Double, memoryBytes: Double, on cluster: String) {
        usedCPUCores[cluster, default: 0] += cpuCores
        usedMemoryBytes[cluster, default: 0] += memoryBytes
    }

    mutating func record(_ app: Application, on cluster: String) {
        placedCluster[app.name] = cluster
        placedCluster[app.appName] = cluster
        placedChannels[app.appName] = app.peerChannels
    }
}
