import CoreMetrics

/// Placer's metrics, recorded through swift-metrics: one method per event, each naming its series in
/// Prometheus's conventions (`placer_` prefix, base units in the name, `_total` on counters). The series, their
/// labels and meaning are listed in ``Series/all`` and in docs/metrics.md.
///
/// A value type over a `MetricsFactory`. The default (`factory: nil`) uses `MetricsSystem.factory` at each call,
/// so what the binary bootstraps (the Prometheus backend of `placer run` and `placer-lab demo`) receives every
/// series, and a process that bootstraps nothing (a unit test, `placer plan`) records into swift-metrics' no-op
/// handler. Tests that read counters inject their own factory (a `PrometheusMetricsFactory` over a fresh
/// registry): several reconcilers in one process then never share, or bootstrap, anything.
///
/// Label values are bounded sets (outcome codes, step names, cluster names), never free text, commits or
/// secrets.
public struct PlacerMetrics: Sendable {
    private let explicitFactory: (any MetricsFactory)?

    /// - Parameter factory: where the series go; nil for the process-wide `MetricsSystem.factory`.
    public init(factory: (any MetricsFactory)? = nil) {
        explicitFactory = factory
    }

    private var factory: any MetricsFactory { explicitFactory ?? MetricsSystem.factory }

    // MARK: Reconcile loop

    /// One reconcile ended.
    /// - Parameters:
    ///   - result: `success`, or how the loop goes on after a failure: `retry`, `stall` or `wait` (the reconcile
    ///     loop's `NextAction`).
    ///   - duration: its wall-clock time from the start of fetch to the end of status.
    public func reconcileFinished(result: String, duration: Duration) {
        let labels = [("result", result)]
        Counter(label: Series.reconcileTotal.name, dimensions: labels, factory: factory).increment()
        Timer(label: Series.reconcileDuration.name, dimensions: labels, factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
    }

    /// A reconcile succeeded at `secondsSinceEpoch` (Unix time, seconds, on the reconciler's clock).
    public func reconcileSucceeded(atSecondsSinceEpoch seconds: Double) {
        Gauge(label: Series.lastSuccess.name, factory: factory).record(seconds)
    }

    /// The apps' conditions after a reconcile: for each of `Ready`, `Reconciling` and `Stalled`, how many apps
    /// have it `True` and how many do not (`False`, or absent for `Reconciling` and `Stalled`, which exist only
    /// while true).
    /// - Parameter counts: condition type → (apps with status True, apps without).
    public func apps(byCondition counts: [String: (isTrue: Int, isFalse: Int)]) {
        for (condition, count) in counts {
            Gauge(
                label: Series.apps.name, dimensions: [("condition", condition), ("status", "True")], factory: factory
            )
            .record(count.isTrue)
            Gauge(
                label: Series.apps.name, dimensions: [("condition", condition), ("status", "False")], factory: factory
            )
            .record(count.isFalse)
        }
    }

    /// How many apps are in each phase after a reconcile; pass every phase (0 included) so a phase emptied since
    /// the last reconcile reads 0.
    /// - Parameter counts: phase (`Ready`, `Progressing`, `Invalid`, …) → apps.
    public func apps(byPhase counts: [String: Int]) {
        for (phase, count) in counts {
            Gauge(label: Series.appPhases.name, dimensions: [("phase", phase)], factory: factory).record(count)
        }
    }

    /// PDLC decided one app (counted once per app and decision that the loop committed or proposed).
    /// - Parameter outcome: PDLC's code (`Placed`, `Kept`, `Moved`, `Pinned`, `Evacuated`, `Shed`,
    ///   `HeldByHysteresis`, `Unplaced`).
    public func decided(outcome: String) {
        Counter(label: Series.decisions.name, dimensions: [("outcome", outcome)], factory: factory).increment()
    }

    /// An app changed cluster in a placement commit on the tracked branch.
    /// - Parameter reason: the deciding code: `Moved` (a better cluster won past hysteresis), `Evacuated` (its
    ///   cluster failed a filter or left), `Shed` (its cluster was saturated), `Pinned` (a human's placement).
    public func moved(reason: String) {
        Counter(label: Series.moves.name, dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// A ManifestWork that Placer had applied was found edited or deleted on the hub and re-applied.
    /// - Parameter change: `edited` or `deleted`.
    public func driftCorrected(change: String) {
        Counter(label: Series.driftCorrections.name, dimensions: [("change", change)], factory: factory).increment()
    }

    /// A prune guard refused to delete.
    /// - Parameter reason: `MassPrune` (more than the allowed share of apps would go) or `EmptyRepo` (the repo
    ///   lost its apps while the hub holds owned works).
    public func pruneRefused(reason: String) {
        Counter(label: Series.pruneRefusals.name, dimensions: [("reason", reason)], factory: factory).increment()
    }

    // MARK: Ports

    /// One call to the app repo's remote or object store ended.
    /// - Parameters:
    ///   - operation: `fetch`, `commit` or `push`.
    ///   - duration: its wall-clock time.
    ///   - failed: whether it threw (a push refused as non-fast-forward counts).
    public func gitOperation(_ operation: String, duration: Duration, failed: Bool) {
        let labels = [("operation", operation)]
        Timer(label: Series.gitDuration.name, dimensions: labels, factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
        if failed { Counter(label: Series.gitFailures.name, dimensions: labels, factory: factory).increment() }
    }

    /// One write to the OCM hub ended.
    /// - Parameters:
    ///   - verb: `apply`, `create` or `delete`.
    ///   - resource: the kind's plural (`manifestworks`, `placementdecisions`, `configmaps`, `events`).
    ///   - duration: its wall-clock time, retries by the client included.
    ///   - failed: whether it threw.
    public func hubWrite(verb: String, resource: String, duration: Duration, failed: Bool) {
        let labels = [("verb", verb), ("resource", resource)]
        Timer(label: Series.hubDuration.name, dimensions: labels, factory: factory)
            .recordNanoseconds(Self.nanoseconds(duration))
        if failed { Counter(label: Series.hubErrors.name, dimensions: labels, factory: factory).increment() }
    }

    /// A push webhook was answered.
    /// - Parameters:
    ///   - provider: `github`, `gitlab` or `gitea`.
    ///   - code: the HTTP status sent (202, 200, 400, 401, 413).
    ///   - result: `accepted`, `ignored`, `pong`, `unauthorized`, `bad_request` or `too_large`.
    public func webhookAnswered(provider: String, code: Int, result: String) {
        Counter(
            label: Series.webhookRequests.name,
            dimensions: [("provider", provider), ("code", String(code)), ("result", result)], factory: factory
        ).increment()
    }

    /// How old one cluster's live metric was when the fleet was last observed.
    /// - Parameters:
    ///   - cluster: the managed cluster.
    ///   - metric: `cpu`, `memory`, `energy`, `nodes`, `failures`, `latency`, `bandwidth`.
    ///   - seconds: age of the newest sample used, in seconds.
    public func telemetryAge(cluster: String, metric: String, seconds: Double) {
        Gauge(
            label: Series.telemetryAge.name, dimensions: [("cluster", cluster), ("metric", metric)], factory: factory
        ).record(seconds)
    }

    /// Whether a dependency answers (``DependencyHealth`` sets it on each change of state).
    /// - Parameters:
    ///   - dependency: `git`, `hub` or `prometheus`.
    ///   - up: true for 1 (answering), false for 0 (down).
    public func dependencyUp(_ dependency: String, up: Bool) {
        Gauge(label: Series.dependencyUp.name, dimensions: [("dependency", dependency)], factory: factory)
            .record(up ? 1 : 0)
    }

    // MARK: Learning

    /// The privacy loss ε spent so far by a federated model's noised updates, at the δ its accountant is configured
    /// with (reserved for the learning work: the agent sets it per cluster, the leader for the aggregated model).
    /// - Parameters:
    ///   - epsilon: ε spent, ≥ 0 (dimensionless; from the RDP accountant converted at the configured δ).
    ///   - model: the model's name (for example `cpu-forecast`).
    ///   - cluster: the managed cluster whose agent spent it; nil for the fleet's aggregated model (the label is
    ///     then empty, which Prometheus treats as absent).
    ///   - budget: the ε budget the model may spend in all, set alongside as `placer_privacy_epsilon_budget`;
    ///     nil leaves that series as it was.
    public func privacyEpsilonSpent(_ epsilon: Double, model: String, cluster: String? = nil, budget: Double? = nil) {
        let labels = [("model", model), ("cluster", cluster ?? "")]
        Gauge(label: Series.privacyEpsilonSpent.name, dimensions: labels, factory: factory).record(epsilon)
        if let budget {
            Gauge(label: Series.privacyEpsilonBudget.name, dimensions: labels, factory: factory).record(budget)
        }
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

extension PlacerMetrics {
    /// Times `body` on the continuous clock and hands its duration and whether it threw to `record`.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws, after recording it.
    public static func timed<T>(
        _ body: () async throws -> T, record: (_ duration: Duration, _ failed: Bool) -> Void
    ) async rethrows -> T {
        let start = ContinuousClock.now
        do {
            let value = try await body()
            record(ContinuousClock.now - start, false)
            return value
        } catch {
            record(ContinuousClock.now - start, true)
            throw error
        }
    }
}
