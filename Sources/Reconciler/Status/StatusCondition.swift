import Foundation

/// One Flux-style condition of an app or of the reconcile loop.
///
/// The vocabulary follows Flux's controllers: `Ready` is always present; `Reconciling`, `Stalled` and the
/// `…Failed` conditions (``ConditionType/failed(_:)``) exist only while they are true. Reasons are CamelCase codes
/// (``ConditionReason``) meant for machines; messages are one lower-case line meant for people.
public struct StatusCondition: Sendable, Hashable, Codable {
    /// The condition's type: ``ConditionType/ready``, ``ConditionType/reconciling``, ``ConditionType/stalled``
    /// or a `…Failed` type.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: ConditionStatus
    /// CamelCase code of why the condition has its status (``ConditionReason``).
    public var reason: String
    /// One lower-case line for people.
    public var message: String
    /// When `status` or `reason` last changed (on the reconciler's injected clock).
    public var lastTransitionTime: Date

    /// - Parameters:
    ///   - type: the condition's type (``ConditionType``).
    ///   - status: `True`, `False` or `Unknown`.
    ///   - reason: a CamelCase code (``ConditionReason``).
    ///   - message: one lower-case line.
    ///   - lastTransitionTime: when `status` or `reason` last changed.
    public init(type: String, status: ConditionStatus, reason: String, message: String, lastTransitionTime: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }
}

/// A condition's status, spelt as Kubernetes spells it.
public enum ConditionStatus: String, Sendable, Hashable, Codable {
    /// The condition holds.
    case `true` = "True"
    /// It does not hold.
    case `false` = "False"
    /// Not known yet.
    case unknown = "Unknown"
}

/// Condition types (Flux's vocabulary).
public enum ConditionType {
    /// Always present: whether the app runs as committed, or whether the loop's last reconcile succeeded.
    public static let ready = "Ready"
    /// Present only while true: work is in progress (a reconcile running, an app waiting for its work agent, a
    /// retry after a transient failure).
    public static let reconciling = "Reconciling"
    /// Present only while true: the loop or app cannot progress without a human change (a refused mass prune,
    /// broken input files); it is not retried with backoff.
    public static let stalled = "Stalled"

    /// The `…Failed` condition of a reconcile sub-step (`FetchFailed`, `ApplyFailed`), present only while true.
    public static func failed(_ step: ReconcileStep) -> String { step.failedCondition }
}

/// Condition reasons: CamelCase codes, never prose.
public enum ConditionReason {
    // Apps.
    /// Ready=True: the ManifestWork is Available on the app's cluster.
    public static let available = "Available"
    /// Ready=False, Reconciling=True: applied; waiting for the work agent's status. Also the loop's
    /// Reconciling=True while a reconcile runs.
    public static let progressing = "Progressing"
    /// Ready=False, Stalled=True: the app's files have errors; it keeps its last good placement.
    public static let invalidApp = "InvalidApp"
    /// Ready=False: no cluster fits and it had none before (waits for the fleet to change).
    public static let unplaced = "Unplaced"
    /// Ready=False: removed from Git; its placement and ManifestWork are pruned.
    public static let pruned = "Pruned"
    /// Ready=False: its ManifestWork failed, or its move waits for the new cluster; the old placement keeps running.
    public static let degraded = "Degraded"
    /// Ready=False: `--mode propose` proposed a new placement that waits for its merge into the tracked branch.
    public static let awaitingMerge = "AwaitingMerge"
    /// Ready=False: a human pinned the app to a cluster that no longer passes the filters; Placer keeps it there.
    public static let pinnedInfeasible = "PinnedInfeasible"
    /// Ready=False, Stalled=True: the app's ManifestWork name on its cluster is owned by another instance (or not
    /// by Placer); nothing is written until that object goes or is relabelled.
    public static let conflict = "Conflict"

    // The loop.
    /// Ready=True: the last reconcile ran every sub-step.
    public static let succeeded = "Succeeded"
    /// Reconciling=True after a transient failure: the loop retries with backoff.
    public static let progressingWithRetry = "ProgressingWithRetry"
    /// The app repo could not be fetched.
    public static let repoUnreachable = "RepoUnreachable"
    /// Stalled=True: the fetched tree has no apps/ folder or no loadable app while the hub holds this instance's
    /// ManifestWorks; nothing is deleted until a person confirms (`--allow-empty-prune`).
    public static let emptyRepo = "EmptyRepo"
    /// The tracked branch does not exist.
    public static let branchMissing = "BranchMissing"
    /// The OCM hub could not be read or written.
    public static let hubUnreachable = "HubUnreachable"
    /// The placement commit could not be pushed (the branch kept moving).
    public static let pushFailed = "PushFailed"
    /// A reconcile would prune more than the allowed share of apps; it waits for a human.
    public static let pruneRefused = "PruneRefused"
    /// The repo-wide inputs (policy, inventory) have errors; it waits for a human.
    public static let invalidInputs = "InvalidInputs"
    /// Any other failure.
    public static let reconciliationFailed = "ReconciliationFailed"
}
