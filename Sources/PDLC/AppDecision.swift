import AppModel

/// The engine's verdict for one app.
public struct AppDecision: Sendable {
    public var app: Application
    /// The chosen cluster, `nil` when none fits and the app had no placement to keep.
    public var cluster: String?
    /// The cluster the app was on before this cycle.
    public var previousCluster: String?
    /// Every feasible cluster, best first (ties by name).
    public var candidates: [PlacementRecord.Candidate]
    /// Per feasible cluster, each plugin's explanation, for `explain`.
    public var details: [String: [String: String]]
    /// Every refused cluster with the filters' reasons.
    public var rejected: [PlacementRecord.Rejection]
    /// Why, most telling first.
    public var reasons: [String]

    /// Whether the app changes cluster in this decision.
    public var moves: Bool { cluster != nil && previousCluster != nil && cluster != previousCluster }

    /// Digest of the placement policy the decision was made under.
    public var policyDigest: String

    /// Stable id: digest of the app's definition, the policy and the chosen cluster (first 16 hex digits).
    /// The same id means the same decision, so its committed record is kept as it is.
    public var decisionID: String {
        String(Digest.sha256(Data("\(app.sourceDigest):\(policyDigest):\(cluster ?? "-")".utf8)).prefix(16))
    }

    /// The record Placer commits, listing the `top` best candidates.
    public func record(top: Int, pinned: Bool) -> PlacementRecord {
        PlacementRecord(
            app: app.name, cluster: cluster, qosClass: app.qosClass, decisionID: decisionID, reasons: reasons,
            candidates: Array(candidates.prefix(top)), rejected: rejected, pinned: pinned, cpuCores: app.cpuCores,
            memoryBytes: app.memoryBytes)
    }
}

/// Capacity held by an app that is not decided this cycle (its files are broken: it keeps its last placement).
public struct FixedPlacement: Sendable {
    public var app: String
    public var cluster: String
    public var cpuCores: Double
    public var memoryBytes: Double

    public init(app: String, cluster: String, cpuCores: Double, memoryBytes: Double) {
        self.app = app
        self.cluster = cluster
        self.cpuCores = cpuCores
        self.memoryBytes = memoryBytes
    }
}

import Foundation
