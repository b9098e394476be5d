import AppModel
import Foundation
import Testing

@testable import PDLC

/// The example app repo and Placer's presets, found from this file's location.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func presets() throws -> [String: Data] {
        let folder = packageRoot.appendingPathComponent("policies")
        var presets: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".yaml") {
            presets[String(name.dropLast(5))] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return presets
    }

    /// The example repo, loaded; fails the test when it does not load cleanly.
    static func exampleSnapshot() throws -> RepoSnapshot {
        let files = try RepoFiles.read(directory: packageRoot.appendingPathComponent("example-repo").path)
        let snapshot = RepoLoader.load(files: files, presets: try presets())
        try #require(snapshot.allErrors.isEmpty, "example repo errors: \(snapshot.allErrors)")
        try #require(snapshot.apps.count == 9 && snapshot.clusters.count == 5)
        return snapshot
    }
}

let gibibyte = 1_073_741_824.0

/// An app built directly, for engine tests that need exact numbers.
func makeApp(
    _ name: String, qos: QoSClass = .silver, cpu: Double = 1, memoryGi: Double = 1, budget: Double? = nil,
    zones: [String] = [], energyLimit: Double? = nil, selector: [String: String] = [:], peers: [PeerChannel] = []
) -> Application {
    Application(
        name: name, appName: name, sourceFile: "apps/\(name)/app.yaml", qosClass: qos, cpuCores: cpu,
        memoryBytes: memoryGi * gibibyte, latencyBudgetMilliseconds: budget, userZones: zones,
        energyLimitPercent: energyLimit, clusterSelector: selector, peerChannels: peers, manifests: [],
        sourceDigest: "digest-\(name)")
}

/// A cluster built directly; memory is ample unless stated.
func makeCluster(
    _ name: String, zone: String? = nil, cpu: Double = 10, memoryGi: Double = 100, latency: [String: Double] = [:],
    energy: Double = 0.03, labels: [String: String] = [:], available: Bool = true
) -> ClusterSpec {
    ClusterSpec(
        name: name, labels: labels, zone: zone ?? name, cpuCores: cpu, memoryBytes: memoryGi * gibibyte,
        latencyMilliseconds: latency, energyCostPerCoreHour: energy, available: available)
}

/// A policy with only the given weights for every QoS class.
func policy(weights: [String: Double], minScoreGain: Double = 5, reservePercent: Double = 10) -> PlacementPolicy {
    PlacementPolicy(
        weights: [.gold: weights, .silver: weights, .bestEffort: weights], reservePercent: reservePercent,
        minScoreGain: minScoreGain)
}

/// A committed record placing `app` on `cluster`.
func currentRecord(_ app: String, on cluster: String, pinned: Bool = false) -> PlacementRecord {
    PlacementRecord(
        app: app, cluster: cluster, qosClass: .silver, decisionID: "old", reasons: [], candidates: [], rejected: [],
        pinned: pinned)
}

extension Array where Element == AppDecision {
    /// The decision for `app`.
    subscript(app name: String) -> AppDecision? { first { $0.app.name == name } }
}

extension AppDecision {
    /// The filter reasons for `cluster`, empty when it was feasible.
    func rejections(of cluster: String) -> [String] { rejected.first { $0.cluster == cluster }?.reasons ?? [] }
}
