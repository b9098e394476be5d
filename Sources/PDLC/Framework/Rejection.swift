/// Why a filter refuses a cluster, as a value: a stable code and the parameters, with the text built only when
/// shown (``text``). Each plugin defines its own reasons (usually an enum conforming to this protocol).
public protocol RejectionReason: Sendable {
    /// A stable CamelCase code (`InsufficientCPU`, `TaintNotTolerated`), for machines and tests.
    var code: String { get }
    /// The lower-case explanation shown in `explain`, placement records and commits.
    var text: String { get }
}

/// One refusal: which plugin refused, and why (``RejectionReason``).
public struct Rejection: Sendable, CustomStringConvertible {
    /// The refusing plugin's name (`Capacity`, `LatencyBudget`, `Saturation`).
    public var plugin: String
    /// The structured reason.
    public var reason: any RejectionReason

    public init(plugin: String, reason: any RejectionReason) {
        self.plugin = plugin
        self.reason = reason
    }

    /// The reason's code.
    public var code: String { reason.code }
    /// The reason's text (built now).
    public var text: String { reason.text }
    /// `plugin: text`, as placement records list refusals.
    public var description: String { "\(plugin): \(reason.text)" }
}

extension Rejection: Equatable {
    /// Same plugin, code and text.
    public static func == (lhs: Rejection, rhs: Rejection) -> Bool {
        lhs.plugin == rhs.plugin && lhs.code == rhs.code && lhs.text == rhs.text
    }
}

/// The outcome of one filter plugin for one (app, cluster) pair, as kube-scheduler's framework `Status`.
public struct FilterStatus: Sendable, Equatable {
    /// `Feasible`, or `Unschedulable` when the plugin refused the cluster.
    public enum Code: String, Sendable { case feasible = "Feasible", unschedulable = "Unschedulable" }
    /// Name of the plugin that produced it.
    public var plugin: String
    /// Every reason the plugin refused, in the order found; empty when feasible.
    public var rejections: [Rejection]

    public init(plugin: String, rejections: [Rejection] = []) {
        self.plugin = plugin
        self.rejections = rejections
    }

    /// ``Code/unschedulable`` when there is a rejection.
    public var code: Code { rejections.isEmpty ? .feasible : .unschedulable }
    /// The rejections' texts, lower-case, one reason a line (built now).
    public var reasons: [String] { rejections.map(\.text) }

    /// A feasible verdict of `plugin`.
    public static func feasible(_ plugin: String) -> FilterStatus { FilterStatus(plugin: plugin) }
}

/// Where a ``FilterPlugin`` reports refusals. On the hot path (`explains` false) it records only which clusters
/// were refused and never evaluates a reason; when explaining it collects the structured ``Rejection``s.
public struct FilterVerdicts {
    /// The plugin reporting.
    public let plugin: String
    /// Whether reasons are collected.
    public let explains: Bool
    /// Refused cluster indices in the order reported (a cluster may appear once per reason).
    public internal(set) var refusedClusters: [Int] = []
    /// Every rejection reported, in order (only when ``explains``).
    public internal(set) var rejections: [Rejection] = []

    /// - Parameters:
    ///   - plugin: the reporting plugin's name.
    ///   - explains: whether to build and keep the reasons.
    public init(plugin: String, explains: Bool) {
        self.plugin = plugin
        self.explains = explains
    }

    init(plugin: String, explains: Bool, reusing buffer: [Int]) {
        self.plugin = plugin
        self.explains = explains
        refusedClusters = buffer
        refusedClusters.removeAll(keepingCapacity: true)
    }

    /// Refuses cluster `c` for `reason`; the reason is evaluated only when explaining.
    @inline(__always) public mutating func refuse(_ c: Int, _ reason: @autoclosure () -> any RejectionReason) {
        refusedClusters.append(c)
        if explains { rejections.append(Rejection(plugin: plugin, reason: reason())) }
    }
}

/// Where a ``ScorePlugin`` appends one value per cluster; explanations are built only when ``explains``.
public struct ScoreSink {
    /// Whether explanations are built and kept.
    public let explains: Bool
    /// One value per cluster scored, in order: 0…100, or a raw measurement for a ``NormalizeScorePlugin``.
    public internal(set) var values: [Double]
    /// One explanation per cluster scored (only when ``explains``).
    public internal(set) var details: [String] = []

    /// - Parameters:
    ///   - explains: whether to build explanations.
    ///   - values: a buffer to append to (its capacity is reused).
    public init(explains: Bool, values: [Double] = []) {
        self.explains = explains
        self.values = values
    }

    /// Appends a cluster's value, and its explanation when explaining.
    @inline(__always) public mutating func add(_ value: Double, _ detail: @autoclosure () -> String) {
        values.append(value)
        if explains { details.append(detail()) }
    }

    /// Appends the same value and explanation for `count` clusters.
    public mutating func add(repeating value: Double, count: Int, _ detail: @autoclosure () -> String) {
        values.append(contentsOf: repeatElement(value, count: count))
        if explains { details.append(contentsOf: repeatElement(detail(), count: count)) }
    }
}
