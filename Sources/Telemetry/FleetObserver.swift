import AppModel
import Foundation
import OCMClient
import PlacerCore

/// Turns the fleet's inputs (the static inventory, the hub's ManagedClusters and AddOnPlacementScores, and
/// Prometheus through a ``TelemetryCollector``) into the cluster state PDLC decides on, once per pass.
///
/// The only place the hub's cluster objects are read and interpreted for placement: each is listed (or taken
/// from a watched cache) and decoded once, and the same values feed the inventory merge and telemetry's hub
/// fallback. Deterministic for given inputs and `now`.
public struct FleetObserver: Sendable {
    /// The watched ManagedClusters by name, or nil until the watch has listed once.
    public typealias ManagedClusterSnapshot = @Sendable () async -> [String: ManagedClusterObject]?

    /// The hub; nil observes the inventory alone (no availability, no scores).
    public let hub: (any Hub)?
    /// A watched ManagedCluster cache; nil (or a snapshot not yet synced) lists them from `hub` on each pass.
    public let managedClusters: ManagedClusterSnapshot?
    /// Live telemetry; nil sets no ``ClusterSpec/telemetry``.
    public let telemetry: TelemetryCollector?
    /// Where each cluster's telemetry age goes (``PlacerMetrics/telemetryAge(cluster:metric:seconds:)``).
    public let metrics: PlacerMetrics
    /// The newest live sample seen per cluster and metric, across passes, so an age keeps growing while a metric
    /// falls back.
    let sampleTimes = SampleTimes()
    /// The ManagedClusters listed by the last pass, decoded (used when no watched snapshot is given).
    let decodedClusters = DecodedClusters()

    /// - Parameters:
    ///   - hub: the OCM hub.
    ///   - managedClusters: a watched cache of ManagedClusters (e.g. `ClusterInventoryWatcher.snapshot`).
    ///   - telemetry: the Prometheus → hub → inventory collector.
    ///   - metrics: where the telemetry ages go.
    public init(
        hub: (any Hub)?, managedClusters: ManagedClusterSnapshot? = nil, telemetry: TelemetryCollector? = nil,
        metrics: PlacerMetrics = PlacerMetrics()
    ) {
        self.hub = hub
        self.managedClusters = managedClusters
        self.telemetry = telemetry
        self.metrics = metrics
    }

    /// Observes the fleet once.
    /// - Parameters:
    ///   - inventory: the repo's `clusters/*.yaml`, as loaded.
    ///   - now: the injected clock's time: AddOnPlacementScores past `validUntil` are expired at it, and telemetry
    ///     is evaluated at it.
    /// - Returns: the merged clusters, the objects read, and each input's source and age.
    /// - Throws: the hub's error (``KubeError``) when ManagedClusters or AddOnPlacementScores cannot be listed.
    public func observe(inventory: [ClusterSpec], now: Date) async throws -> FleetObservation {
        var inputs = [
            FleetInput(name: "inventory", source: .inventory, observedAt: now, ageSeconds: nil, count: inventory.count)
        ]
        guard let hub else {
            let clusters = await annotate(inventory, hubClusters: [], scores: [], now: now, inputs: &inputs)
            return FleetObservation(clusters: clusters, inputs: inputs)
        }
        var live: [String: ManagedClusterObject] = [:]
        if let watched = await managedClusters?() {
            live = watched
            inputs.append(
                FleetInput(name: "ManagedCluster", source: .hubWatch, observedAt: now, ageSeconds: 0, count: live.count)
            )
        } else {
            for cluster in decodedClusters.decode(try await hub.list(.managedCluster, namespace: nil)) {
                live[cluster.metadata.name] = cluster
            }
            inputs.append(
                FleetInput(name: "ManagedCluster", source: .hubList, observedAt: now, ageSeconds: 0, count: live.count))
        }
        let scoreObjects = try await hub.list(.addOnPlacementScore, namespace: nil).compactMap {
            try? AddOnPlacementScoreObject.decode($0)
        }
        inputs.append(
            FleetInput(
                name: "AddOnPlacementScore", source: .hubList, observedAt: now, ageSeconds: 0, count: scoreObjects.count
            ))
        let scores = Self.scores(scoreObjects, now: now)
        let specs = Self.merge(inventory: inventory, live: live).map { cluster in
            var spec = cluster
            spec.addOnScores = scores.valid[cluster.name] ?? [:]
            spec.expiredAddOnScores = scores.expired[cluster.name] ?? []
            return spec
        }
        let hubClusters = live.keys.sorted().compactMap { live[$0] }
        let clusters = await annotate(specs, hubClusters: hubClusters, scores: scoreObjects, now: now, inputs: &inputs)
        return FleetObservation(
            clusters: clusters, managedClusters: hubClusters, addOnScores: scoreObjects, inputs: inputs)
    }

    /// Sets each cluster's telemetry when a collector is configured, recording the input.
    private func annotate(
        _ clusters: [ClusterSpec], hubClusters: [ManagedClusterObject], scores: [AddOnPlacementScoreObject], now: Date,
        inputs: inout [FleetInput]
    ) async -> [ClusterSpec] {
        guard let telemetry else { return clusters }
        let annotated = await telemetry.annotate(
            clusters: clusters, hubClusters: hubClusters, addOnScores: scores, now: now)
        let ages = annotated.compactMap(\.telemetry).flatMap(\.ageSeconds.values)
        for (cluster, metric, seconds) in sampleTimes.ages(of: annotated, now: now) {
            metrics.telemetryAge(cluster: cluster, metric: metric, seconds: seconds)
        }
        inputs.append(
            FleetInput(
                name: "telemetry", source: .prometheus, observedAt: now, ageSeconds: ages.max(), count: annotated.count)
        )
        return annotated
    }
}

extension FleetObserver {
    /// The static inventory with the hub's view of each cluster, and clusters only the hub knows.
    ///
    /// A cluster in `clusters/*.yaml` the hub does not list is unavailable (nothing could apply there) unless the
    /// hub lists none at all. A cluster only the hub lists is placeable with what the hub knows: no latency figures
    /// (latency budgets refuse it), energy priced as the dearest known cluster, zone from its zone label.
    /// - Returns: inventory order first, then hub-only clusters sorted by name.
    static func merge(inventory clusters: [ClusterSpec], live: [String: ManagedClusterObject]) -> [ClusterSpec] {
        var merged: [ClusterSpec] = clusters.map { cluster in
            var spec = cluster
            if let hubCluster = live[cluster.name] {
                merge(hubCluster, into: &spec)
            } else if !live.isEmpty {
                spec.available = false
            }
            return spec
        }
        let known = Set(clusters.map(\.name))
        let dearest = clusters.map(\.energyCostPerCoreHour).max() ?? 0
        for (name, hubCluster) in live.sorted(by: { $0.key < $1.key }) where !known.contains(name) {
            var spec = ClusterSpec(
                name: name, labels: [:], zone: "", cpuCores: 0, memoryBytes: 0, latencyMilliseconds: [:],
                energyCostPerCoreHour: dearest, source: "hub")
            merge(hubCluster, into: &spec)
            spec.zone = spec.labels[Labels.zone] ?? ""
            merged.append(spec)
        }
        return merged
    }

    /// The hub's view of a cluster wins where it has one: availability (the Available condition under OCM's
    /// type name, and no NoSelect taint), labels, cluster claims (as labels named after the claim, unless a label
    /// of that name exists), and allocatable cpu (cores) and memory (bytes).
    public static func merge(_ hubCluster: ManagedClusterObject, into spec: inout ClusterSpec) {
        spec.available = hubCluster.isSelectable
        for (key, value) in hubCluster.metadata.labels ?? [:] { spec.labels[key] = value }
        for claim in hubCluster.status?.clusterClaims ?? [] where spec.labels[claim.name] == nil {
            spec.labels[claim.name] = claim.value
        }
        if let cpu = hubCluster.allocatableCPUCores { spec.cpuCores = cpu }
        if let memory = hubCluster.allocatableMemoryBytes { spec.memoryBytes = memory }
    }

    /// AddOnPlacementScores by cluster namespace: valid ones as `<resource>/<score>` → value clamped to −100…100,
    /// and the `<resource>/<score>` names of those whose `status.validUntil` is before `now` (CONTRACT.md §6).
    static func scores(
        _ objects: [AddOnPlacementScoreObject], now: Date
    )
        -> (valid: [String: [String: Double]], expired: [String: [String]])
    {
        var valid: [String: [String: Double]] = [:]
        var expired: [String: [String]] = [:]
        for object in objects {
            guard let cluster = object.clusterName else { continue }
            for score in object.status.scores {
                let key = "\(object.metadata.name)/\(score.name)"
                if let until = object.status.validUntil, until < now {
                    expired[cluster, default: []].append(key)
                } else {
                    valid[cluster, default: [:]][key] = max(-100, min(100, Double(score.value)))
                }
            }
        }
        return (valid, expired)
    }
}
