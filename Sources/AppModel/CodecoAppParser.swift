/// Reads a CodecoApp (`codeco.he-codeco.eu/v1alpha1`) into an ``Application``.
///
/// Schema: CODECO ACM operator Go types and samples (shared/reference/codeco/README.md). Rules that go beyond
/// them (units, defaults, Placer annotations) are stated in docs/app-model.md.
public enum CodecoAppParser {
    public static let apiVersion = "codeco.he-codeco.eu/v1alpha1"
    public static let kind = "CodecoApp"

    static let knownSpecFields: Set<String> = [
        "appName", "qosClass", "securityClass", "complianceClass", "appEnergyLimit", "appFailureTolerance",
        "performanceProfile", "codecoapp-msspec",
    ]
    static let knownServiceFields: Set<String> = [
        "serviceName", "podspec", "nwbandwidth", "nwlatency", "serviceChannels",
    ]
    static let knownChannelFields: Set<String> = [
        "channelName", "chanelName", "otherService", "serviceClass", "advancedChannelSettings",
    ]
    static let knownChannelSettings: Set<String> = ["minBandwidth", "maxDelay", "frameSize", "sendInterval"]
    /// Keys of the older lower-case CAM format (before `qosClass` and `codecoapp-msspec`).
    static let olderFormatFields: Set<String> = ["qosclass", "required-resources", "securityclass", "complianceclass"]
    /// CAM's default `nwbandwidth` when a service omits it (ACM operator CRD default), read as Mbit/s.
    public static let defaultBandwidthMegabitsPerSecond = 25.0
    /// CAM's default `nwlatency` when a service omits it (ACM operator CRD default), in milliseconds.
    public static let defaultLatencyMilliseconds = 10.0
    /// cpu assumed for a container that states neither requests nor limits, in cores.
    public static let defaultContainerCPUCores = 0.1
    /// memory assumed for a container that states neither requests nor limits, in bytes.
    public static let defaultContainerMemoryBytes = 128.0 * 1_048_576

    /// Parses one CodecoApp document.
    /// - Parameters:
    ///   - document: the loaded document (kind already checked to be CodecoApp).
    ///   - directoryName: the app's folder under `apps/`.
    ///   - warnings: receives non-fatal findings (unknown fields, dropped `schedulerName`).
    /// - Returns: the app with its Deployments and Services as manifests.
    /// - Throws: ``ModelError`` at the offending field for anything that makes the app unplaceable.
    public static func parse(
        _ document: YAMLDocument, directoryName: String, sourceDigest: String, warnings: inout [ModelError]
    ) throws -> Application {
        let root = document.value
        try TemplateCheck.rejectTemplates(in: document)
        try StringFieldCheck.rejectNonStrings(in: document)
        guard let spec = root["spec"], case let .object(specPairs) = spec else {
            throw document.error(at: "spec", "CodecoApp has no spec")
        }
        for (key, _) in specPairs where !knownSpecFields.contains(key) {
            if olderFormatFields.contains(key) {
                throw document.error(
                    at: "spec.\(key)",
                    "unknown CodecoApp field \"\(key)\": this is the older lower-case CAM format; write qosClass and codecoapp-msspec"
                )
            }
            warnings.append(
                document.error(at: "spec.\(key)", "unknown CodecoApp field \"\(key)\" ignored", severity: .warning))
        }
        let appName = spec["appName"]?.stringValue ?? directoryName
        guard let qosText = spec["qosClass"]?.stringValue else {
            throw document.error(at: "spec", "spec.qosClass is required (Gold, Silver or BestEffort)")
        }
        guard let qosClass = QoSClass(rawValue: qosText) else {
            throw document.error(at: "spec.qosClass", "qosClass \"\(qosText)\" is not Gold, Silver or BestEffort")
        }
        let securityClass = try enumField(spec, "securityClass", SecurityClass.self, document)
        let complianceClass = try enumField(spec, "complianceClass", ComplianceClass.self, document)
        var energyLimit: Double?
        if let raw = spec["appEnergyLimit"]?.scalarText, !raw.isEmpty {
            guard let percent = Double(raw.replacingOccurrences(of: "%", with: "")) else {
                throw document.error(at: "spec.appEnergyLimit", "appEnergyLimit \"\(raw)\" is not a percent")
            }
            energyLimit = percent
        }
        var tolerance: FailureTolerance?
        if let raw = spec["appFailureTolerance"]?.stringValue {
            if raw.isEmpty {
                warnings.append(
                    document.error(
                        at: "spec.appFailureTolerance", "empty appFailureTolerance read as unset", severity: .warning))
            } else {
                tolerance = try enumField(spec, "appFailureTolerance", FailureTolerance.self, document)
            }
        }
        guard let services = spec["codecoapp-msspec"]?.arrayValue, !services.isEmpty else {
            throw document.error(at: "spec", "spec.codecoapp-msspec must list at least one microservice")
        }
        let metadata = root["metadata"]
        let annotations = metadata?["annotations"]
        let namespace =
            annotations?[Labels.targetNamespace]?.stringValue
            ?? metadata?["namespace"]?.stringValue ?? directoryName
        var manifests: [Value] = [ManifestBuilder.namespace(namespace, app: directoryName)]
        var cpu = 0.0
        var memory = 0.0
        var budget: Double?
        var bandwidth = 0.0
        var peers: [PeerChannel] = []
        for (index, service) in services.enumerated() {
            let path = "spec.codecoapp-msspec[\(index)]"
            let parsed = try parseService(
                service, path: path, appName: appName, app: directoryName, namespace: namespace, document: document,
                warnings: &warnings)
            manifests.append(contentsOf: parsed.manifests)
            cpu += parsed.cpuCores
            memory += parsed.memoryBytes
            budget = min(budget ?? parsed.latencyMilliseconds, parsed.latencyMilliseconds)
            bandwidth += parsed.bandwidthMegabitsPerSecond
            peers.append(contentsOf: parsed.peers)
        }
        let zones = AnnotationReader.list(annotations?[Labels.userZones])
        if zones.isEmpty {
            warnings.append(
                document.error(
                    at: "metadata", "no \(Labels.userZones) annotation: the latency budget cannot be checked",
                    severity: .warning))
        }
        var app = Application(
            name: directoryName, appName: appName, sourceFile: document.file, qosClass: qosClass, cpuCores: cpu,
            memoryBytes: memory, latencyBudgetMilliseconds: budget, userZones: zones, securityClass: securityClass,
            complianceClass: complianceClass, energyLimitPercent: energyLimit,
            performanceProfile: spec["performanceProfile"]?.stringValue,
            clusterSelector: AnnotationReader.selector(annotations?[Labels.clusterSelector]),
            peerChannels: peers, manifests: manifests, sourceDigest: sourceDigest, failureTolerance: tolerance,
            bandwidthMegabitsPerSecond: bandwidth)
        let origin = "\(document.file):\(document.position(of: "").line)"
        for manifest in manifests { app.objectSources[ManifestAppParser.identity(of: manifest)] = origin }
        return app
    }

    private struct ParsedService {
        var manifests: [Value]
        var cpuCores: Double
        var memoryBytes: Double
        var latencyMilliseconds: Double
        var bandwidthMegabitsPerSecond: Double
        var peers: [PeerChannel]
    }

    private static func parseService(
        _ service: Value, path: String, appName: String, app: String, namespace: String, document: YAMLDocument,
        warnings: inout [ModelError]
    ) throws -> ParsedService {
        guard case let .object(pairs) = service else {
            throw document.error(at: path, "a microservice must be a mapping")
        }
        for (key, _) in pairs where !knownServiceFields.contains(key) {
            warnings.append(
                document.error(
                    at: "\(path).\(key)", "unknown microservice field \"\(key)\" ignored", severity: .warning))
        }
        guard let serviceName = service["serviceName"]?.stringValue, !serviceName.isEmpty else {
            throw document.error(at: path, "serviceName is required")
        }
        try NameCheck.requireDNS1123(serviceName, at: "\(path).serviceName", in: document)
        guard var podSpec = service["podspec"], let containers = podSpec["containers"]?.arrayValue, !containers.isEmpty
        else {
            throw document.error(at: path, "podspec with at least one container is required")
        }
        if let scheduler = podSpec["schedulerName"]?.stringValue, scheduler == "qos-scheduler" {
            warnings.append(
                document.error(
                    at: "\(path).podspec.schedulerName",
                    "schedulerName qos-scheduler dropped: CODECO's in-cluster scheduler is not assumed on managed clusters",
                    severity: .warning))
            podSpec = podSpec.removing("schedulerName")
        }
        var cpu = 0.0
        var memory = 0.0
        for (index, container) in containers.enumerated() {
            let resourcesPath = "\(path).podspec.containers[\(index)].resources"
            cpu += try requestedQuantity("cpu", in: container, at: resourcesPath, document) ?? defaultContainerCPUCores
            memory +=
                try requestedQuantity("memory", in: container, at: resourcesPath, document)
                ?? defaultContainerMemoryBytes
        }
        var latency = defaultLatencyMilliseconds
        if let raw = service["nwlatency"]?.scalarText {
            guard let value = Double(raw), value > 0 else {
                throw document.error(
                    at: "\(path).nwlatency", "nwlatency \"\(raw)\" is not a positive number of milliseconds")
            }
            latency = value
        }
        var bandwidth = defaultBandwidthMegabitsPerSecond
        if let raw = service["nwbandwidth"]?.scalarText {
            guard let value = Double(raw), value >= 0 else {
                throw document.error(at: "\(path).nwbandwidth", "nwbandwidth \"\(raw)\" is not a number of Mbit/s")
            }
            bandwidth = value
        }
        var peers: [PeerChannel] = []
        for (index, channel) in (service["serviceChannels"]?.arrayValue ?? []).enumerated() {
            let channelPath = "\(path).serviceChannels[\(index)]"
            let settings = channel["advancedChannelSettings"]
            for (key, _) in channel.objectValue ?? [] where !knownChannelFields.contains(key) {
                warnings.append(
                    document.error(
                        at: "\(channelPath).\(key)", "unknown channel field \"\(key)\" ignored", severity: .warning))
            }
            for (key, _) in settings?.objectValue ?? [] where !knownChannelSettings.contains(key) {
                warnings.append(
                    document.error(
                        at: "\(channelPath).advancedChannelSettings.\(key)",
                        "unknown channel setting \"\(key)\" ignored",
                        severity: .warning))
            }
            let frameSize = try number(
                settings?["frameSize"], at: "\(channelPath).advancedChannelSettings.frameSize", "frameSize", "bytes",
                document)
            let sendInterval = try number(
                settings?["sendInterval"], at: "\(channelPath).advancedChannelSettings.sendInterval", "sendInterval",
                "seconds", document)
            var serviceClass: ServiceClass?
            if let raw = channel["serviceClass"]?.stringValue, !raw.isEmpty {
                guard let parsed = ServiceClass(rawValue: raw) else {
                    throw document.error(
                        at: "\(channelPath).serviceClass", "serviceClass \"\(raw)\" is not BESTEFFORT or ASSURED")
                }
                serviceClass = parsed
            }
            var maxDelay: Double?
            if let raw = settings?["maxDelay"]?.scalarText {
                guard let parsed = Quantity.delayMilliseconds(raw) else {
                    throw document.error(
                        at: "\(channelPath).advancedChannelSettings.maxDelay",
                        "maxDelay \"\(raw)\" is neither seconds nor a duration")
                }
                maxDelay = parsed
            }
            var minBandwidth: Double?
            if let raw = settings?["minBandwidth"]?.scalarText {
                guard let parsed = Quantity.parse(raw), parsed >= 0 else {
                    throw document.error(
                        at: "\(channelPath).advancedChannelSettings.minBandwidth",
                        "minBandwidth \"\(raw)\" is not bits per second (\"5M\", \"500k\")")
                }
                minBandwidth = parsed
            }
            if channel["chanelName"] != nil {
                warnings.append(
                    document.error(
                        at: "\(channelPath).chanelName", "misspelled chanelName read as channelName", severity: .warning
                    ))
            }
            guard let other = channel["otherService"], let otherService = other["serviceName"]?.stringValue else {
                throw document.error(at: channelPath, "serviceChannels entry needs otherService.serviceName")
            }
            let otherApp = other["appName"]?.stringValue ?? appName
            if otherApp != appName {
                peers.append(
                    PeerChannel(
                        app: otherApp, service: otherService, maxDelayMilliseconds: maxDelay,
                        minBandwidthBitsPerSecond: minBandwidth, frameSizeBytes: frameSize,
                        sendIntervalMilliseconds: sendInterval.map { $0 * 1000 }, serviceClass: serviceClass))
            }
        }
        let manifests = ManifestBuilder.workload(
            service: serviceName, app: app, namespace: namespace, podSpec: podSpec)
        return ParsedService(
            manifests: manifests, cpuCores: cpu, memoryBytes: memory, latencyMilliseconds: latency,
            bandwidthMegabitsPerSecond: bandwidth, peers: peers)
    }

    /// A container's request for `resource` (its requests, else its limits), in base units.
    /// - Throws: ``ModelError`` at the value when it is not a quantity or is negative.
    static func requestedQuantity(
        _ resource: String, in container: Value, at path: String, _ document: YAMLDocument
    )
        throws -> Double?
    {
        let resources = container["resources"]
        let section = resources?["requests"]?[resource] != nil ? "requests" : "limits"
        guard let value = resources?[section]?[resource] else { return nil }
        let valuePath = "\(path).\(section).\(resource)"
        guard let quantity = Quantity.parse(value) else {
            throw document.error(at: valuePath, "\(resource) \(value.canonicalJSON()) is not a quantity")
        }
        guard quantity >= 0 else {
            throw document.error(at: valuePath, "\(resource) \(value.canonicalJSON()) is negative")
        }
        return quantity
    }

    /// A non-negative number written as a string or a number (`"100"`, `0.1`).
    private static func number(
        _ value: Value?, at path: String, _ name: String, _ unit: String, _ document: YAMLDocument
    )
        throws -> Double?
    {
        guard let raw = value?.scalarText else { return nil }
        guard let number = Double(raw), number >= 0 else {
            throw document.error(at: path, "\(name) \"\(raw)\" is not a number of \(unit)")
        }
        return number
    }

    private static func enumField<E: RawRepresentable>(
        _ spec: Value, _ key: String, _ type: E.Type, _ document: YAMLDocument
    ) throws -> E? where E.RawValue == String {
        guard let raw = spec[key]?.stringValue, !raw.isEmpty else { return nil }
        guard let value = E(rawValue: raw) else {
            throw document.error(at: "spec.\(key)", "\(key) \"\(raw)\" is not one of CAM's values")
        }
        return value
    }
}
