/// The sub-steps of one reconcile, in the order they run (Flux's shape).
///
/// Each runs through ``Reconciler`` with one signature, `(step, inout context) async throws`; the first error
/// stops the reconcile and the status is finalised whatever happened. Prune and publish run inside ``apply``
/// today (after the apply, deleting Placer's ManifestWorks that left Git, make-before-break, then publishing
/// PlacementDecisions): they share its hub reads and its status wait.
public enum ReconcileStep: String, Sendable, Hashable, Codable, CaseIterable {
    /// Fetch the tracked branch into the bare cache.
    case fetch
    /// Read the tree at the tip (symlinks, LFS pointers, submodules checked) and load apps, policy, inventory.
    case load
    /// Merge the hub's ManagedClusters and AddOnPlacementScores, and telemetry, into the clusters.
    case observe
    /// Decide with PDLC (unless the inputs equal the last decision's), after the mass-prune guard.
    case decide
    /// Render placement records and ManifestWorks into file changes and the commit message.
    case render
    /// Commit and push to the tracked branch, or (`--mode propose`) to the proposal branch.
    case commit
    /// Apply what the tracked branch holds, prune what left it, read the works' status, publish decisions.
    case apply

    /// The steps that make a plan without writing anything (`placer plan`, `explain`).
    static let planning: [ReconcileStep] = [.load, .observe, .decide, .render]

    /// The step's `…Failed` condition type (`FetchFailed`, `ApplyFailed`).
    public var failedCondition: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() + "Failed" }
}

/// What the reconcile loop does after a failure (Flux classes errors the same way).
public enum NextAction: String, Sendable, Hashable, Codable {
    /// A transient failure (repo or hub unreachable, the branch kept moving): retry with exponential backoff.
    case retry
    /// Needs a human's change in Git (a refused mass prune, broken repo-wide inputs, a missing branch): the loop
    /// marks itself `Stalled`, does not back off, and does no work until the tracked branch moves.
    case stall
    /// Waits for something expected (a proposal's merge, a work agent's status): requeue at the normal interval.
    case wait
}

extension ReconcileError {
    /// What the loop does next after this error.
    public var nextAction: NextAction {
        switch self {
        case .massPrune, .emptyRepo, .inputs, .branchMissing: return .stall
        case .repoUnreachable, .hubUnreachable, .pushFailed: return .retry
        }
    }

    /// The CamelCase reason the loop's conditions carry for this error (``ConditionReason``).
    public var reason: String {
        switch self {
        case .repoUnreachable: return ConditionReason.repoUnreachable
        case .branchMissing: return ConditionReason.branchMissing
        case .hubUnreachable: return ConditionReason.hubUnreachable
        case .pushFailed: return ConditionReason.pushFailed
        case .massPrune: return ConditionReason.pruneRefused
        case .emptyRepo: return ConditionReason.emptyRepo
        case .inputs: return ConditionReason.invalidInputs
        }
    }
}

extension NextAction {
    /// What the loop does after `error`: ``ReconcileError/nextAction`` for a ``ReconcileError``, ``retry`` for
    /// anything else (a Git or hub error that escaped classification is assumed transient).
    public static func after(_ error: any Error) -> NextAction {
        (error as? ReconcileError)?.nextAction ?? .retry
    }
}
