extension PlacerMetrics {
    /// One Prometheus metric family Placer exports: its name, type, label names and help text. The catalog that
    /// `/metrics` takes its `# HELP` lines from and docs/metrics.md lists.
    public struct Series: Sendable, Hashable {
        /// The Prometheus metric type.
        public enum Kind: String, Sendable, Hashable {
            case counter, gauge, histogram
        }

        /// The family's name (`placer_…`).
        public var name: String
        public var kind: Kind
        /// The label names every series of the family carries.
        public var labels: [String]
        /// One line: what a sample means, with its unit.
        public var help: String
        /// A histogram's bucket upper bounds, in seconds; nil for the backend's default.
        public var bucketSeconds: [Double]?

        public init(name: String, kind: Kind, labels: [String], help: String, bucketSeconds: [Double]? = nil) {
            self.name = name
            self.kind = kind
            self.labels = labels
            self.help = help
            self.bucketSeconds = bucketSeconds
        }
    }
}

extension PlacerMetrics.Series {
    public static let reconcileTotal = Self(
        name: "placer_reconcile_total", kind: .counter, labels: ["result"],
        help: "Reconciles by result: success, or what the loop does after the failure (retry, stall, wait).")
    public static let reconcileDuration = Self(
        name: "placer_reconcile_duration_seconds", kind: .histogram, labels: ["result"],
        help: "Wall-clock time of one reconcile (fetch to status), in seconds, by result.",
        bucketSeconds: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300])
    public static let lastSuccess = Self(
        name: "placer_reconcile_last_success_timestamp_seconds", kind: .gauge, labels: [],
        help: "Unix time of the last successful reconcile, in seconds.")
    public static let apps = Self(
        name: "placer_apps", kind: .gauge, labels: ["condition", "status"],
        help:
            "Apps by condition (Ready, Reconciling, Stalled) and status (True, or False when false or absent) after the last reconcile."
    )
    public static let appPhases = Self(
        name: "placer_app_phase_apps", kind: .gauge, labels: ["phase"],
        help: "Apps in each phase (Ready, Progressing, Invalid, Unplaced, Degraded, ...) after the last reconcile.")
    public static let decisions = Self(
        name: "placer_decisions_total", kind: .counter, labels: ["outcome"],
        help: "Placement decisions committed or proposed, by PDLC outcome code (Placed, Kept, Moved, Pinned, ...).")
    public static let moves = Self(
        name: "placer_moves_total", kind: .counter, labels: ["reason"],
        help:
            "Apps that changed cluster in a placement commit on the tracked branch, by reason (Moved, Evacuated, Shed, Pinned)."
    )
    public static let driftCorrections = Self(
        name: "placer_drift_corrections_total", kind: .counter, labels: ["change"],
        help: "ManifestWorks found edited or deleted on the hub and re-applied from Git, by change.")
    public static let pruneRefusals = Self(
        name: "placer_prune_refusals_total", kind: .counter, labels: ["reason"],
        help: "Prunes the guards refused (MassPrune, EmptyRepo); the loop stalls until a human acts.")
    public static let gitDuration = Self(
        name: "placer_git_operation_duration_seconds", kind: .histogram, labels: ["operation"],
        help: "Time of one Git fetch, commit or push of the app repo, in seconds.",
        bucketSeconds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
    public static let gitFailures = Self(
        name: "placer_git_operation_failures_total", kind: .counter, labels: ["operation"],
        help: "Git fetches, commits and pushes that failed (non-fast-forward push rejections included).")
    public static let hubDuration = Self(
        name: "placer_hub_request_duration_seconds", kind: .histogram, labels: ["verb", "resource"],
        help: "Time of one write to the OCM hub (apply, create, delete), in seconds, by verb and resource.",
        bucketSeconds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])
    public static let hubErrors = Self(
        name: "placer_hub_request_errors_total", kind: .counter, labels: ["verb", "resource"],
        help: "Writes to the OCM hub that failed, by verb and resource.")
    public static let webhookRequests = Self(
        name: "placer_webhook_requests_total", kind: .counter, labels: ["provider", "code", "result"],
        help: "Push webhook deliveries answered, by provider, HTTP status and result.")
    public static let telemetryAge = Self(
        name: "placer_telemetry_age_seconds", kind: .gauge, labels: ["cluster", "metric"],
        help: "Age of the newest sample of each live metric per cluster when the fleet was last observed, in seconds."
    )
    public static let dependencyUp = Self(
        name: "placer_dependency_up", kind: .gauge, labels: ["dependency"],
        help: "Whether a dependency answers (1) or is down (0): git (the app repo's remote), hub, prometheus.")
    public static let privacyEpsilonSpent = Self(
        name: "placer_privacy_epsilon_spent", kind: .gauge, labels: ["model", "cluster"],
        help: "Privacy loss epsilon spent by a federated model's noised updates (cluster empty for the fleet's model).")
    public static let privacyEpsilonBudget = Self(
        name: "placer_privacy_epsilon_budget", kind: .gauge, labels: ["model", "cluster"],
        help: "The epsilon budget a federated model may spend in all.")

    /// Every family Placer exports, in the order docs/metrics.md lists them.
    public static let all: [Self] = [
        reconcileTotal, reconcileDuration, lastSuccess, apps, appPhases, decisions, moves, driftCorrections,
        pruneRefusals, gitDuration, gitFailures, hubDuration, hubErrors, webhookRequests, telemetryAge,
        dependencyUp, privacyEpsilonSpent, privacyEpsilonBudget,
    ]
}
