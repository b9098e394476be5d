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
/// One reconcile is an ordered list of steps that stops at the first error (Flux's shape): fetch → load →
/// decide → render → commit and push (re-derived on a moved branch) → apply what the commit holds → read status.
/// Unchanged inputs make no commit and no hub writes; Placer's own commits are not new inputs.
public actor Reconciler {
    public let configuration: ReconcilerConfiguration
    let repository: GitRepository
    let hub: KubeClient?
    /// The watched ManagedCluster inventory; without it each reconcile lists the clusters.
    let inventoryWatcher: ClusterInventoryWatcher?
    let engine: PlacementEngine
    let logger: Logger
    /// Digest of the inputs (repo inputs and inventory) of the last decision, so an unchanged world is not re-decided.
    var lastDecisionInputs: String?
    /// Digest of the ManifestWork body last applied, by `cluster/app`: a live object that no longer matches it
    /// was changed on the hub (drift), not by a new commit.
    var lastApplied: [String: String] = [:]
    /// Which commit gave each placement file its content (Placer's or a human's), cached across reconciles.
    let authorship = AuthorshipIndex()
    /// Live cluster metrics (Prometheus, then the hub, then the inventory); nil decides on the inventory alone.
    let telemetry: TelemetryCollector?
    /// PDLC's memory between evaluations (challengers, consecutive wins, last moves). Kept in memory: a restart
    /// starts afresh, which only delays score-driven moves (evacuations never wait).
    var stability = StabilityState()
    /// The clusters (inventory merged with the hub) and ManagedClusters of the last plan, for the metrics watcher.
    var lastClusters: [ClusterSpec]?
    var lastHubClusters: [ManagedClusterObject] = []

    /// - Parameters:
    ///   - configuration: repo, branch, identity and limits.
    ///   - hub: the OCM hub client; `nil` decides and commits without applying.
    /// - Throws: ``GitError`` when the cache cannot be created.
    public init(
        configuration: ReconcilerConfiguration, hub: KubeClient?, inventoryWatcher: ClusterInventoryWatcher? = nil,
        engine: PlacementEngine = .standard(), telemetry: TelemetryCollector? = nil,
        logger: Logger = Logger(label: "placer.reconciler")
    ) throws {
        self.telemetry = telemetry
        self.inventoryWatcher = inventoryWatcher
        try FileManager.default.createDirectory(atPath: configuration.cacheDirectory, withIntermediateDirectories: true)
        self.configuration = configuration
        self.repository = try GitRepository.openCache(
            at: configuration.cacheDirectory, remoteURL: configuration.repoURL, credentials: configuration.credentials)
        self.hub = hub
        self.engine = engine
        self.logger = logger
    }

    /// Runs one reconcile.
    /// - Returns: what was decided, committed and applied.
    /// - Throws: ``ReconcileError`` (repo or hub unreachable, branch missing, push kept failing, mass prune).
    public func reconcileOnce() async throws -> ReconcileReport {
        var attempt = 0
        while true {
            attempt += 1
            let tip = try fetchTip()
            var plan = try await makePlan(at: tip)
            if configuration.mode == .propose { return try await propose(plan, tip: tip) }
            if !plan.changes.isEmpty {
                do {
                    plan.commit = try commitAndPush(plan, parent: tip)
                } catch let error as GitError where error.isNonFastForward {
                    guard attempt < configuration.maxPushAttempts else {
                        throw ReconcileError.pushFailed(attempts: attempt, detail: error.description)
                    }
                    logger.info("branch moved while pushing; re-deriving on the new head", metadata: ["attempt": "\(attempt)"])
                    try await Task.sleep(for: Self.pushBackoff(attempt: attempt))
                    continue
                }
            }
            if plan.decided {
                lastDecisionInputs = plan.commit == nil ? plan.inputsDigest : (plan.inputsDigestAfterCommit ?? plan.inputsDigest)
            }
            return try await apply(plan, source: tip.hex, revision: plan.commit ?? tip.hex)
        }
    }

    /// Decides and renders without committing or applying.
    /// - Returns: the unified diff of `placements/` and `rendered/` against the branch tip, the message the commit
    ///   would carry (empty when nothing changes), and the report.
    public func plan() async throws -> (diff: String, summary: String, report: ReconcileReport) {
        let tip = try fetchTip()
        lastDecisionInputs = nil
        let plan = try await makePlan(at: tip)
        let diff = try repository.patch(base: tip, changes: plan.changes, under: RepoLayout.outputDirectories)
        let summary = plan.changes.isEmpty ? "" : plan.commitMessage
        return (diff, summary, plan.report(revision: tip.hex, commit: nil, applied: [], deleted: []))
    }

    func fetchTip() throws -> ObjectID {
        let tip: ObjectID?
        do {
            tip = try repository.fetch(branch: configuration.branch)
        } catch let error as GitError {
            // GitStore's message names the URL; credentials in it never reach the error.
            let detail = error.message.replacingOccurrences(of: configuration.repoURL, with: Redact.url(configuration.repoURL))
            throw ReconcileError.repoUnreachable(url: Redact.url(configuration.repoURL), detail: detail)
        }
        guard let tip else { throw ReconcileError.branchMissing(branch: configuration.branch) }
        return tip
    }

    private func commitAndPush(_ plan: ReconcilePlan, parent: ObjectID) throws -> String? {
        guard let commit = try placementCommit(plan, parent: parent) else { return nil }
        try repository.push(commit, toBranch: configuration.branch)
        logger.info("pushed placement commit", metadata: ["revision": "\(commit.hex)", "branch": "\(configuration.branch)"])
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
    func placementCommit(_ plan: ReconcilePlan, parent: ObjectID) throws -> ObjectID? {
        let date = configuration.now()
        let committer = GitSignature(name: configuration.committerName, email: configuration.committerEmail, date: date)
        let author = GitSignature(
            name: configuration.authorName ?? configuration.committerName,
            email: configuration.authorEmail ?? configuration.committerEmail, date: date)
        return try repository.commit(
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

    public var description: String {
        switch self {
        case let .repoUnreachable(url, detail): return detail.contains(url) ? detail : "cannot fetch \(url): \(detail)"
        case let .branchMissing(branch): return "branch \(branch) does not exist in the app repo"
        case let .hubUnreachable(detail): return "cannot reach the OCM hub: \(detail)"
        case let .pushFailed(attempts, detail): return "push failed after \(attempts) attempts: \(detail)"
        case let .massPrune(apps, share, limit):
            return "refusing to prune \(apps.count) apps (\(Int(share * 100))% > \(Int(limit * 100))%): \(apps.joined(separator: ", ")); rerun with --allow-mass-prune"
        case let .inputs(errors): return "the app repo has errors: \(errors.joined(separator: "; "))"
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
