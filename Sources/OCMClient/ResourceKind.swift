import Foundation

/// A Kubernetes resource type as the REST API addresses it (CONTRACT.md §8).
public struct ResourceKind: Sendable, Hashable {
    /// API group; `""` for the core group.
    public var group: String
    public var version: String
    /// Lower-case plural used in URLs (`manifestworks`).
    public var plural: String
    public var kind: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `apiVersion` as objects carry it.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `cluster.open-cluster-management.io/v1` ManagedCluster (cluster-scoped).
    public static let managedCluster = ResourceKind(
        group: "cluster.open-cluster-management.io", version: "v1", plural: "managedclusters",
        kind: "ManagedCluster", namespaced: false)
    /// `work.open-cluster-management.io/v1` ManifestWork (namespace = managed cluster name).
    public static let manifestWork = ResourceKind(
        group: "work.open-cluster-management.io", version: "v1", plural: "manifestworks", kind: "ManifestWork",
        namespaced: true)
    /// `cluster.open-cluster-management.io/v1beta1` Placement.
    public static let placement = ResourceKind(
        group: "cluster.open-cluster-management.io", version: "v1beta1", plural: "placements", kind: "Placement",
        namespaced: true)
    /// `cluster.open-cluster-management.io/v1beta1` PlacementDecision.
    public static let placementDecision = ResourceKind(
        group: "cluster.open-cluster-management.io", version: "v1beta1", plural: "placementdecisions",
        kind: "PlacementDecision", namespaced: true)
    /// `cluster.open-cluster-management.io/v1alpha1` AddOnPlacementScore (namespace = managed cluster name).
    public static let addOnPlacementScore = ResourceKind(
        group: "cluster.open-cluster-management.io", version: "v1alpha1", plural: "addonplacementscores",
        kind: "AddOnPlacementScore", namespaced: true)
    /// `coordination.k8s.io/v1` Lease (leader election).
    public static let lease = ResourceKind(
        group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    /// Core `v1` Event.
    public static let event = ResourceKind(group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    /// Core `v1` Namespace.
    public static let namespace = ResourceKind(
        group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)

    /// The URL path of a collection (`name == nil`) or an object, optionally of a subresource.
    /// A namespaced kind with a nil namespace addresses the list across all namespaces.
    public func path(namespace: String?, name: String? = nil, subresource: String? = nil) -> String {
        var path = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        if namespaced, let namespace { path += "/namespaces/\(Self.escape(namespace))" }
        path += "/\(plural)"
        if let name { path += "/\(Self.escape(name))" }
        if let subresource { path += "/\(subresource)" }
        return path
    }

    private static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/")))
            ?? segment
    }
}
