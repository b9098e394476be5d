import AppModel

/// One resource type the hub serves: its REST coordinates and what discovery and `kubectl` need to know about it.
///
/// The values are copied from the OCM CRDs in `reference/ocm/crds/` (names, scope, short names, printer columns).
struct ResourceType: Sendable, Hashable {
    /// API group; `""` for the core group.
    var group: String
    var version: String
    var plural: String
    var singular: String
    var kind: String
    var namespaced: Bool
    var shortNames: [String] = []
    /// Whether the type has a `/status` subresource (writes to the main resource then ignore `status`).
    var hasStatusSubresource = true
    /// The CRD's `additionalPrinterColumns` as (name, type, JSONPath).
    var printerColumns: [PrinterColumn] = []

    /// `apiVersion` as objects carry it: `group/version`, or `version` for the core group.
    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    /// The qualified resource name used in Kubernetes error messages (`manifestworks.work.open-cluster-management.io`).
    var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }
    var listKind: String { kind + "List" }
    /// Whether a CRD defines the type (OCM's groups), so its objects are checked against the CRD schema.
    var isCustomResource: Bool { group.hasSuffix("open-cluster-management.io") }
}

/// A CRD `additionalPrinterColumns` entry.
struct PrinterColumn: Sendable, Hashable {
    var name: String
    var type: String
    var jsonPath: String
}

/// The resource types served by the EdgeSim hub.
enum ResourceCatalog {
    static let clusterGroup = "cluster.open-cluster-management.io"
    static let workGroup = "work.open-cluster-management.io"

    static let namespaces = ResourceType(
        group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace",
        namespaced: false, shortNames: ["ns"], hasStatusSubresource: true)

    static let managedClusters = ResourceType(
        group: clusterGroup, version: "v1", plural: "managedclusters", singular: "managedcluster",
        kind: "ManagedCluster", namespaced: false, shortNames: ["mcl", "mcls"],
        printerColumns: [
            PrinterColumn(name: "Hub Accepted", type: "boolean", jsonPath: ".spec.hubAcceptsClient"),
            PrinterColumn(
                name: "Managed Cluster URLs", type: "string", jsonPath: ".spec.managedClusterClientConfigs[*].url"),
            PrinterColumn(
                name: "Joined", type: "string",
                jsonPath: #".status.conditions[?(@.type=="ManagedClusterJoined")].status"#),
            PrinterColumn(
                name: "Available", type: "string",
                jsonPath: #".status.conditions[?(@.type=="ManagedClusterConditionAvailable")].status"#),
            PrinterColumn(name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp"),
        ])

    static let manifestWorks = ResourceType(
        group: workGroup, version: "v1", plural: "manifestworks", singular: "manifestwork",
        kind: "ManifestWork", namespaced: true)

    static let placements = ResourceType(
        group: clusterGroup, version: "v1beta1", plural: "placements", singular: "placement",
        kind: "Placement", namespaced: true,
        printerColumns: [
            PrinterColumn(
                name: "Succeeded", type: "string",
                jsonPath: #".status.conditions[?(@.type=="PlacementSatisfied")].status"#),
            PrinterColumn(
                name: "Reason", type: "string",
                jsonPath: #".status.conditions[?(@.type=="PlacementSatisfied")].reason"#),
            PrinterColumn(name: "SelectedClusters", type: "integer", jsonPath: ".status.numberOfSelectedClusters"),
        ])

    static let placementDecisions = ResourceType(
        group: clusterGroup, version: "v1beta1", plural: "placementdecisions", singular: "placementdecision",
        kind: "PlacementDecision", namespaced: true)

    static let addOnPlacementScores = ResourceType(
        group: clusterGroup, version: "v1alpha1", plural: "addonplacementscores", singular: "addonplacementscore",
        kind: "AddOnPlacementScore", namespaced: true)

    static let managedClusterSets = ResourceType(
        group: clusterGroup, version: "v1beta2", plural: "managedclustersets", singular: "managedclusterset",
        kind: "ManagedClusterSet", namespaced: false, shortNames: ["mclset", "mclsets"])

    static let managedClusterSetBindings = ResourceType(
        group: clusterGroup, version: "v1beta2", plural: "managedclustersetbindings",
        singular: "managedclustersetbinding", kind: "ManagedClusterSetBinding", namespaced: true,
        shortNames: ["mclsetbinding", "mclsetbindings"])

    static let manifestWorkReplicaSets = ResourceType(
        group: workGroup, version: "v1alpha1", plural: "manifestworkreplicasets", singular: "manifestworkreplicaset",
        kind: "ManifestWorkReplicaSet", namespaced: true, shortNames: ["mwrs"])

    /// `coordination.k8s.io/v1` Leases, for leader election.
    static let leases = ResourceType(
        group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
        namespaced: true, hasStatusSubresource: false)

    /// Core `v1` Events (Placer records drift and moves with them).
    static let events = ResourceType(
        group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true,
        shortNames: ["ev"], hasStatusSubresource: false)

    /// Core `v1` ConfigMaps (Placer keeps the state that survives a restart in one).
    static let configMaps = ResourceType(
        group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true,
        shortNames: ["cm"], hasStatusSubresource: false)

    /// Every served type, core first.
    static let all: [ResourceType] = [
        namespaces, events, configMaps, leases, managedClusters, managedClusterSets, managedClusterSetBindings,
        placements,
        placementDecisions, addOnPlacementScores, manifestWorks, manifestWorkReplicaSets,
    ]

    /// The type served at `group/version/plural`, if any.
    static func type(group: String, version: String, plural: String) -> ResourceType? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The type of an object by its `apiVersion` and `kind`.
    static func type(apiVersion: String, kind: String) -> ResourceType? {
        all.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }

    /// The type named by a plural (any group).
    static func type(plural: String) -> ResourceType? {
        all.first { $0.plural == plural }
    }

    /// Served API groups in discovery order, each with its versions, preferred (newest stable) first.
    static var groups: [(name: String, versions: [String])] {
        var result: [(name: String, versions: [String])] = []
        for type in all where !type.group.isEmpty {
            if let index = result.firstIndex(where: { $0.name == type.group }) {
                if !result[index].versions.contains(type.version) { result[index].versions.append(type.version) }
            } else {
                result.append((type.group, [type.version]))
            }
        }
        return result.map { ($0.name, $0.versions.sorted(by: versionPrecedes)) }
    }

    /// Kubernetes version priority: GA before beta before alpha, higher numbers first.
    static func versionPrecedes(_ a: String, _ b: String) -> Bool {
        func rank(_ v: String) -> (Int, Int, Int) {
            let body = v.dropFirst()
            let major = Int(body.prefix { $0.isNumber }) ?? 0
            let rest = body.drop { $0.isNumber }
            let stage = rest.hasPrefix("beta") ? 1 : rest.hasPrefix("alpha") ? 2 : 0
            let minor = Int(rest.drop { !$0.isNumber }) ?? 0
            return (stage, -major, -minor)
        }
        return rank(a) < rank(b)
    }
}
