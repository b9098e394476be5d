import AppModel
import Foundation
import GitStore
import PDLC

/// What the console reads besides the ``StatusStore``: the last reconcile's loaded repo, its decisions with every
/// cluster's verdict and scores, who made each placement, and the drift corrections seen. Kept by the
/// ``Reconciler`` at the end of every reconcile that ran every sub-step, so a page never re-plans the fleet.
public struct ConsoleView: Sendable {
    /// The tracked branch's tip the view was made at (40 hex digits).
    public var revision: String
    /// The loaded repo (apps, clusters merged with the hub and telemetry, policy, committed placements).
    public var snapshot: RepoSnapshot
    /// The last decision per app with every cluster's verdict (kept while PDLC did not run again).
    public var decisions: [String: AppDecision]
    /// Who made each app's current placement (Placer or a human).
    public var authorship: [String: PlacementAuthorship]
    /// The last drift correction per app: when, and the event line.
    public var drift: [String: DriftEvent]
    /// The loaded apps by name.
    public var apps: [String: Application]
    /// Per cluster, what its learning agent published (model, forecast, recent error, ε spent), one line each.
    public var agents: [String: [String]] = [:]
    /// The engine's inputs of ``decisions``, to explain in full a decision an incremental reconcile explained only
    /// as far as its standing needs (``Reconciler/consoleView(explaining:)``).
    var evaluation: Evaluation?

    /// - Parameters: as the properties.
    public init(
        revision: String, snapshot: RepoSnapshot, decisions: [String: AppDecision],
        authorship: [String: PlacementAuthorship], drift: [String: DriftEvent] = [:]
    ) {
        self.revision = revision
        self.snapshot = snapshot
        self.decisions = decisions
        self.authorship = authorship
        self.drift = drift
        self.apps = Dictionary(snapshot.apps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// One drift correction: a ManifestWork Placer applied was edited or deleted on the hub and re-applied.
public struct DriftEvent: Sendable, Hashable, Codable {
    /// When the reconcile that corrected it finished, on the reconciler's clock.
    public var at: Date
    /// The event line (`drift: ManifestWork hall-1/app was edited on the hub; re-applied revision …`).
    public var message: String

    public init(at: Date, message: String) {
        self.at = at
        self.message = message
    }
}

/// One commit of the tracked branch that changed placements, for the console's history and an app's decisions.
public struct PlacementCommit: Sendable, Hashable {
    /// The commit id (40 hex digits).
    public var commit: String
    /// The first line of the message.
    public var subject: String
    /// The rest of the message, trailers included.
    public var body: String
    /// `Name <email>` of the author.
    public var author: String
    /// The author date.
    public var date: Date
    /// Whether it is Placer's own placement commit (a `Placer-Inputs:` trailer).
    public var byPlacer: Bool
    /// The apps whose `placements/<app>.yaml` it changed, sorted.
    public var apps: [String]

    /// - Parameters: as the properties.
    public init(
        commit: String, subject: String, body: String, author: String, date: Date, byPlacer: Bool, apps: [String]
    ) {
        self.commit = commit
        self.subject = subject
        self.body = body
        self.author = author
        self.date = date
        self.byPlacer = byPlacer
        self.apps = apps
    }
}

/// A change to try in the what-if planner: nothing is committed.
public struct WhatIfChange: Sendable, Hashable {
    /// The app whose QoS class or budget changes (nil: no app change).
    public var app: String?
    /// Its new QoS class.
    public var qosClass: QoSClass?
    /// Its new end-to-end latency budget in milliseconds.
    public var latencyBudgetMilliseconds: Double?
    /// Its new cpu request in cores.
    public var cpuCores: Double?
    /// Clusters marked down (unavailable).
    public var downClusters: [String]
    /// A degraded link: this cluster's latency to every zone multiplied by ``linkFactor``.
    public var degradedCluster: String?
    /// The latency multiplier of the degraded link (≥ 1).
    public var linkFactor: Double

    public init(
        app: String? = nil, qosClass: QoSClass? = nil, latencyBudgetMilliseconds: Double? = nil,
        cpuCores: Double? = nil, downClusters: [String] = [], degradedCluster: String? = nil, linkFactor: Double = 1
    ) {
        self.app = app
        self.qosClass = qosClass
        self.latencyBudgetMilliseconds = latencyBudgetMilliseconds
        self.cpuCores = cpuCores
        self.downClusters = downClusters
        self.degradedCluster = degradedCluster
        self.linkFactor = linkFactor
    }

    /// Whether anything would change.
    public var isEmpty: Bool {
        (app == nil || (qosClass == nil && latencyBudgetMilliseconds == nil && cpuCores == nil))
            && downClusters.isEmpty && (degradedCluster == nil || linkFactor == 1)
    }
}

/// One app whose placement the what-if changes.
public struct WhatIfMove: Sendable, Hashable, Codable {
    public var app: String
    /// Where the last decision put it.
    public var from: String?
    /// Where the engine puts it under the change.
    public var to: String?
    /// The new decision's first reason.
    public var reason: String
}

/// Why a console action could not commit; each description is one line.
public enum ConsoleActionError: Error, CustomStringConvertible, Sendable {
    case notReconciled
    case noPlacement(app: String)
    case unknownCluster(String)
    case noSuchCommit(String)
    case nothingToCommit

    public var description: String {
        switch self {
        case .notReconciled: return "no reconcile has finished yet; try again in a moment"
        case let .noPlacement(app): return "\(app) has no placement (placements/\(app).yaml) on the tracked branch"
        case let .unknownCluster(name): return "no cluster \(name) in the inventory"
        case let .noSuchCommit(id): return "no commit \(id) in the app repo"
        case .nothingToCommit: return "nothing would change"
        }
    }
}

extension Reconciler {
    /// The console's view of the last reconcile that ran every sub-step; nil before the first.
    public func consoleView() -> ConsoleView? { lastConsoleView }

    /// The console's view with `app`'s decision explained in full (every cluster's scores with their texts, every
    /// filter's verdict, the inputs and forecasts it read). An incremental reconcile explains in full only the
    /// decisions whose record it rewrites, and keeps each to its record's clusters
    /// (``AppDecision/listsEveryCandidate`` false); such a decision is explained here, on demand, by making the same
    /// evaluation again (the engine is deterministic: the same decisions, now with `app`'s explanation), and kept in
    /// the view.
    public func consoleView(explaining app: String) -> ConsoleView? {
        guard var view = lastConsoleView, let decision = view.decisions[app],
            !decision.fullyExplained || !decision.listsEveryCandidate,
            let evaluation = view.evaluation, let full = evaluation.fullyExplained(app, engine: engine),
            full.cluster == decision.cluster
        else { return lastConsoleView }
        view.decisions[app] = full
        lastConsoleView = view
        return view
    }

    /// Keeps the view of a finished reconcile (decisions only when PDLC ran; else the remembered ones hold).
    func keepConsoleView(
        _ plan: ReconcilePlan, revision: String, authors: [String: PlacementAuthorship],
        agents: [String: [String]] = [:], events: [String], at now: Date
    ) {
        var drift = lastConsoleView?.drift ?? [:]
        for event in events where event.hasPrefix("drift: ManifestWork ") {
            let key = event.dropFirst("drift: ManifestWork ".count).split(separator: " ").first ?? ""
            if let app = key.split(separator: "/").last { drift[String(app)] = DriftEvent(at: now, message: event) }
        }
        let decisions =
            plan.decided
            ? Dictionary(plan.decisions.map { ($0.app.name, $0) }, uniquingKeysWith: { first, _ in first })
            : lastConsoleView?.decisions ?? [:]
        let evaluation = plan.decided ? plan.evaluation : lastConsoleView?.evaluation
        var authorship = plan.decided ? authors : lastConsoleView?.authorship ?? [:]
        if let commit = plan.commit, let id = ObjectID(hex: commit) {
            // The placement commit just pushed made these apps' current placements (the authorship above was
            // read before it).
            let subject = plan.commitMessage.split(separator: "\n").first.map(String.init) ?? ""
            let author =
                "\(configuration.authorName ?? configuration.committerName) <\(configuration.authorEmail ?? configuration.committerEmail)>"
            for path in plan.changes.keys where path.hasPrefix(RepoLayout.placementsDirectory + "/") {
                guard let app = Self.appName(ofOutput: path) else { continue }
                authorship[app] = PlacementAuthorship(
                    commit: id, byPlacer: true, subject: subject, author: author, date: now)
            }
        }
        var view = ConsoleView(
            revision: revision, snapshot: plan.snapshot, decisions: decisions, authorship: authorship, drift: drift)
        view.agents = agents
        view.evaluation = evaluation
        lastConsoleView = view
    }

    /// The tracked branch's commits that changed `placements/`, newest first, following first parents.
    /// - Parameters:
    ///   - app: only commits that changed `placements/<app>.yaml`; nil for every app.
    ///   - limit: at most this many entries.
    ///   - walk: at most this many commits read.
    /// - Throws: ``ReconcileError`` when the repo cannot be fetched; `GitError` when history cannot be read.
    public func placementHistory(
        app: String? = nil, limit: Int = 50, walk: Int = 500
    ) async throws
        -> [PlacementCommit]
    {
        let tip = try await fetchTip()
        var entries: [PlacementCommit] = []
        var current: ObjectID? = tip
        var seen = 0
        while let commit = current, entries.count < limit, seen < walk {
            seen += 1
            let info = try await authorship.commitInfo(commit, in: repository)
            let parent = info.parents.first
            current = parent
            var apps: [String]
            if let app {
                let path = RepoLayout.placementPath(app: app)
                let now = try await repository.objectID(at: commit, path: path)
                var before: ObjectID?
                if let parent { before = try await repository.objectID(at: parent, path: path) }
                apps = now != before ? [app] : []
            } else {
                apps = try await repository.changedPaths(from: parent, to: commit)
                    .filter { $0.hasPrefix(RepoLayout.placementsDirectory + "/") }
                    .compactMap(Self.appName(ofOutput:))
            }
            guard !apps.isEmpty else { continue }
            let lines = info.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            entries.append(
                PlacementCommit(
                    commit: commit.hex, subject: lines.first.map(String.init) ?? "",
                    body: lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .whitespacesAndNewlines) : "",
                    author: "\(info.author.name) <\(info.author.email)>", date: info.author.date,
                    byPlacer: AuthorshipIndex.isPlacerCommit(info.message), apps: apps.sorted()))
        }
        return entries
    }

    /// One commit with its unified diff against its first parent (Secret values masked: ``shownPatch(base:changes:under:)``).
    /// - Parameter id: full id or unique prefix (≥ 7 hex digits) of a commit on the tracked branch.
    /// - Throws: ``ConsoleActionError/noSuchCommit(_:)``; `GitError` when it cannot be read.
    public func commitDetail(_ id: String) async throws -> (commit: PlacementCommit, diff: String) {
        let tip = try await fetchTip()
        let commit: ObjectID
        do {
            commit = try await findRevision(id, from: tip)
        } catch {
            throw ConsoleActionError.noSuchCommit(id)
        }
        let info = try await authorship.commitInfo(commit, in: repository)
        let parent = info.parents.first
        let paths = try await repository.changedPaths(from: parent, to: commit)
        let after = try await repository.files(at: commit, under: nil)
        var changes: [String: Data?] = [:]
        for path in paths { changes[path] = after[path]?.data }
        let diff = try await shownPatch(base: parent, changes: changes, under: [])
        let lines = info.message.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let entry = PlacementCommit(
            commit: commit.hex, subject: lines.first.map(String.init) ?? "",
            body: lines.count > 1 ? String(lines[1]).trimmingCharacters(in: .whitespacesAndNewlines) : "",
            author: "\(info.author.name) <\(info.author.email)>", date: info.author.date,
            byPlacer: AuthorshipIndex.isPlacerCommit(info.message),
            apps: paths.filter { $0.hasPrefix(RepoLayout.placementsDirectory + "/") }.compactMap(
                Self.appName(ofOutput:)))
        return (entry, diff)
    }

    /// The files of the tracked branch's tip, as `placer validate` reads a repo.
    /// - Throws: ``ReconcileError`` when the repo cannot be fetched.
    public func tipFiles() async throws -> (tip: String, files: [String: Data]) {
        let tip = try await fetchTip()
        return (tip.hex, try await repository.files(at: tip).mapValues(\.data))
    }

    /// Commits a human's change (a console action) as `author`, and pushes it: to the tracked branch, or in
    /// `--mode propose` to the proposal branch (on top of the open proposal, if any). Retries on a moved branch.
    /// - Parameters:
    ///   - changes: path → new content (nil deletes), computed from the branch's files by `make`.
    ///   - make: builds the changes from the files at the commit's parent (called again after a race).
    ///   - message: the commit message (no `Placer-Inputs:` trailer: a human decision).
    ///   - author: the signed-in user (author and committer).
    /// - Returns: the pushed commit and the branch it went to.
    /// - Throws: whatever `make` throws; ``ConsoleActionError/nothingToCommit``; ``ReconcileError``.
    public func commitHumanChange(
        message: String, author: GitSignature,
        make: @Sendable ([String: Data]) throws -> [String: Data?]
    ) async throws -> (commit: String, branch: String) {
        var attempt = 0
        let branch = configuration.mode == .propose ? configuration.proposalBranch : configuration.branch
        while true {
            attempt += 1
            let tip = try await fetchTip()
            let base =
                configuration.mode == .propose ? (try await repository.fetch(branch: branch) ?? tip) : tip
            let files = try await repository.files(at: base).mapValues(\.data)
            let changes = try make(files)
            guard !changes.isEmpty,
                let commit = try await repository.commit(
                    parent: base, changes: changes, author: author, committer: author, message: message, signer: nil)
            else { throw ConsoleActionError.nothingToCommit }
            do {
                try await repository.push(commit, toBranch: branch)
            } catch let error as GitError where error.isNonFastForward && attempt < configuration.maxPushAttempts {
                try await Task.sleep(for: Self.pushBackoff(attempt: attempt))
                continue
            }
            logger.info(
                "pushed console commit",
                metadata: ["revision": "\(commit.hex)", "branch": "\(branch)", "author": "\(author.name)"])
            return (commit.hex, branch)
        }
    }

    /// The plan under a hypothetical change, from the same engine over the last reconcile's inputs; nothing is
    /// committed and the stability state is left as it is.
    /// - Returns: the apps whose cluster differs from the last decision.
    /// - Throws: ``ConsoleActionError/notReconciled`` before the first reconcile; ``ConsoleActionError/
    ///   unknownCluster(_:)`` for a cluster not in the inventory.
    public func whatIf(_ change: WhatIfChange) throws -> [WhatIfMove] {
        guard let view = lastConsoleView else { throw ConsoleActionError.notReconciled }
        var snapshot = view.snapshot
        let names = Set(snapshot.clusters.map(\.name))
        for name in change.downClusters + [change.degradedCluster].compactMap({ $0 }) where !names.contains(name) {
            throw ConsoleActionError.unknownCluster(name)
        }
        for index in snapshot.clusters.indices {
            let name = snapshot.clusters[index].name
            if change.downClusters.contains(name) { snapshot.clusters[index].available = false }
            if name == change.degradedCluster {
                let factor = max(1, change.linkFactor)
                snapshot.clusters[index].latencyMilliseconds = snapshot.clusters[index].latencyMilliseconds.mapValues {
                    $0 * factor
                }
                if var telemetry = snapshot.clusters[index].telemetry {
                    telemetry.latencyMilliseconds = telemetry.latencyMilliseconds.mapValues { $0 * factor }
                    snapshot.clusters[index].telemetry = telemetry
                }
            }
        }
        if let app = change.app, let index = snapshot.apps.firstIndex(where: { $0.name == app }) {
            if let qos = change.qosClass { snapshot.apps[index].qosClass = qos }
            if let budget = change.latencyBudgetMilliseconds { snapshot.apps[index].latencyBudgetMilliseconds = budget }
            if let cpu = change.cpuCores { snapshot.apps[index].cpuCores = cpu }
        }
        var current = snapshot.placements
        for (app, author) in view.authorship where author.honoured { current[app]?.pinned = true }
        let fixed = snapshot.invalidApps.keys.compactMap { app -> FixedPlacement? in
            guard let record = snapshot.placements[app], let cluster = record.cluster else { return nil }
            return FixedPlacement(
                app: app, cluster: cluster, cpuCores: record.cpuCores, memoryBytes: record.memoryBytes)
        }
        let outcome = engine.decide(
            apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy, current: current, fixed: fixed,
            stability: stability, nowSeconds: configuration.now().timeIntervalSince1970, trimmingToRecords: true)
        var moves: [WhatIfMove] = []
        for decision in outcome.decisions {
            let before = view.decisions[decision.app.name]?.cluster ?? snapshot.placements[decision.app.name]?.cluster
            guard decision.cluster != before || decision.app.name == change.app else { continue }
            moves.append(
                WhatIfMove(
                    app: decision.app.name, from: before, to: decision.cluster, reason: decision.reasons.first ?? ""))
        }
        return moves.sorted { $0.app < $1.app }
    }
}
