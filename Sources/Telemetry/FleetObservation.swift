import AppModel
import Foundation
import OCMClient

/// The fleet's cluster state as one pass of ``FleetObserver`` saw it.
public struct FleetObservation: Sendable {
    /// The inventory merged with the hub (availability, labels, claims, allocatable cpu and memory), hub-only
    /// clusters appended (sorted by name), AddOnPlacementScores attached, and ``ClusterSpec/telemetry`` set when
    /// a collector is configured; inventory order first.
    public var clusters: [ClusterSpec]
    /// The hub's ManagedClusters as read, sorted by name; empty without a hub.
    public var managedClusters: [ManagedClusterObject]
    /// The hub's AddOnPlacementScores as read (decoded once); empty without a hub.
    public var addOnScores: [AddOnPlacementScoreObject]
    /// Where each input came from and how old it was.
    public var inputs: [FleetInput]

    /// Creates an observation.
    public init(
        clusters: [ClusterSpec], managedClusters: [ManagedClusterObject] = [],
        addOnScores: [AddOnPlacementScoreObject] = [], inputs: [FleetInput] = []
    ) {
        self.clusters = clusters
        self.managedClusters = managedClusters
        self.addOnScores = addOnScores
        self.inputs = inputs
    }
}

/// One input of a ``FleetObservation``: what was read, from where, when, and how old its data was.
public struct FleetInput: Sendable, Equatable {
    /// Where an input came from.
    public enum Source: String, Sendable, Equatable {
        /// `clusters/*.yaml` at the fetched commit.
        case inventory
        /// A LIST on the hub during this pass.
        case hubList = "hub-list"
        /// The ``ClusterInventoryWatcher``-style watched cache (LIST then WATCH), current up to its last event.
        case hubWatch = "hub-watch"
        /// Prometheus's HTTP API (through ``TelemetryCollector``, with its own per-metric fallbacks).
        case prometheus
    }

    /// What was read: `inventory`, `ManagedCluster`, `AddOnPlacementScore`, `telemetry`.
    public var name: String
    /// Where it came from.
    public var source: Source
    /// When it was read (the injected clock).
    public var observedAt: Date
    /// Age of the data when read, in seconds: 0 for a read made now (a LIST, a watched cache); for telemetry the
    /// oldest raw Prometheus sample used; nil when unknown.
    public var ageSeconds: Double?
    /// How many objects (clusters, scores) the input held.
    public var count: Int

    /// Creates an input record.
    public init(name: String, source: Source, observedAt: Date, ageSeconds: Double?, count: Int) {
        self.name = name
        self.source = source
        self.observedAt = observedAt
        self.ageSeconds = ageSeconds
        self.count = count
    }
}
