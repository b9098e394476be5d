/// The decision for one app as Placer commits it to `placements/<app>.yaml` (kind `PlacementRecord`).
///
/// It carries no timestamps, so the same decision always renders to the same bytes.
public struct PlacementRecord: Sendable, Hashable {
    /// One scored candidate cluster.
    public struct Candidate: Sendable, Hashable {
        public var cluster: String
        /// Weighted total, 0…100.
        public var total: Double
        /// Per-criterion scores, 0…100, keyed by score plugin name.
        public var scores: [String: Double]

        public init(cluster: String, total: Double, scores: [String: Double]) {
            self.cluster = cluster
            self.total = total
            self.scores = scores
        }
    }

    /// A cluster a filter refused, with why.
    public struct Rejection: Sendable, Hashable {
        public var cluster: String
        public var reasons: [String]

        public init(cluster: String, reasons: [String]) {
            self.cluster = cluster
            self.reasons = reasons
        }
    }

    public var app: String
    /// The chosen cluster; `nil` when no cluster fits (the app stays unplaced or keeps its old cluster).
    public var cluster: String?
    public var qosClass: QoSClass
    /// Stable id of this decision: a digest of the app's definition and the chosen cluster.
    public var decisionID: String
    /// Human-readable reasons, most important first.
    public var reasons: [String]
    public var candidates: [Candidate]
    public var rejected: [Rejection]
    /// Set by a human to keep the app where it is; Placer then never moves it.
    public var pinned: Bool
    /// `spec.pinned: false` written explicitly: a human releasing a placement they had decided (a revert or
    /// an edit), so Placer decides again. Placer itself never writes `pinned: false`.
    public var unpinned: Bool = false
    /// The app's cpu request in cores, kept so capacity stays reserved while the app's files are broken.
    public var cpuCores: Double
    /// The app's memory request in bytes, kept for the same reason.
    public var memoryBytes: Double

    public init(
        app: String, cluster: String?, qosClass: QoSClass, decisionID: String, reasons: [String],
        candidates: [Candidate], rejected: [Rejection], pinned: Bool = false, cpuCores: Double = 0,
        memoryBytes: Double = 0
    ) {
        self.cpuCores = cpuCores
        self.memoryBytes = memoryBytes
        self.app = app
        self.cluster = cluster
        self.qosClass = qosClass
        self.decisionID = decisionID
        self.reasons = reasons
        self.candidates = candidates
        self.rejected = rejected
        self.pinned = pinned
    }

    public static let apiVersion = "placer.dev/v1alpha1"
    public static let kind = "PlacementRecord"

    /// The record as a YAML-ready value (scores rounded to 0.1 so tiny float noise never changes a file).
    public func toValue() -> Value {
        func rounded(_ x: Double) -> Value { .double((x * 10).rounded() / 10) }
        let candidateValues: [Value] = candidates.map { candidate in
            .object([
                ("cluster", .string(candidate.cluster)), ("total", rounded(candidate.total)),
                ("scores", .object(candidate.scores.sorted { $0.key < $1.key }.map { ($0.key, rounded($0.value)) })),
            ])
        }
        let rejectedValues: [Value] = rejected.map {
            .object([("cluster", .string($0.cluster)), ("reasons", .array($0.reasons.map(Value.string)))])
        }
        var spec: [(String, Value)] = [
            ("app", .string(app)), ("qosClass", .string(qosClass.rawValue)),
            ("cluster", cluster.map(Value.string) ?? .null),
        ]
        if pinned { spec.append(("pinned", .bool(true))) }
        spec.append(
            (
                "requests",
                .object([
                    ("cpuCores", .double((cpuCores * 1000).rounded() / 1000)),
                    ("memoryBytes", .double(memoryBytes.rounded())),
                ])
            ))
        return .object([
            ("apiVersion", .string(Self.apiVersion)), ("kind", .string(Self.kind)),
            ("metadata", .object([("name", .string(app))])),
            ("spec", .object(spec)),
            (
                "decision",
                .object([
                    ("id", .string(decisionID)), ("reasons", .array(reasons.map(Value.string))),
                    ("candidates", .array(candidateValues)), ("rejected", .array(rejectedValues)),
                ])
            ),
        ])
    }

    /// Reads a committed record back.
    /// - Throws: ``ModelError`` when the document is not a PlacementRecord.
    public static func parse(_ document: YAMLDocument) throws -> PlacementRecord {
        let value = document.value
        guard value["kind"]?.stringValue == kind, let app = value["spec"]?["app"]?.stringValue else {
            throw document.error(at: "", "not a PlacementRecord with spec.app")
        }
        let qos = value["spec"]?["qosClass"]?.stringValue.flatMap(QoSClass.init(rawValue:)) ?? .bestEffort
        let candidates: [Candidate] = (value["decision"]?["candidates"]?.arrayValue ?? []).compactMap { item in
            guard let cluster = item["cluster"]?.stringValue else { return nil }
            var scores: [String: Double] = [:]
            for (key, score) in item["scores"]?.objectValue ?? [] { scores[key] = score.doubleValue ?? 0 }
            return Candidate(cluster: cluster, total: item["total"]?.doubleValue ?? 0, scores: scores)
        }
        let rejected: [Rejection] = (value["decision"]?["rejected"]?.arrayValue ?? []).compactMap { item in
            guard let cluster = item["cluster"]?.stringValue else { return nil }
            return Rejection(cluster: cluster, reasons: (item["reasons"]?.arrayValue ?? []).compactMap(\.stringValue))
        }
        var record = PlacementRecord(
            app: app, cluster: value["spec"]?["cluster"]?.stringValue, qosClass: qos,
            decisionID: value["decision"]?["id"]?.stringValue ?? "",
            reasons: (value["decision"]?["reasons"]?.arrayValue ?? []).compactMap(\.stringValue),
            candidates: candidates, rejected: rejected, pinned: value["spec"]?["pinned"]?.boolValue ?? false,
            cpuCores: value["spec"]?["requests"]?["cpuCores"]?.doubleValue ?? 0,
            memoryBytes: value["spec"]?["requests"]?["memoryBytes"]?.doubleValue ?? 0)
        record.unpinned = value["spec"]?["pinned"]?.boolValue == false
        return record
    }
}
