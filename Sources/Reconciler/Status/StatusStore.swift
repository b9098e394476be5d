import Foundation
import Logging
import PDLC
import PlacerCore

/// The reconcile loop's status between passes: per app and for the whole loop, Flux's conditions, the last
/// decision, the applied revision and a bounded history of transitions; and, through a ``StatePersistence``,
/// the state that must survive a restart (PDLC's ``StabilityState``).
///
/// The ``Reconciler`` is its only writer and finalises it at the end of every reconcile, whether it succeeded or
/// not. Readers (a console, `placer status`, `/metrics`) take a ``StatusSnapshot``: one immutable value, so a read
/// costs a copy-on-write reference, never a walk over the fleet.
public actor StatusStore {
    /// The default bound of each history (per app and for the loop), in transitions.
    public static let defaultHistoryLimit = 50

    /// How many transitions each history keeps (the oldest are dropped first).
    public nonisolated let historyLimit: Int
    private var current = StatusSnapshot()
    /// The loop's conditions as last finalised (``beginReconcile(at:)`` adds `Reconciling` without a transition).
    private var settledLoopConditions: [StatusCondition] = []
    private let persistence: (any StatePersistence)?
    /// The bytes last read from or written to ``persistence``; a write happens only when they would change.
    private var persistedBytes: Data?
    /// Whether the persisted state was read (found or absent); until then nothing is written, so a state that
    /// could not be read is never overwritten.
    private var restored = false
    /// Writes made through ``persistence`` (for tests and metrics).
    public private(set) var persistedWrites = 0
    private let logger: Logger
    /// Where the apps-by-condition and apps-by-phase gauges go, set at every finished reconcile.
    private let metrics: PlacerMetrics

    /// - Parameters:
    ///   - historyLimit: transitions kept per history (≥ 1).
    ///   - persistence: where the state that must survive a restart lives; nil keeps it in memory only.
    ///   - metrics: where the apps' gauges go (``PlacerMetrics/apps(byCondition:)``).
    ///   - logger: where condition changes are logged (events on change only).
    public init(
        historyLimit: Int = StatusStore.defaultHistoryLimit, persistence: (any StatePersistence)? = nil,
        metrics: PlacerMetrics = PlacerMetrics(), logger: Logger = Logger(label: "placer.status")
    ) {
        self.historyLimit = max(1, historyLimit)
        self.persistence = persistence
        self.metrics = metrics
        self.logger = logger
    }

    // MARK: Reading

    /// Everything the store holds, as one value.
    public func snapshot() -> StatusSnapshot { current }

    /// One app's status; nil when the last reconcile did not see the app.
    public func app(_ name: String) -> AppStatusRecord? { current.apps[name] }

    /// The loop's status.
    public func loop() -> LoopStatus { current.loop }

    // MARK: Writing (the Reconciler)

    /// Marks the loop `Reconciling` while a reconcile runs (not a transition: it ends in the same reconcile).
    func beginReconcile(at now: Date) {
        current.loop.lastReconcileStarted = now
        Self.set(
            &current.loop.conditions, ConditionType.reconciling, .true, ConditionReason.progressing,
            "reconcile in progress", at: now)
    }

    /// Finalises a reconcile that ran every sub-step: each app's conditions from what the pass saw (and, when
    /// PDLC did not run, from the decision the store remembers), and the loop Ready.
    /// - Returns: the apps as `placer reconcile` reports them, sorted by name.
    func finish(_ pass: ReconcilePass, at now: Date) -> [AppStatus] {
        var apps: [String: AppStatusRecord] = [:]
        var statuses: [AppStatus] = []
        for var status in pass.report.apps {
            let previous = current.apps[status.app]
            let fresh = pass.decisions[status.app]
            // Without a new decision the remembered one still holds (the inputs did not change).
            let effective = pass.decided ? fresh : previous?.lastDecision
            if let merge = pass.awaitingMerge[status.app] {
                status.phase = .proposed
                status.cluster = merge.cluster
                status.reason = merge.reason
                status.moved = false
            } else if !pass.decided, pass.report.proposal != nil, let effective, effective.outcome == .proposed,
                status.phase != .invalid, status.phase != .pruned
            {
                status.phase = .proposed
                status.reason = effective.reason
                status.moved = false
            } else if let effective, effective.outcome == .pinnedInfeasible,
                status.phase == .ready || status.phase == .progressing
            {
                status.phase = .pinnedInfeasible
                status.reason = effective.reason
            }
            var record = AppStatusRecord(
                app: status.app, cluster: status.cluster, phase: status.phase, reason: status.reason,
                moved: status.moved, conditions: previous?.conditions ?? [],
                lastDecision: fresh ?? previous?.lastDecision,
                revision: pass.report.commit ?? pass.report.revision, history: previous?.history ?? [])
            var transitions = Self.update(&record.conditions, to: Self.conditions(for: status), at: now)
            if previous?.cluster != status.cluster {
                transitions.append(
                    StatusTransition(
                        at: now, subject: "cluster", from: previous?.cluster, to: status.cluster,
                        message: status.moved ? "moved: \(status.reason)" : status.reason))
            }
            for transition in transitions where transition.subject == ConditionType.ready {
                // An invalid app's file:line error is printed once, by the report or the loader; not again here.
                let message = status.phase == .invalid ? "invalid app" : transition.message
                logger.info(
                    "\(status.app): Ready \(transition.from ?? "-") → \(transition.to ?? "-")",
                    metadata: ["app": "\(status.app)", "cluster": "\(status.cluster ?? "-")", "message": "\(message)"])
            }
            record.history = Self.bounded(record.history + transitions, limit: historyLimit)
            status.conditions = record.conditions
            apps[status.app] = record
            statuses.append(status)
        }
        current.apps = apps
        recordAppGauges(apps.values)

        var loop = current.loop
        loop.conditions = settledLoopConditions
        let applied = pass.report.commit ?? pass.report.revision
        var message = "applied revision \(applied.prefix(12))"
        if let proposal = pass.report.proposal { message += "; proposal \(proposal.prefix(12)) waits for review" }
        let desired = [
            StatusCondition(
                type: ConditionType.ready, status: .true, reason: ConditionReason.succeeded, message: message,
                lastTransitionTime: now)
        ]
        loop.history = Self.bounded(
            loop.history + Self.update(&loop.conditions, to: desired, at: now), limit: historyLimit)
        settledLoopConditions = loop.conditions
        loop.revision = pass.report.revision
        if let commit = pass.report.commit { loop.commit = commit }
        loop.proposal = pass.report.proposal
        loop.lastReconcileFinished = now
        loop.lastSuccess = now
        loop.consecutiveFailures = 0
        loop.nextAction = nil
        loop.failedStep = nil
        current.loop = loop
        return statuses.sorted { $0.app < $1.app }
    }

    /// Finalises a reconcile that stopped at `step`: the loop is not Ready, the step's `…Failed` condition is
    /// true, and it is `Stalled` (waits for a human) or `Reconciling` with retry, as the error is classed. The apps
    /// keep the status of the last reconcile that reached them.
    /// - Parameters:
    ///   - error: why it stopped.
    ///   - step: the sub-step that threw.
    ///   - revision: the tip it read, when the fetch succeeded.
    func fail(_ error: any Error, step: ReconcileStep, revision: String?, at now: Date) {
        let reconcileError = error as? ReconcileError
        let reason = reconcileError?.reason ?? ConditionReason.reconciliationFailed
        let message = reconcileError.map(\.description) ?? "\(step.rawValue) failed: \(error)"
        let next = NextAction.after(error)
        var loop = current.loop
        loop.consecutiveFailures += 1
        // A refused mass prune is the prune's failure, though the guard runs before deciding.
        let failedType: String
        if case .massPrune? = reconcileError { failedType = "PruneFailed" } else { failedType = step.failedCondition }
        var desired = [
            StatusCondition(
                type: ConditionType.ready, status: .false, reason: reason, message: message, lastTransitionTime: now),
            StatusCondition(type: failedType, status: .true, reason: reason, message: message, lastTransitionTime: now),
        ]
        switch next {
        case .stall:
            desired.append(
                StatusCondition(
                    type: ConditionType.stalled, status: .true, reason: reason,
                    message: "waiting for a change in Git: \(message)", lastTransitionTime: now))
        case .retry, .wait:
            desired.append(
                StatusCondition(
                    type: ConditionType.reconciling, status: .true, reason: ConditionReason.progressingWithRetry,
                    message: "retrying with backoff after \(loop.consecutiveFailures) failed reconciles",
                    lastTransitionTime: now))
        }
        loop.conditions = settledLoopConditions
        let transitions = Self.update(&loop.conditions, to: desired, at: now)
        if transitions.contains(where: { $0.subject == ConditionType.ready || $0.subject == ConditionType.stalled }) {
            logger.warning(
                "reconcile \(next == .stall ? "stalled" : "failed"): \(message)", metadata: ["step": "\(step.rawValue)"]
            )
        }
        loop.history = Self.bounded(loop.history + transitions, limit: historyLimit)
        settledLoopConditions = loop.conditions
        if let revision { loop.revision = revision }
        loop.lastReconcileFinished = now
        loop.nextAction = next
        loop.failedStep = step
        current.loop = loop
    }

    /// Sets the apps' gauges from their records: per condition type, how many have it True and how many do not;
    /// per phase (every phase, so an emptied one reads 0), how many are in it.
    private func recordAppGauges(_ records: some Collection<AppStatusRecord>) {
        var byCondition: [String: (isTrue: Int, isFalse: Int)] = [:]
        for type in [ConditionType.ready, ConditionType.reconciling, ConditionType.stalled] {
            let holding = records.count(where: { $0.condition(type)?.status == .true })
            byCondition[type] = (holding, records.count - holding)
        }
        metrics.apps(byCondition: byCondition)
        var byPhase = Dictionary(uniqueKeysWithValues: AppStatus.Phase.allCases.map { ($0.rawValue, 0) })
        for record in records { byPhase[record.phase.rawValue, default: 0] += 1 }
        metrics.apps(byPhase: byPhase)
    }

    // MARK: Persistence

    /// The persisted stability state, read once (at the first reconcile, which is after this replica became
    /// leader). Returns nil when it was already read, nothing is stored, or the read failed (then it is retried
    /// at the next call, and nothing is written until it succeeds).
    func restoreStabilityOnce() async -> StabilityState? {
        guard !restored, let persistence else { return nil }
        do {
            guard let data = try await persistence.load() else {
                restored = true
                return nil
            }
            let state = try JSONDecoder().decode(PersistedState.self, from: data)
            restored = true
            persistedBytes = try PersistedState.encode(state)
            logger.info("restored stability state", metadata: ["apps": "\(state.stability.apps.count)"])
            return state.stability
        } catch let error as DecodingError {
            restored = true  // unreadable content is replaced by the next write rather than blocking it forever
            logger.warning("ignoring unreadable persisted state: \(error)")
            return nil
        } catch {
            logger.warning("cannot read persisted state; will retry: \(error)")
            return nil
        }
    }

    /// Persists `stability` when it differs from what is stored (best effort: a failed write is logged and
    /// retried at the next call).
    func persist(_ stability: StabilityState) async {
        guard let persistence, restored else { return }
        do {
            let bytes = try PersistedState.encode(PersistedState(stability: stability))
            guard bytes != persistedBytes else { return }
            try await persistence.save(bytes)
            persistedBytes = bytes
            persistedWrites += 1
        } catch {
            logger.warning("cannot persist stability state; will retry: \(error)")
        }
    }

    // MARK: Conditions

    /// An app's conditions for its phase (``AppStatus/Phase``): Ready always, Reconciling and Stalled when true.
    static func conditions(for status: AppStatus) -> [StatusCondition] {
        let cluster = status.cluster ?? "no cluster"
        let reason = status.reason
        func ready(_ value: ConditionStatus, _ code: String, _ message: String) -> StatusCondition {
            StatusCondition(
                type: ConditionType.ready, status: value, reason: code, message: message,
                lastTransitionTime: .distantPast)
        }
        func with(_ type: String, _ code: String, _ message: String) -> StatusCondition {
            StatusCondition(type: type, status: .true, reason: code, message: message, lastTransitionTime: .distantPast)
        }
        switch status.phase {
        case .ready:
            return [
                ready(
                    .true, ConditionReason.available,
                    reason.isEmpty ? "available on \(cluster)" : "available on \(cluster): \(reason)")
            ]
        case .progressing:
            let message = "applied to \(cluster); waiting for the work agent's status"
            return [
                ready(.false, ConditionReason.progressing, message),
                with(ConditionType.reconciling, ConditionReason.progressing, message),
            ]
        case .invalid:
            let message = "invalid, keeps its last placement (\(cluster)): \(reason)"
            return [
                ready(.false, ConditionReason.invalidApp, message),
                with(ConditionType.stalled, ConditionReason.invalidApp, message),
            ]
        case .unplaced:
            return [
                ready(
                    .false, ConditionReason.unplaced, reason.isEmpty ? "no cluster fits" : "no cluster fits: \(reason)")
            ]
        case .pruned:
            return [
                ready(.false, ConditionReason.pruned, "removed from Git; its placement and ManifestWork are deleted")
            ]
        case .degraded:
            return [ready(.false, ConditionReason.degraded, "on \(cluster): \(reason)")]
        case .proposed:
            return [ready(.false, ConditionReason.awaitingMerge, "waits for the proposal's merge: \(reason)")]
        case .pinnedInfeasible:
            return [ready(.false, ConditionReason.pinnedInfeasible, reason)]
        case .conflict:
            return [
                ready(.false, ConditionReason.conflict, reason),
                with(ConditionType.stalled, ConditionReason.conflict, reason),
            ]
        }
    }

    /// Replaces `conditions` with `desired`, keeping a condition's transition time while its status and reason
    /// stay the same; conditions not in `desired` are removed (Reconciling, Stalled, `…Failed` exist only while
    /// true).
    /// - Returns: the transitions, one per condition added, changed or removed.
    static func update(
        _ conditions: inout [StatusCondition], to desired: [StatusCondition], at now: Date
    ) -> [StatusTransition] {
        var transitions: [StatusTransition] = []
        var next: [StatusCondition] = []
        for var condition in desired {
            let old = conditions.first { $0.type == condition.type }
            if let old, old.status == condition.status, old.reason == condition.reason {
                condition.lastTransitionTime = old.lastTransitionTime
            } else {
                condition.lastTransitionTime = now
                transitions.append(
                    StatusTransition(
                        at: now, subject: condition.type, from: old.map { "\($0.status.rawValue)/\($0.reason)" },
                        to: "\(condition.status.rawValue)/\(condition.reason)", message: condition.message))
            }
            next.append(condition)
        }
        for old in conditions where !desired.contains(where: { $0.type == old.type }) {
            transitions.append(
                StatusTransition(
                    at: now, subject: old.type, from: "\(old.status.rawValue)/\(old.reason)", to: nil,
                    message: old.message))
        }
        conditions = next
        return transitions
    }

    /// Sets (or adds) one condition without recording a transition.
    static func set(
        _ conditions: inout [StatusCondition], _ type: String, _ status: ConditionStatus, _ reason: String,
        _ message: String, at now: Date
    ) {
        let condition = StatusCondition(
            type: type, status: status, reason: reason, message: message, lastTransitionTime: now)
        if let index = conditions.firstIndex(where: { $0.type == type }) {
            conditions[index] = condition
        } else {
            conditions.append(condition)
        }
    }

    static func bounded(_ history: [StatusTransition], limit: Int) -> [StatusTransition] {
        history.count > limit ? Array(history.suffix(limit)) : history
    }
}

/// What one reconcile that ran every sub-step hands to the ``StatusStore``.
struct ReconcilePass: Sendable {
    /// What apply saw: each app's work state (ready, progressing, degraded), invalid and pruned apps, events.
    var report: ReconcileReport
    /// Whether PDLC ran; when it did not, the store's remembered decisions still hold.
    var decided: Bool
    /// This pass's decisions by app (empty when not decided).
    var decisions: [String: LastDecision] = [:]
    /// `--mode propose`: apps whose new placement this pass proposed, with where they still run and why.
    var awaitingMerge: [String: AwaitingMerge] = [:]
}

/// An app whose proposed placement waits for review.
struct AwaitingMerge: Sendable, Hashable {
    /// Where it runs until the merge (the tracked branch's placement).
    var cluster: String?
    /// `proposed → <cluster> on <branch>: <reason>`.
    var reason: String
}

/// The state that must survive a restart and a change of leader, as persisted (JSON).
struct PersistedState: Codable, Sendable, Equatable {
    var version = 1
    var stability: StabilityState

    /// Entries that hold nothing (no challenger, no wins, never moved) are left out: they are what the engine
    /// assumes for an app it has no entry for, so they would only make unchanged states look changed.
    init(stability: StabilityState) {
        self.stability = StabilityState(apps: stability.apps.filter { $0.value != StabilityState.Entry() })
    }

    /// Canonical bytes (sorted keys), so an unchanged state is recognised and not rewritten.
    static func encode(_ state: PersistedState) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(state)
    }
}
