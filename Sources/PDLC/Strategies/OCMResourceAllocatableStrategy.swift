import AppModel

/// An OCM Placement with prioritizer `ResourceAllocatableCPU` or `ResourceAllocatableMemory` (weight 1) in the
/// default Additive mode, so Steady and Balance keep their default weight 1 (see ``OCMPrioritizers``).
///
/// The score reads `status.allocatable`, a static figure: the largest cluster wins until it is full.
public struct OCMResourceAllocatableStrategy: PlacementStrategy {
    /// The resource the prioritizer reads.
    public enum Resource: String, Sendable { case cpu, memory }

    public let resource: Resource
    public var name: String { "ocm-allocatable-\(resource.rawValue)" }

    public init(resource: Resource) { self.resource = resource }

    public mutating func place(
        apps: [Application], clusters: [ClusterSpec], current: [String: String], nowSeconds: Double
    ) -> [String: String] {
        let resource = resource
        return OCMPrioritizers.schedule(apps: apps, clusters: clusters, current: current) { ledger, _, candidates in
            let values = candidates.map {
                resource == .cpu ? ledger.clusters[$0].cpuCores : ledger.clusters[$0].memoryBytes
            }
            let low = values.min() ?? 0
            let high = values.max() ?? 0
            return values.map { OCMPrioritizers.resourceAllocatable($0, min: low, max: high) }
        }
    }
}
