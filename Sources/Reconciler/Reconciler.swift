import AppModel
import Foundation
import GitStore
import Logging
import OCMClient
import PDLC
import PlacerCore
import Telemetry

/// The ACM loop: fetch the app repo, load it, decide with PDLC, commit the decision, apply it to the hub.
///
/// One reconcile is an ordered list of sub-steps with one signature that stops at the first error and always
/// finalises status (Flux's shape, ``ReconcileStep``): fetch → load → observe → decide → render → commit (or
/// propose) → apply (with prune and publish). Unchanged inputs make no commit and no hub writes; Placer's own
/// commits are not new inputs. Status lives in ``status`` between reconciles.
public actor Reconciler {
    public nonisolated let configuration: ReconcilerConfiguration
    /// The app repo (the ``GitSource`` port: libgit2 in production, an in-memory fake in unit tests).
    let repository: any GitSource
    /// The OCM hub (the ``Hub`` port); nil decides and commits without applying.
    let hub: (any Hub)?
    /// The watched ManagedCluster inventory; without it each reconcile lists the clusters.
    let inventoryWatcher: ClusterInventoryWatcher?
    let engine: PlacementEngine
    let logger: Logger
    /// Digest of the inputs (repo inputs and inventory) of the last decision, so an unchanged world is not re-decided.
    var lastDecisionInputs: String?
    /// The apps the last decision refused for sharing an object with another app
    /// (``sharedObjectConflicts(_:)``), with their errors: a pass that skips deciding (same inputs) refuses them
    /// again, so their status does not read Ready between decisions.
    var lastConflicts: [String: [ModelError]] = [:]
    /// Whether the last render left an object hand-over between two apps half done (``handOver(_:existing:)``):
    /// the next reconcile renders again to finish it, even with unchanged inputs.
    var handOverPending = false
    /// Digest of the ManifestWork body last applied, by `cluster/app`: a live object that no longer matches it
    /// was changed on the hub (drift), not by a new commit.
    var lastApplied: [String: String] = [:]
    /// What the last apply compared against the hub (``ApplyMemo``): an unchanged revision with no drift since is
    /// not compared again, so an idle reconcile costs no hub request and no rendered-file parse.
    var applyMemo: ApplyMemo?
    /// What the last apply published as PlacementDecisions (``PublishMemo``): unchanged decisions are not
    /// published again.
    var publishMemo: PublishMemo?
    /// How many ManifestWorks the last apply compared with the hub (all of them on a full comparison, the changed
    /// ones on a new revision, none on an unchanged one).
    var lastApplyCompared = 0
    /// Each ManifestWork's state as last read from the hub (`cluster/app` → the resourceVersion read and the
    /// state), so a work whose cached version did not move is not decoded again.
    var workStates: [String: (version: String, state: WorkState)] = [:]
    /// Wall time of each sub-step of the last reconcile, by ``ReconcileStep`` raw value (for `bench scale`).
    var stepDurations: [String: Duration] = [:]
    /// Wall time of the parts of the last apply (works, status, prune, publish), in order.
    var applyPhases: [(phase: String, duration: Duration)] = []
    /// Which commit gave each placement file its content (Placer's or a human's), cached across reconciles.
    let authorship = AuthorshipIndex()
    /// Live cluster metrics (Prometheus, then the hub, then the inventory); nil decides on the inventory alone.
    let telemetry: TelemetryCollector?
    /// Reads the hub's ManagedClusters and AddOnPlacementScores and the telemetry once per pass (``observe``).
    let observer: FleetObserver
    /// PDLC's memory between evaluations (challengers, consecutive wins, last moves). Persisted through ``status``
    /// (a ConfigMap on the hub) when it changes, and read back at the first decision, so a restart or a new leader
    /// continues with it.
    var stability = StabilityState()
    /// Conditions, last decisions and history of every app and of the loop; what a console, `placer status` and
    /// `/metrics` read.
    public nonisolated let status: StatusStore
    /// The reconcile that stalled (waits for a human), until the tracked branch moves.
    var stalled: StalledReconcile?
    /// The clusters (inventory merged with the hub) and ManagedClusters of the last plan, for the metrics watcher.
    var lastClusters: [ClusterSpec]?
    /// The placement policy of the last snapshot loaded (for the leader's federated rounds: `spec.learning`).
    var lastPolicy: PlacementPolicy?
    var lastHubClusters: [ManagedClusterObject] = []
    /// Where the loop's series go (``PlacerMetrics``); the Git and hub ports are wrapped to record theirs too.
    public nonisolated let metrics: PlacerMetrics
    /// What the console shows of the last reconcile that ran every sub-step (``consoleView()``).
    var lastConsoleView: ConsoleView?
    /// Whether the Git remote, the hub and Prometheus answer: fed by the ports and the telemetry collector, read by
    /// the console's banner and the decide step (no decision on fallback data alone while Prometheus is down).
    public nonisolated let health: DependencyHealth
    /// Parsed apps, the last loaded tip and the rendered works' fingerprints, kept between reconciles so a reconcile
    /// parses and renders only what changed (``IncrementalState``).
    var incremental = IncrementalState()
    /// Gives malloc's freed memory back after a pass that grew the RSS
    /// (``ReconcilerConfiguration/heapTrimThresholdBytes``).
    var heapTrimmer = HeapTrimmer()

    /// Creates a reconciler over the two ports.
    /// - Parameters:
    ///   - configuration: repo, branch, identity and limits.
    ///   - git: the app repo (``LibGit2Source`` over a cache, or a fake).
    ///   - hub: the OCM hub; `nil` decides and commits without applying.
    ///   - inventoryWatcher: the watched ManagedClusters; `nil` lists them on each reconcile.
    ///   - engine: PDLC.
    ///   - telemetry: live cluster metrics; `nil` decides on the inventory and the hub alone.
    ///   - status: where status and persisted state go; `nil` makes a store that persists to the ConfigMap
    ///     ``ReconcilerConfiguration/stateConfigMapName`` on `hub` (in memory only without a hub).
    ///   - metrics: where the loop's series go; the default is the process's `MetricsSystem` (no-op unless the
    ///     binary bootstrapped a backend).
    ///   - health: the dependency health to report to (share one with the ``ClusterInventoryWatcher``); nil makes
    ///     one over `metrics`.
    public init(
        configuration: ReconcilerConfiguration, git: any GitSource, hub: (any Hub)?,
        inventoryWatcher: ClusterInventoryWatcher? = nil, engine: PlacementEngine = .standard(),
        telemetry: TelemetryCollector? = nil, status: StatusStore? = nil, metrics: PlacerMetrics = PlacerMetrics(),
        health: DependencyHealth? = nil, logger: Logger = Logger(label: "placer.reconciler")
    ) {
        let health = health ?? DependencyHealth(metrics: metrics, now: configuration.now)
        self.health = health
        var telemetry = telemetry
        if telemetry != nil, telemetry?.health == nil { telemetry?.health = health }
        // A HubCache's hub already times its writes and reports to health under the cache (its cache reads are not
        // hub requests).
        let hub: (any Hub)? = hub.map { $0 is CachedHub ? $0 : MeteredHub(base: $0, metrics: metrics, health: health) }
        let persistence: (any StatePersistence)? = hub.map {
            ConfigMapStatePersistence(
                hub: $0, namespace: configuration.stateNamespace, name: configuration.stateConfigMapName,
                instance: configuration.instance, source: configuration.source)
        }
        // One-shot commands print the report: the store's transition log would say every error a second time.
        let statusLogger =
            configuration.logsInputErrors
            ? Logger(label: "placer.status")
            : Logger(label: "placer.status", factory: { _ in SwiftLogNoOpLogHandler() })
        self.status = status ?? StatusStore(persistence: persistence, metrics: metrics, logger: statusLogger)
        self.metrics = metrics
        self.telemetry = telemetry
        self.inventoryWatcher = inventoryWatcher
        self.configuration = configuration
        let repoURL = configuration.repoURL
        self.repository = MeteredGitSource(
            base: git, metrics: metrics, health: health,
            redact: { $0.replacingOccurrences(of: repoURL, with: Redact.url(repoURL)) })
        self.hub = hub
        self.engine = engine
        self.logger = logger
        var snapshot: FleetObserver.ManagedClusterSnapshot?
        if let inventoryWatcher {
            snapshot = { await inventoryWatcher.snapshot() }
        }
        self.observer = FleetObserver(hub: hub, managedClusters: snapshot, telemetry: telemetry, metrics: metrics)
    }

    /// Creates a reconciler over the real adapters: a libgit2 cache of ``ReconcilerConfiguration/repoURL`` in
    /// ``ReconcilerConfiguration/cacheDirectory`` (created when missing) and the given hub.
    /// - Parameters: as ``init(configuration:git:hub:inventoryWatcher:engine:telemetry:status:metrics:health:logger:)``.
    /// - Throws: ``GitError`` when the cache cannot be created.
    public init(
        configuration: ReconcilerConfiguration, hub: (any Hub)?, inventoryWatcher: ClusterInventoryWatcher? = nil,
        engine: PlacementEngine = .standard(), telemetry: TelemetryCollector? = nil, status: StatusStore? = nil,
        metrics: PlacerMetrics = PlacerMetrics(), health: DependencyHealth? = nil,
        logger: Logger = Logger(label: "placer.reconciler")
    ) throws {
        try FileManager.default.createDirectory(atPath: configuration.cacheDirectory, withIntermediateDirectories: true)
        let repository = try GitRepository.openCache(
            at: configuration.cacheDirectory, remoteURL: configuration.repoURL, credentials: configuration.credentials)
        self.init(
            configuration: configuration, git: LibGit2Source(repository: repository), hub: hub,
            inventoryWatcher: inventoryWatcher, engine: engine, telemetry: telemetry, status: status, metrics: metrics,
            health: health, logger: logger)
    }

    /// Wall time of each sub-step of the last reconcile (fetch, load, observe, decide, render, commit, apply), in
    /// seconds, in step order; a step retried after a push race counts its attempts together.
    public func lastStepDurations() -> [(step: String, seconds: Double)] {
        ReconcileStep.allCases.compactMap { step in
            stepDurations[step.rawValue].map {
                (step: step.rawValue, seconds: Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18)
            }
        }
    }

    /// Wall time of the parts of the last apply, in seconds, in order: `works` (compare and write the
    /// ManifestWorks), `status` (wait for the work agents), `prune` (old works deleted) and `publish` (Placements
    /// and PlacementDecisions); empty when the last reconcile did not apply.
    public func lastApplyPhases() -> [(phase: String, seconds: Double)] {
        applyPhases.map {
            ($0.phase, Double($0.duration.components.seconds) + Double($0.duration.components.attoseconds) / 1e18)
        }
    }

    /// The placement policy as last loaded from the repo, nil before the first reconcile loaded one.
    public func currentPolicy() -> PlacementPolicy? { lastPolicy }

    /// Decides and renders without committing or applying.
    /// - Returns: the unified diff of `placements/` and `rendered/` against the branch tip (Secret values masked:
    ///   ``shownPatch(base:changes:under:)``), the message the commit would carry (empty when nothing changes), and
    ///   the report.
    public func plan() async throws -> (diff: String, summary: String, report: ReconcileReport) {
        let tip = try await fetchTip()
        lastDecisionInputs = nil
        let plan = try await makePlan(at: tip)
        let diff = try await shownPatch(base: tip, changes: plan.changes, under: RepoLayout.outputDirectories)
        let summary = plan.changes.isEmpty ? "" : plan.commitMessage
        return (diff, summary, plan.report(revision: tip.hex, commit: nil, applied: [], deleted: []))
    }

    func fetchTip() async throws -> ObjectID {
        let tip: ObjectID?
        do {
            tip = try await repository.fetch(branch: configuration.branch)
        } catch let error as GitError {
            // GitStore's message names the URL; credentials in it never reach the error.
            let detail = error.message.replacingOccurrences(
                of: configuration.repoURL, with: Redact.url(configuration.repoURL))
            throw ReconcileError.repoUnreachable(url: Redact.url(configuration.repoURL), detail: detail)
        }
        guard let tip else { throw ReconcileError.branchMissing(branch: configuration.branch) }
        return tip
    }

    func commitAndPush(_ plan: ReconcilePlan, parent: ObjectID) async throws -> String? {
        guard let commit = try await placementCommit(plan, parent: parent) else { return nil }
        try await Failpoint.beforePush.hit()
        try await repository.push(commit, toBranch: configuration.branch)
        logger.info(
            "pushed placement commit", metadata: ["revision": "\(commit.hex)", "branch": "\(configuration.branch)"])
        try await Failpoint.afterPush.hit()
        return commit.hex
    }
}

extension Reconciler {
    /// The waits between push attempts after the branch moved: 100 ms × 2^(attempt−1), at most 3.2 s, stretched
    /// by up to 100% at random, so racing writers do not retry in step.
    static let pushRetryBackoff = Backoff(initial: .milliseconds(100), maximum: .milliseconds(3_200), jitter: 1)

    /// The wait before push attempt `attempt + 1` after the branch moved (``pushRetryBackoff``).
    static func pushBackoff(attempt: Int) -> Duration {
        pushRetryBackoff.delay(afterFailures: attempt)
    }

    /// The plan's placement commit on `parent`, by the configured author and committer and signed when a
    /// signer is set; nil when it changes nothing. Moves no ref.
    func placementCommit(_ plan: ReconcilePlan, parent: ObjectID) async throws -> ObjectID? {
        let date = configuration.now()
        let committer = GitSignature(name: configuration.committerName, email: configuration.committerEmail, date: date)
        let author = GitSignature(
            name: configuration.authorName ?? configuration.committerName,
            email: configuration.authorEmail ?? configuration.committerEmail, date: date)
        return try await repository.commit(
            parent: parent, changes: plan.changes, author: author, committer: committer, message: plan.commitMessage,
            signer: configuration.signer)
    }
}

/// Why a reconcile stopped; each case's description is one line.
public enum ReconcileError: Error, CustomStringConvertible, Sendable {
    case repoUnreachable(url: String, detail: String)
    case branchMissing(branch: String)
    case hubUnreachable(detail: String)
    case pushFailed(attempts: Int, detail: String)
    case massPrune(apps: [String], share: Double, limit: Double)
    case inputs([String])
    /// The fetched tree has no `apps/` folder or no loadable app while the hub holds `ownedWorks` ManifestWorks
    /// owned by `instance`: the loop stalls and deletes nothing until a person confirms (`--allow-empty-prune`).
    case emptyRepo(reason: String, ownedWorks: Int, instance: String)

    public var description: String {
        switch self {
        case let .repoUnreachable(url, detail): return detail.contains(url) ? detail : "cannot fetch \(url): \(detail)"
        case let .branchMissing(branch): return "branch \(branch) does not exist in the app repo"
        case let .hubUnreachable(detail): return "cannot reach the OCM hub: \(detail)"
        case let .pushFailed(attempts, detail): return "push failed after \(attempts) attempts: \(detail)"
        case let .massPrune(apps, share, limit):
            return
                "refusing to prune \(apps.count) apps (\(Int(share * 100))% > \(Int(limit * 100))%): \(apps.joined(separator: ", ")); rerun with --allow-mass-prune"
        case let .inputs(errors): return "the app repo has errors: \(errors.joined(separator: "; "))"
        case let .emptyRepo(reason, works, instance):
            return
                "stalled: \(reason), while the hub holds \(works) ManifestWork\(works == 1 ? "" : "s") owned by \(instance); deleting nothing. If the repo is meant to be empty, rerun with --allow-empty-prune"
        }
    }
}

/// Removes credentials from URLs before they reach logs or errors.
enum Redact {
    static func url(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil || components.user != nil else {
            return text
        }
        components.user = nil
        components.password = nil
        return components.string ?? "<redacted url>"
    }
}
