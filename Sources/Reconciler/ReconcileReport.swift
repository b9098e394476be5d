import AppModel

/// The state of one app after a reconcile: a one-word phase (what `placer reconcile` prints) derived from its Flux
/// conditions.
public struct AppStatus: Sendable, Hashable {
    public enum Phase: String, Sendable, CaseIterable {
        /// Placed, committed and applied; the work agent reports it available.
        case ready = "Ready"
        /// Applied; waiting for the work agent's status.
        case progressing = "Progressing"
        /// Its files have errors; it keeps its last good placement.
        case invalid = "Invalid"
        /// No cluster fits and it had none before.
        case unplaced = "Unplaced"
        /// Removed from Git: its placement and ManifestWork are pruned.
        case pruned = "Pruned"
        /// Its ManifestWork failed, or its move waits for the new cluster: the old placement keeps running.
        case degraded = "Degraded"
        /// `--mode propose`: a new placement waits for review on the proposal branch; the tracked branch's
        /// placement keeps running.
        case proposed = "Proposed"
        /// Its ManifestWork's name on the target cluster is taken by another owner (another Placer instance, or
        /// not Placer): nothing was written; what runs there is left alone.
        case conflict = "Conflict"
        /// A human pinned it to a cluster that no longer passes the filters: it keeps running there, and the
        /// reason names the filter that refuses the cluster.
        case pinnedInfeasible = "PinnedInfeasible"
    }

    public var app: String
    public var phase: Phase
    public var cluster: String?
    /// The first reason of the decision, or the first error.
    public var reason: String
    /// Whether this reconcile moved the app to another cluster.
    public var moved: Bool
    /// Its Flux conditions as the ``StatusStore`` finalised them (`Ready` always; `Reconciling`, `Stalled` while true).
    public var conditions: [StatusCondition] = []
}

/// What one reconcile did.
public struct ReconcileReport: Sendable {
    /// The tracked branch's tip that was read.
    public var revision: String
    /// The placement commit pushed to the tracked branch, if any.
    public var commit: String?
    /// `--mode propose`: the proposal commit on the proposal branch (pushed now or earlier and still open).
    public var proposal: String?
    /// Whether PDLC ran (it does not when the inputs did not change since the last decision).
    public var decided: Bool
    public var apps: [AppStatus]
    /// ManifestWorks written (server-side apply) and deleted on the hub.
    public var applied: [String]
    public var deleted: [String]
    /// PlacementDecisions written on the hub (only changed ones are written).
    public var publishedDecisions: [String] = []
    /// What happened that an operator should know (drift corrected, moves blocked), one line each.
    public var events: [String] = []
    /// `file:line:column: message` for every invalid input.
    public var errors: [String]
    public var warnings: [String]
}
