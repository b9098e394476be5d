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

/// A hard constraint: decides whether a cluster can host an app at all (kube-scheduler's Filter).
///
/// Contract: pure and deterministic; called once per (app, cluster) in a cycle, on the caller's thread.
public protocol FilterPlugin: Sendable {
    /// The plugin's name as policies and explanations use it.
    var name: String { get }
    func filter(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> FilterStatus
}

/// A soft preference among feasible clusters (kube-scheduler's Score + NormalizeScore).
///
/// Contract: pure and deterministic; `score` returns 0…100 (clamped by ``PluginScore``); `normalize` may
/// rescale the scores of all feasible clusters for one app (default: unchanged). Weights are applied by the
/// engine from the policy, never by the plugin.
public protocol ScorePlugin: Sendable {
    var name: String { get }
    func score(_ app: Application, on cluster: ClusterSpec, state: CycleState) -> PluginScore
    func normalize(_ scores: inout [String: PluginScore])
}

extension ScorePlugin {
    public func normalize(_ scores: inout [String: PluginScore]) {}
}
