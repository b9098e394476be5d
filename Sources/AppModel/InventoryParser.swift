/// Reads the static inventory (`clusters/*.yaml`, kind `EdgeCluster`; format in docs/app-model.md).
public enum InventoryParser {
    public static let kind = "EdgeCluster"

    /// - Throws: ``ModelError`` at the offending field.
    public static func parse(_ document: YAMLDocument) throws -> ClusterSpec {
        let object = document.value
        guard let name = object["metadata"]?["name"]?.stringValue else {
            throw document.error(at: "metadata", "EdgeCluster has no metadata.name")
        }
        try NameCheck.requireDNS1123(name, at: "metadata.name", in: document)
        var labels: [String: String] = [:]
        for (key, value) in object["metadata"]?["labels"]?.objectValue ?? [] { labels[key] = value.scalarText ?? "" }
        guard let spec = object["spec"] else { throw document.error(at: "", "EdgeCluster has no spec") }
        guard let zone = spec["zone"]?.stringValue ?? labels[Labels.zone] else {
            throw document.error(at: "spec", "spec.zone is required")
        }
        guard let cpu = spec["allocatable"]?["cpu"].flatMap(Quantity.parse) else {
            throw document.error(
                at: "spec.allocatable", "spec.allocatable.cpu must be a quantity such as \"8\" or \"7500m\"")
        }
        guard let memory = spec["allocatable"]?["memory"].flatMap(Quantity.parse) else {
            throw document.error(at: "spec.allocatable", "spec.allocatable.memory must be a quantity such as \"16Gi\"")
        }
        var latency: [String: Double] = [:]
        for (target, value) in spec["latencyMilliseconds"]?.objectValue ?? [] {
            guard let number = value.doubleValue, number >= 0 else {
                throw document.error(
                    at: "spec.latencyMilliseconds.\(target)", "latency to \(target) must be milliseconds ≥ 0")
            }
            latency[target] = number
        }
        guard
            let energy = spec["energyCostPerCoreHour"]?.doubleValue ?? (spec["energyCostPerCoreHour"] == nil ? 0 : nil)
        else {
            throw document.error(
                at: "spec.energyCostPerCoreHour", "energyCostPerCoreHour must be a number (EUR per core-hour)")
        }
        labels[Labels.zone] = labels[Labels.zone] ?? zone
        return ClusterSpec(
            name: name, labels: labels, zone: zone, cpuCores: cpu, memoryBytes: memory, latencyMilliseconds: latency,
            energyCostPerCoreHour: energy, available: spec["available"]?.boolValue ?? true, source: document.file)
    }
}
