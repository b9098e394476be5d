import Foundation

/// One app of the app repo (`apps/<name>/`), reduced to what placement and rendering need.
///
/// Built from a CodecoApp (``CodecoAppParser``) or from plain Kubernetes manifests (``ManifestAppParser``).
public struct Application: Sendable, Hashable {
    /// The app's directory name under `apps/`; also the ManifestWork and placement file name.
    public var name: String
    /// The CAM `appName` (the dir name for plain manifests): how other apps' channels refer to this one.
    public var appName: String
    /// The file that defines the app (`apps/<name>/app.yaml`), for messages.
    public var sourceFile: String
    public var qosClass: QoSClass
    /// Summed cpu requests of all replicas, in cores.
    public var cpuCores: Double
    /// Summed memory requests of all replicas, in bytes.
    public var memoryBytes: Double
    /// The most round-trip latency in milliseconds the app tolerates to each of its user zones; `nil` = no budget.
    public var latencyBudgetMilliseconds: Double?
    /// Zones the latency budget is measured to (annotation `placer.dev/user-zones`).
    public var userZones: [String]
    public var securityClass: SecurityClass?
    public var complianceClass: ComplianceClass?
    /// CAM `appEnergyLimit`, a percent of the cluster's energy the app may use.
    public var energyLimitPercent: Double?
    /// CAM `performanceProfile` (`Greenness` weighs energy up).
    public var performanceProfile: String?
    /// CAM `appFailureTolerance`; `nil` when absent or empty.
    public var failureTolerance: FailureTolerance?
    /// Summed CAM `nwbandwidth` of the services, in megabits per second (CAM states no unit; see docs/app-model.md).
    public var bandwidthMegabitsPerSecond: Double
    /// Labels a cluster must carry (annotation `placer.dev/cluster-selector`).
    public var clusterSelector: [String: String]
    /// Channels to services of other apps, whose delay bounds where this app may go relative to them.
    public var peerChannels: [PeerChannel]
    /// The Kubernetes objects shipped to the chosen cluster, in order.
    public var manifests: [Value]
    /// Digest of what the app's documents say (``contentDigest(of:)``), part of the decision inputs.
    public var sourceDigest: String
    /// Where each of ``manifests`` is defined: ``ManifestAppParser/identity(of:)`` → `file:line`, for messages
    /// that name the file (an object Placer generates from a CodecoApp points at the CodecoApp).
    public var objectSources: [String: String] = [:]

    public init(
        name: String, appName: String, sourceFile: String, qosClass: QoSClass, cpuCores: Double, memoryBytes: Double,
        latencyBudgetMilliseconds: Double?, userZones: [String], securityClass: SecurityClass? = nil,
        complianceClass: ComplianceClass? = nil, energyLimitPercent: Double? = nil, performanceProfile: String? = nil,
        clusterSelector: [String: String] = [:], peerChannels: [PeerChannel] = [], manifests: [Value],
        sourceDigest: String, failureTolerance: FailureTolerance? = nil, bandwidthMegabitsPerSecond: Double = 0
    ) {
        self.failureTolerance = failureTolerance
        self.bandwidthMegabitsPerSecond = bandwidthMegabitsPerSecond
        self.name = name
        self.appName = appName
        self.sourceFile = sourceFile
        self.qosClass = qosClass
        self.cpuCores = cpuCores
        self.memoryBytes = memoryBytes
        self.latencyBudgetMilliseconds = latencyBudgetMilliseconds
        self.userZones = userZones
        self.securityClass = securityClass
        self.complianceClass = complianceClass
        self.energyLimitPercent = energyLimitPercent
        self.performanceProfile = performanceProfile
        self.clusterSelector = clusterSelector
        self.peerChannels = peerChannels
        self.manifests = manifests
        self.sourceDigest = sourceDigest
    }
}

/// A CAM service channel to a service of another app, with its one-way delay bound.
public struct PeerChannel: Sendable, Hashable {
    /// The peer app's directory name or CAM `appName`.
    public var app: String
    public var service: String
    /// CAM `advancedChannelSettings.maxDelay`, converted to milliseconds.
    public var maxDelayMilliseconds: Double?
    /// CAM `advancedChannelSettings.minBandwidth` in bits per second.
    public var minBandwidthBitsPerSecond: Double?
    /// CAM `advancedChannelSettings.frameSize` in bytes.
    public var frameSizeBytes: Double?
    /// CAM `advancedChannelSettings.sendInterval` in milliseconds.
    public var sendIntervalMilliseconds: Double?
    /// CAM `serviceClass`.
    public var serviceClass: ServiceClass?

    public init(
        app: String, service: String, maxDelayMilliseconds: Double?, minBandwidthBitsPerSecond: Double?,
        frameSizeBytes: Double? = nil, sendIntervalMilliseconds: Double? = nil, serviceClass: ServiceClass? = nil
    ) {
        self.app = app
        self.service = service
        self.maxDelayMilliseconds = maxDelayMilliseconds
        self.minBandwidthBitsPerSecond = minBandwidthBitsPerSecond
        self.frameSizeBytes = frameSizeBytes
        self.sendIntervalMilliseconds = sendIntervalMilliseconds
        self.serviceClass = serviceClass
    }
}

extension Application {
    /// Hex SHA-256 of what an app's documents say: each document's canonical JSON (keys sorted, numbers exact),
    /// sorted, so a file renamed or split, a document moved between files, a comment or a re-indent gives the
    /// same digest and so the same decision id (identity is the object, never its file path).
    public static func contentDigest(of documents: [YAMLDocument]) -> String {
        let canonical = documents.map { $0.value.canonicalJSON() }.sorted()
        return Digest.sha256(Data(canonical.joined(separator: "\n").utf8))
    }
}
