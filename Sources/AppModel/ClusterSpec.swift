/// One edge cluster as Placer's placement engine sees it.
///
/// Read from `clusters/*.yaml` of the app repo (kind `EdgeCluster`, see docs/app-model.md) and refreshed from the
/// hub's ManagedCluster objects when a hub is connected.
public struct ClusterSpec: Sendable, Hashable {
    /// The ManagedCluster name; also the hub namespace that holds its ManifestWorks.
    public var name: String
    /// ManagedCluster labels (zone, site, security and compliance class, tier).
    public var labels: [String: String]
    /// The zone the cluster itself sits in (`hall-1`, `factory-dc`, `region`).
    public var zone: String
    /// Allocatable cpu in cores.
    public var cpuCores: Double
    /// Allocatable memory in bytes.
    public var memoryBytes: Double
    /// Measured round-trip latency in milliseconds from this cluster to each zone.
    public var latencyMilliseconds: [String: Double]
    /// Energy cost in EUR per core-hour.
    public var energyCostPerCoreHour: Double
    /// Whether the hub reports the cluster available; an unavailable cluster is never chosen.
    public var available: Bool
    /// File the cluster came from (for errors), or `hub` when it came from ManagedCluster status.
    public var source: String
    /// Valid OCM AddOnPlacementScore values for this cluster, keyed `<resource>/<score>`, each in −100…100.
    public var addOnScores: [String: Double] = [:]
    /// AddOnPlacementScores that were present but past their `validUntil`, keyed like ``addOnScores``.
    public var expiredAddOnScores: [String] = []
    /// Live measurements, when a telemetry source is configured; `nil` means static inventory only.
    public var telemetry: ClusterTelemetry?
    /// OCM taints on the ManagedCluster (`spec.taints`); a cluster with a NoSelect taint the app does not
    /// tolerate is never chosen.
    public var taints: [ClusterTaint] = []

    public init(
        name: String, labels: [String: String], zone: String, cpuCores: Double, memoryBytes: Double,
        latencyMilliseconds: [String: Double], energyCostPerCoreHour: Double, available: Bool = true,
        source: String = ""
    ) {
        self.name = name
        self.labels = labels
        self.zone = zone
        self.cpuCores = cpuCores
        self.memoryBytes = memoryBytes
        self.latencyMilliseconds = latencyMilliseconds
        self.energyCostPerCoreHour = energyCostPerCoreHour
        self.available = available
        self.source = source
    }

    /// Latency in milliseconds to `zone`; 0 for the cluster's own zone, `nil` when unknown.
    public func latency(to zone: String) -> Double? {
        if let measured = latencyMilliseconds[zone] { return measured }
        return zone == self.zone ? 0 : nil
    }

    /// The cluster's security level from label `placer.dev/security-class`.
    public var securityClass: SecurityClass {
        labels[Labels.securityClass].flatMap(SecurityClass.init(rawValue:)) ?? .none
    }

    /// The cluster's compliance level from label `placer.dev/compliance-class`.
    public var complianceClass: ComplianceClass {
        labels[Labels.complianceClass].flatMap(ComplianceClass.init(rawValue:)) ?? .low
    }
}

/// An OCM ManagedCluster taint (`spec.taints[]`, open-cluster-management.io/api cluster/v1).
public struct ClusterTaint: Sendable, Hashable {
    /// Taint key, e.g. `cluster.open-cluster-management.io/unreachable`.
    public var key: String
    /// Taint value; may be empty.
    public var value: String
    /// `NoSelect`, `PreferNoSelect` or `NoSelectIfNew`.
    public var effect: String

    public init(key: String, value: String = "", effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }
}

/// Label and annotation keys Placer reads and writes. The prefix `placer.dev/` is Placer's own.
public enum Labels {
    public static let prefix = "placer.dev/"
    public static let zone = "topology.kubernetes.io/zone"
    public static let site = "placer.dev/site"
    public static let tier = "placer.dev/tier"
    public static let securityClass = "placer.dev/security-class"
    public static let complianceClass = "placer.dev/compliance-class"
    public static let managedBy = "app.kubernetes.io/managed-by"
    /// Label on every object Placer writes on the hub: the writing instance (see `Ownership` in Reconciler).
    /// Prune, drift correction and status select on it, so two instances on one hub never touch each other's.
    public static let owner = "placer.dev/owner"
    /// Annotation beside ``owner``: the repo (credentials removed) and branch the object came from, for people.
    public static let source = "placer.dev/source"
    public static let app = "placer.dev/app"
    public static let partOf = "app.kubernetes.io/part-of"
    public static let component = "app.kubernetes.io/component"
    /// Annotation on a CodecoApp: comma-separated zones whose users the latency budget is measured to.
    public static let userZones = "placer.dev/user-zones"
    /// Annotation: label selector (`k=v,k2=v2`) that a cluster must match.
    public static let clusterSelector = "placer.dev/cluster-selector"
    /// Annotation: namespace on the managed cluster for the app's workloads.
    public static let targetNamespace = "placer.dev/namespace"
    /// Annotation on plain-manifest apps: the QoS class (`Gold`, `Silver`, `BestEffort`).
    public static let qosClass = "placer.dev/qos-class"
    /// Annotation on plain-manifest apps: latency budget in milliseconds to the user zones.
    public static let latencyBudget = "placer.dev/latency-budget-ms"
    /// Annotations on the AddOnPlacementScore `placer-forecast` a `placer agent` publishes: the privacy spent by the
    /// federated model behind the forecast (ε and δ of the (ε, δ)-DP guarantee, rounds composed) and its name.
    public static let privacyEpsilon = "placer.dev/privacy-epsilon"
    public static let privacyDelta = "placer.dev/privacy-delta"
    public static let privacyRounds = "placer.dev/privacy-rounds"
    public static let forecastModel = "placer.dev/forecast-model"
}
