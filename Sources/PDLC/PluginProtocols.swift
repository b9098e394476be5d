import AppModel

/// The outcome of one filter plugin for one (app, cluster) pair, as kube-scheduler's framework `Status`.
public struct FilterStatus: Sendable, Hashable {
    public enum Code: String, Sendable { case feasible = "Feasible", unschedulable = "Unschedulable" }
    public var code: Code
    /// Why the cluster was refused, lower-case, one reason a line.
    public var reasons: [String]
    /// Name of the plugin that produced it.
    public var plugin: String

    public static func feasible(_ plugin: String) -> FilterStatus { FilterStatus(code: .feasible, reasons: [], plugin: plugin) }
    public static func unschedulable(_ plugin: String, _ reason: String) -> FilterStatus {
        FilterStatus(code: .unschedulable, reasons: [reason], plugin: plugin)
    }
}

/// A raw score of one plugin for one cluster, 0…100, with a one-line explanation for `explain` and commits.
public struct PluginScore: Sendable, Hashable {
    public var value: Double
    public var detail: String
    /// The plugin's raw measurement before normalisation (plugins that normalise read it back).
    public var raw: Double = 0

    public init(_ value: Double, _ detail: String) {
        self.value = min(100, max(0, value))
        self.detail = detail
    }

    /// A copy carrying `raw`.
    public func with(raw: Double) -> PluginScore {
        var copy = self
        copy.raw = raw
        return copy
    }
}

/// An app with what the filters and scores need precomputed once per app (kube-scheduler's PreFilter /
/// PreScore state): user zones as zone indices, its current cluster's index, and the channel bounds to peers
/// already placed this cycle.
public struct PreparedApp: Sendable {
    /// A CAM channel bound between this app and a peer placed earlier in the cycle.
    public struct ChannelBound: Sendable {
        /// The peer app (folder name or CAM appName, as the channel names it).
        public var peer: String
        public var peerCluster: Int
        /// Zone index of the peer's cluster.
        public var peerZone: Int
        public var maxDelayMilliseconds: Double?
        /// CAM `minBandwidth`, converted to Mbit/s.
        public var minBandwidthMegabitsPerSecond: Double?
    }

    public let app: Application
    /// Indices (``FleetIndex/zoneIndex``) of the app's user zones.
    public let userZones: [Int]
    /// Index of the cluster the app runs on now, if any.
    public let currentIndex: Int?
    public let channels: [ChannelBound]
}

/// A hard constraint: decides whether a cluster can host an app at all (kube-scheduler's Filter).
///
/// Contract: pure and deterministic; called on the caller's thread. ``admits(_:at:state:)`` is the hot path
/// (called for every app × cluster pair, must build no strings); ``filter(_:on:state:)`` gives the reasons and
/// is called only where they are shown. Both must agree.
public protocol FilterPlugin: Sendable {
    /// The plugin's name as policies and explanations use it.
    var name: String { get }
    func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus
    /// Whether the cluster at index `c` passes; default: `filter(…).code == .feasible`.
    func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool
    /// Removes from `candidates` (cluster indices, ascending) every cluster this filter refuses, keeping the
    /// order; default: by ``admits(_:at:state:)``. One call per app and plugin, so the loop is specialised.
    func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState)
    /// Whether the plugin refuses for lack of capacity (the repair pass may free capacity by moving an app).
    var checksCapacity: Bool { get }
}

extension FilterPlugin {
    public func admits(_ app: PreparedApp, at c: Int, state: CycleState) -> Bool {
        filter(app.app, on: state.clusterList[c], state: state).code == .feasible
    }
    public var checksCapacity: Bool { false }
    public func admit(_ app: PreparedApp, _ candidates: inout [Int], state: CycleState) {
        candidates.removeAll { !admits(app, at: $0, state: state) }
    }
}

/// A soft preference among feasible clusters (kube-scheduler's Score + NormalizeScore).
///
/// Contract: pure and deterministic; `score` returns 0…100 (clamped by ``PluginScore``) and the explanation;
/// `normalize` may rescale the scores of all feasible clusters for one app (default: unchanged). The hot path
/// calls ``rawValue(_:at:state:)`` (default: `score(…).value`) and then ``normalize(values:)`` over the feasible
/// clusters: a plugin that normalises implements both normalisations, and both paths must agree. Weights are
/// applied by the engine from the policy, never by the plugin.
public protocol ScorePlugin: Sendable {
    var name: String { get }
    func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore
    func normalize(_ scores: inout [String: PluginScore])
    /// The value before ``normalize(values:)`` (for plugins that do not normalise, the 0…100 score).
    func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double
    /// Turns raw values over the feasible clusters into 0…100 scores, in place.
    func normalize(values: inout [Double])
    /// Appends ``rawValue(_:at:state:)`` of each cluster in `clusters` to `values`; one call per app and plugin.
    func rawValues(_ app: PreparedApp, at clusters: [Int], into values: inout [Double], state: CycleState)
}

extension ScorePlugin {
    public func normalize(_ scores: inout [String: PluginScore]) {}
    public func rawValue(_ app: PreparedApp, at c: Int, state: CycleState) -> Double {
        score(app.app, on: state.clusterList[c], state: state).value
    }
    public func normalize(values: inout [Double]) {}
    public func rawValues(_ app: PreparedApp, at clusters: [Int], into values: inout [Double], state: CycleState) {
        for c in clusters { values.append(rawValue(app, at: c, state: state)) }
    }
}

/// Min-max normalisation, larger raw better (`higherIsBetter`) or smaller: best 100, worst 0, all equal 100,
/// as OCM's ResourceAllocatable prioritizers normalise.
enum MinMax {
    static func normalize(_ values: inout [Double], higherIsBetter: Bool) {
        guard var low = values.first else { return }
        var high = low
        for value in values {
            if value < low { low = value }
            if value > high { high = value }
        }
        let span = high - low
        values.withUnsafeMutableBufferPointer { v in
            if span < 1e-12 {
                for k in v.indices { v[k] = 100 }
            } else if higherIsBetter {
                for k in v.indices { v[k] = min(100, max(0, 100 * (v[k] - low) / span)) }
            } else {
                for k in v.indices { v[k] = min(100, max(0, 100 * (high - v[k]) / span)) }
            }
        }
    }

    static func normalize(_ scores: inout [String: PluginScore], higherIsBetter: Bool) {
        let keys = Array(scores.keys)
        var values = keys.map { scores[$0]?.raw ?? 0 }
        normalize(&values, higherIsBetter: higherIsBetter)
        for (key, value) in zip(keys, values) { scores[key]?.value = value }
    }
}
