import Foundation

/// What the ``StatusStore`` holds, as one immutable value: cheap to copy (copy-on-write) and safe to hand to
/// a console page, `placer status` or `/metrics` while the loop keeps reconciling.
public struct StatusSnapshot: Sendable, Hashable {
    /// The reconcile loop's own status.
    public var loop: LoopStatus
    /// Every app of the last reconcile that got this far, by app name.
    public var apps: [String: AppStatusRecord]

    /// - Parameters:
    ///   - loop: the loop's status.
    ///   - apps: each app's status by name.
    public init(loop: LoopStatus = LoopStatus(), apps: [String: AppStatusRecord] = [:]) {
        self.loop = loop
        self.apps = apps
    }

    /// The apps sorted by name.
    public var sortedApps: [AppStatusRecord] { apps.keys.sorted().compactMap { apps[$0] } }
}

/// The reconcile loop's status: its conditions, what it last read and wrote, and its transitions.
public struct LoopStatus: Sendable, Hashable {
    /// `Ready` always; `Reconciling`, `Stalled` and the failed step's `…Failed` only while true.
    public var conditions: [StatusCondition] = []
    /// The tracked branch's tip the last reconcile read (40 hex digits); nil before the first fetch.
    public var revision: String?
    /// The last placement commit Placer pushed to the tracked branch.
    public var commit: String?
    /// `--mode propose`: the proposal commit waiting for review, if any.
    public var proposal: String?
    /// When the last reconcile started, on the reconciler's clock.
    public var lastReconcileStarted: Date?
    /// When the last reconcile was finalised (success or failure), on the reconciler's clock.
    public var lastReconcileFinished: Date?
    /// When a reconcile last ran every sub-step.
    public var lastSuccess: Date?
    /// Failed reconciles since the last success.
    public var consecutiveFailures = 0
    /// What the loop does after the last reconcile's failure; nil after a success.
    public var nextAction: NextAction?
    /// The sub-step that failed last; nil after a success.
    public var failedStep: ReconcileStep?
    /// Changes of the loop's conditions, oldest first, at most ``StatusStore/historyLimit`` of them.
    public var history: [StatusTransition] = []

    /// An empty status (nothing reconciled yet).
    public init() {}

    /// The condition of `type`, if present.
    public func condition(_ type: String) -> StatusCondition? { conditions.first { $0.type == type } }
}

/// One app's status after the last reconcile.
public struct AppStatusRecord: Sendable, Hashable {
    /// The app folder name.
    public var app: String
    /// The cluster it runs on (for a proposal or a blocked move: where it still runs).
    public var cluster: String?
    /// The one-word summary `placer reconcile` prints (derived from the conditions).
    public var phase: AppStatus.Phase
    /// The one-line reason `placer reconcile` prints.
    public var reason: String
    /// Whether the last reconcile moved it.
    public var moved: Bool
    /// `Ready` always; `Reconciling` and `Stalled` only while true.
    public var conditions: [StatusCondition]
    /// The last decision PDLC made for it (kept while the inputs do not change), nil before any.
    public var lastDecision: LastDecision?
    /// The revision whose `rendered/` was applied for it (the placement commit, or the tracked branch's tip).
    public var revision: String?
    /// Changes of its conditions and cluster, oldest first, at most ``StatusStore/historyLimit`` of them.
    public var history: [StatusTransition]

    /// - Parameters: as the properties (for tests, benchmarks and readers that build a snapshot).
    public init(
        app: String, cluster: String?, phase: AppStatus.Phase, reason: String, moved: Bool,
        conditions: [StatusCondition], lastDecision: LastDecision?, revision: String?,
        history: [StatusTransition] = []
    ) {
        self.app = app
        self.cluster = cluster
        self.phase = phase
        self.reason = reason
        self.moved = moved
        self.conditions = conditions
        self.lastDecision = lastDecision
        self.revision = revision
        self.history = history
    }

    /// The condition of `type`, if present.
    public func condition(_ type: String) -> StatusCondition? { conditions.first { $0.type == type } }
}

/// The last decision for one app, as a code with one line of text.
public struct LastDecision: Sendable, Hashable, Codable {
    /// What the decision did.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// First placement.
        case placed = "Placed"
        /// Stays where it was.
        case kept = "Kept"
        /// Moves to another cluster.
        case moved = "Moved"
        /// A better cluster exists but stability (count, cooldown, move limit) keeps it.
        case held = "Held"
        /// A human's placement binds it.
        case pinned = "Pinned"
        /// A human's placement binds it to a cluster that no longer passes the filters.
        case pinnedInfeasible = "PinnedInfeasible"
        /// No cluster fits.
        case unplaced = "Unplaced"
        /// `--mode propose`: its new placement waits for review on the proposal branch.
        case proposed = "Proposed"
    }

    /// The cluster decided (for a proposal: the proposed one).
    public var cluster: String?
    /// What the decision did, as a code.
    public var outcome: Outcome
    /// One line: the decision's first reason (or the condition's message for pins and proposals).
    public var reason: String
    /// When it was decided, on the reconciler's clock.
    public var at: Date
    /// The commit that recorded it (placement or proposal commit), if it changed Git.
    public var commit: String?

    /// - Parameters:
    ///   - cluster: the cluster decided.
    ///   - outcome: what the decision did.
    ///   - reason: one line.
    ///   - at: when.
    ///   - commit: the commit that recorded it.
    public init(cluster: String?, outcome: Outcome, reason: String, at: Date, commit: String? = nil) {
        self.cluster = cluster
        self.outcome = outcome
        self.reason = reason
        self.at = at
        self.commit = commit
    }
}

/// One change of a condition (or of an app's cluster): what changed and when.
public struct StatusTransition: Sendable, Hashable, Codable {
    /// When it changed, on the reconciler's clock.
    public var at: Date
    /// The condition type that changed, or `cluster` for a change of cluster.
    public var subject: String
    /// The previous value (`True/Available`, or a cluster name); nil when it did not exist.
    public var from: String?
    /// The new value (`False/PinnedInfeasible`, or a cluster name); nil when it was removed.
    public var to: String?
    /// The condition's message at the change (lower-case), or why the cluster changed.
    public var message: String

    /// - Parameters:
    ///   - at: when it changed.
    ///   - subject: the condition type, or `cluster`.
    ///   - from: previous value, nil when absent.
    ///   - to: new value, nil when removed.
    ///   - message: one line.
    public init(at: Date, subject: String, from: String?, to: String?, message: String) {
        self.at = at
        self.subject = subject
        self.from = from
        self.to = to
        self.message = message
    }
}
