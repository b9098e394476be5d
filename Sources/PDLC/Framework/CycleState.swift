import AppModel
import Foundation

/// What the engine knows mid-cycle: the fleet (``FleetIndex``), each plugin's precomputed state (under its
/// ``StateKey``), capacity already consumed and where apps already landed. Clusters are addressed by index into
/// ``clusterList`` (sorted by name) on the hot path and by name elsewhere.
public struct CycleState: Sendable {
    /// The inventory in name order; an index into it is a cluster's index everywhere in a cycle.
    public let clusterList: [ClusterSpec]
    /// Cluster name → index into ``clusterList``.
    public let clusterIndex: [String: Int]
    /// Per-cluster numbers every plugin shares, computed once per cycle (zones, latency and bandwidth matrices,
    /// availability, capacity, measured and forecast load).
    public let fleet: FleetIndex
    /// Each plugin's PreFilter / PreScore state by plugin name (``StateKey``).
    var pluginStates: [String: any Sendable] = [:]
    /// cpu cores and memory bytes requested by apps placed this cycle, per cluster index.
    public private(set) var usedCPUCoresAt: [Double]
    public private(set) var usedMemoryBytesAt: [Double]
    /// cpu cores and memory bytes requested by apps placed this cycle on a cluster they do not run on now, per
    /// cluster index: load the cluster's measured use does not contain yet.
    public private(set) var arrivingCPUCoresAt: [Double]
    public private(set) var arrivingMemoryBytesAt: [Double]
    /// Cluster chosen so far for each app, keyed by CAM appName and by folder name.
    public var placedCluster: [String: String] = [:]
    /// Channels declared by apps placed so far, so a constraint binds whichever side is placed second.
    public var placedChannels: [String: [PeerChannel]] = [:]
    /// Channels declared by any app of the cycle, keyed by the app they point to (folder name or appName).
    public var channelsTo: [String: [(from: String, channel: PeerChannel)]] = [:]
    /// Where each app runs now (app folder name → cluster), from the committed records.
    public var currentCluster: [String: String] = [:]
    /// Apps PDLC moved off a saturated cluster (app folder name → that cluster's index), from
    /// ``StabilityState/Entry/shedFrom``: ``ForecastHeadroomFilter`` lets them back only when the cluster's peak
    /// measured use over its history leaves room.
    public var shedFrom: [String: Int] = [:]
    /// The inventory by name.
    public let clusters: [String: ClusterSpec]
    public var policy: PlacementPolicy

    /// - Parameters:
    ///   - clusters: the inventory, any order.
    ///   - policy: reserve and weights.
    ///   - apps: the apps of the cycle (their user zones join the latency matrix, their channels are indexed).
    ///   - forecaster: the load forecaster (default: the policy's, ``ForecasterRegistry/standard``).
    public init(
        clusters: [ClusterSpec], policy: PlacementPolicy, apps: [Application] = [], forecaster: (any Forecaster)? = nil
    ) {
        var seen = Set<String>()
        clusterList = clusters.sorted { $0.name < $1.name }.filter { seen.insert($0.name).inserted }
        clusterIndex = Dictionary(uniqueKeysWithValues: clusterList.enumerated().map { ($1.name, $0) })
        self.clusters = Dictionary(uniqueKeysWithValues: clusterList.map { ($0.name, $0) })
        self.policy = policy
        fleet = FleetIndex(
            clusters: clusterList, apps: apps, reservePercent: policy.reservePercent,
            forecaster: forecaster ?? ForecasterRegistry.standard.forecaster(for: policy),
            coverage: policy.forecastCoverage)
        usedCPUCoresAt = Array(repeating: 0, count: clusterList.count)
        usedMemoryBytesAt = usedCPUCoresAt
        arrivingCPUCoresAt = usedCPUCoresAt
        arrivingMemoryBytesAt = usedCPUCoresAt
        for app in apps {
            for channel in app.peerChannels { channelsTo[channel.app, default: []].append((app.appName, channel)) }
        }
    }

    /// cpu cores in use or promised this cycle, per cluster name.
    public var usedCPUCores: [String: Double] {
        Dictionary(uniqueKeysWithValues: clusterList.indices.map { (clusterList[$0].name, usedCPUCoresAt[$0]) })
    }

    /// memory bytes in use or promised this cycle, per cluster name.
    public var usedMemoryBytes: [String: Double] {
        Dictionary(uniqueKeysWithValues: clusterList.indices.map { (clusterList[$0].name, usedMemoryBytesAt[$0]) })
    }

    /// Free cpu on `cluster` after the policy's reserve, in cores.
    public func freeCPUCores(_ cluster: ClusterSpec) -> Double {
        cluster.cpuCores * (1 - policy.reservePercent / 100)
            - (clusterIndex[cluster.name].map { usedCPUCoresAt[$0] } ?? 0)
    }

    /// Free memory on `cluster` after the policy's reserve, in bytes.
    public func freeMemoryBytes(_ cluster: ClusterSpec) -> Double {
        cluster.memoryBytes * (1 - policy.reservePercent / 100)
            - (clusterIndex[cluster.name].map { usedMemoryBytesAt[$0] } ?? 0)
    }

    /// Free cpu on the cluster at index `c` after the reserve, in cores.
    @inline(__always) public func freeCPUCores(at c: Int) -> Double { fleet.reservedCPUCores[c] - usedCPUCoresAt[c] }

    /// Free memory on the cluster at index `c` after the reserve, in bytes.
    @inline(__always) public func freeMemoryBytes(at c: Int) -> Double {
        fleet.reservedMemoryBytes[c] - usedMemoryBytesAt[c]
    }

    mutating func consume(cpuCores: Double, memoryBytes: Double, on cluster: String) {
        guard let c = clusterIndex[cluster] else { return }
        consume(cpuCores: cpuCores, memoryBytes: memoryBytes, at: c)
    }

    mutating func consume(cpuCores: Double, memoryBytes: Double, at c: Int) {
        usedCPUCoresAt[c] += cpuCores
        usedMemoryBytesAt[c] += memoryBytes
    }

    /// Counts `app` as arriving on (`sign` 1) or no longer arriving on (`sign` −1) `cluster` when it does not run
    /// there now.
    mutating func arrive(_ app: Application, on cluster: String, sign: Double = 1) {
        guard let c = clusterIndex[cluster], currentCluster[app.name] != cluster else { return }
        arrivingCPUCoresAt[c] += sign * app.cpuCores
        arrivingMemoryBytesAt[c] += sign * app.memoryBytes
    }

    mutating func record(_ app: Application, on cluster: String) {
        placedCluster[app.name] = cluster
        placedCluster[app.appName] = cluster
        if !app.peerChannels.isEmpty { placedChannels[app.appName] = app.peerChannels }
    }

    mutating func unrecord(_ app: Application) {
        placedCluster[app.name] = nil
        placedCluster[app.appName] = nil
        placedChannels[app.appName] = nil
    }
}

extension CycleState {
    /// The app with its zones, current cluster and channel bounds resolved against this state (PreFilter).
    public func prepare(_ app: Application) -> PreparedApp {
        var bounds: [PreparedApp.ChannelBound] = []
        func bound(peer: String, _ channel: PeerChannel) {
            guard channel.maxDelayMilliseconds != nil || channel.minBandwidthBitsPerSecond != nil,
                let peerName = placedCluster[peer], let peerCluster = clusterIndex[peerName]
            else { return }
            bounds.append(
                .init(
                    peer: peer, peerCluster: peerCluster, peerZone: fleet.ownZone[peerCluster],
                    maxDelayMilliseconds: channel.maxDelayMilliseconds,
                    minBandwidthMegabitsPerSecond: channel.minBandwidthBitsPerSecond.map { $0 / 1_000_000 }))
        }
        for channel in app.peerChannels { bound(peer: channel.app, channel) }
        var incoming = channelsTo[app.appName] ?? []
        if app.name != app.appName { incoming += channelsTo[app.name] ?? [] }
        for (from, channel) in incoming.sorted(by: { $0.from < $1.from }) where from != app.appName {
            bound(peer: from, channel)
        }
        return PreparedApp(
            app: app, userZones: app.userZones.map { fleet.zoneIndex[$0] ?? -1 },
            currentIndex: currentCluster[app.name].flatMap { clusterIndex[$0] }, channels: bounds)
    }
}
