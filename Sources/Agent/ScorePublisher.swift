import AppModel
import Foundation
import OCMClient
import PDLC

/// What one agent publishes about its cluster: forecasts as AddOnPlacementScore values, and what made them.
public struct ScoreReport: Sendable, Equatable {
    /// cpu utilisation forecast at the horizon (share of capacity, 0…1) and its score, when known.
    public var cpu: Forecast?
    public var cpuScore: Int32?
    /// Memory utilisation forecast at the horizon (share of capacity) and its score, when known.
    public var memory: Forecast?
    public var memoryScore: Int32?
    /// The forecaster's name (`ridge`, `holt`).
    public var model: String
    /// The cpu model's recent error (MAE, share of capacity), nil before a forecast settled.
    public var recentCPUError: Double?
    /// The privacy spent by the federated rounds so far, as the coordinator published it.
    public var privacy: PrivacyStatus?
    /// Forecast horizon, seconds.
    public var horizonSeconds: Double

    public init(
        cpu: Forecast?, cpuScore: Int32?, memory: Forecast?, memoryScore: Int32?, model: String,
        recentCPUError: Double?, privacy: PrivacyStatus?, horizonSeconds: Double
    ) {
        self.cpu = cpu
        self.cpuScore = cpuScore
        self.memory = memory
        self.memoryScore = memoryScore
        self.model = model
        self.recentCPUError = recentCPUError
        self.privacy = privacy
        self.horizonSeconds = horizonSeconds
    }
}

/// Writes an agent's ``ScoreReport`` as the AddOnPlacementScore `placer-forecast` in its cluster namespace on the
/// hub (cluster.open-cluster-management.io/v1alpha1; CONTRACT.md §6), which PDLC's AddOnScore plugin reads.
///
/// The object carries the owner labels of every object Placer writes (`Ownership` in Reconciler: managed-by and
/// owner `agent-<cluster>`), and annotations under `placer.dev/` saying which model made the forecast, its recent
/// error, the forecast with its interval, and the privacy spent (ε, δ, rounds), so `kubectl get -o yaml` and
/// `placer explain` show where a score came from. The spec is applied first (server-side apply creates the object),
/// then `status` through its subresource: scores, `validUntil` and an `AddOnPlacementScoreUpdated` condition.
public struct ScorePublisher: Sendable {
    public let hub: any Hub
    /// The cluster namespace on the hub (the managed cluster's name).
    public let namespace: String
    /// The owner label value (`agent-<cluster>`).
    public let owner: String

    /// Annotation keys on the published object.
    public enum Annotation {
        public static let model = Labels.forecastModel
        public static let recentError = "placer.dev/forecast-recent-error"
        public static let forecast = "placer.dev/forecast"
        public static let horizon = "placer.dev/forecast-horizon-seconds"
        public static let epsilon = Labels.privacyEpsilon
        public static let delta = Labels.privacyDelta
        public static let rounds = Labels.privacyRounds
    }

    public init(hub: any Hub, namespace: String, owner: String) {
        self.hub = hub
        self.namespace = namespace
        self.owner = owner
    }

    /// Publishes `report`, valid until `validUntil`.
    /// - Returns: the object as stored.
    /// - Throws: ``KubeError`` when the hub refuses either write; ``NotOursError`` when another owner holds the
    ///   object.
    @discardableResult
    public func publish(_ report: ScoreReport, now: Date, validUntil: Date) async throws -> Data {
        let name = ForecastScore.objectName
        let kind = ResourceKind.addOnPlacementScore
        try await hub.requireOwnedOrAbsent(kind, namespace: namespace, name: name, owner: owner)
        _ = try await hub.apply(kind, namespace: namespace, name: name, body: try metadataBody(report))
        return try await hub.applyStatus(
            kind, namespace: namespace, name: name, body: try statusBody(report, now: now, validUntil: validUntil))
    }

    func header() -> [String: Any] {
        [
            "apiVersion": ResourceKind.addOnPlacementScore.apiVersion, "kind": ResourceKind.addOnPlacementScore.kind,
        ]
    }

    func metadataBody(_ report: ScoreReport) throws -> Data {
        var annotations = [
            Annotation.model: report.model, Annotation.horizon: Self.number(report.horizonSeconds),
            Labels.source: "placer agent",
        ]
        if let error = report.recentCPUError { annotations[Annotation.recentError] = "cpu=\(Self.number(error))" }
        var forecasts: [String] = []
        if let cpu = report.cpu { forecasts.append("cpu=\(Self.describe(cpu))") }
        if let memory = report.memory { forecasts.append("memory=\(Self.describe(memory))") }
        if !forecasts.isEmpty { annotations[Annotation.forecast] = forecasts.joined(separator: " ") }
        if let privacy = report.privacy {
            annotations[Annotation.epsilon] = Self.number(privacy.epsilonSpent)
            annotations[Annotation.delta] = Self.number(privacy.delta)
            annotations[Annotation.rounds] = String(privacy.rounds)
        }
        var object = header()
        object["metadata"] = [
            "name": ForecastScore.objectName, "namespace": namespace,
            "labels": [Labels.managedBy: "placer", Labels.owner: owner], "annotations": annotations,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    func statusBody(_ report: ScoreReport, now: Date, validUntil: Date) throws -> Data {
        var scores: [[String: Any]] = []
        if let cpu = report.cpuScore { scores.append(["name": ForecastScore.cpuScore, "value": Int(cpu)]) }
        if let memory = report.memoryScore { scores.append(["name": ForecastScore.memoryScore, "value": Int(memory)]) }
        var object = header()
        object["metadata"] = ["name": ForecastScore.objectName, "namespace": namespace]
        object["status"] =
            [
                "scores": scores, "validUntil": Self.time(validUntil),
                "conditions": [
                    [
                        "type": "AddOnPlacementScoreUpdated", "status": "True", "reason": "AddOnPlacementScoreUpdated",
                        "message": "forecast by \(report.model) at \(Self.number(report.horizonSeconds)) s",
                        "lastTransitionTime": Self.time(now),
                    ]
                ],
            ] as [String: Any]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func describe(_ forecast: Forecast) -> String {
        "\(number(forecast.value))[\(number(forecast.lower)),\(number(forecast.upper))]"
    }

    /// `metav1.Time`: RFC 3339 in UTC, whole seconds.
    static func time(_ date: Date) -> String {
        MicroTime.format(Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
            .replacingOccurrences(of: ".000000Z", with: "Z")
    }

    /// Up to 4 significant decimals, no exponent for ordinary values.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }
}
