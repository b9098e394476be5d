import AppModel
import Foundation
import GitStore
import OCMClient
import PDLC
import PlacerCore
import Telemetry

/// What the sub-steps of one reconcile hand to each other; each step reads what the earlier ones set.
struct ReconcileContext: Sendable {
    /// Decide even when the inputs equal the last decision's, and keep the stability state (`plan`, `explain`).
    var force = false
    /// The push attempt (1 on the first pass through the steps; the commit step retries from fetch on a race).
    var attempt = 1
    /// Set by ``ReconcileStep/commit`` when the branch moved during the push: run again from fetch.
    var retryFromFetch = false

    var tip: ObjectID?
    var snapshot: RepoSnapshot?
    /// Placer's outputs at the tip (`placements/` and `rendered/`, path → bytes), read when a decision needs them:
    /// from the tree when the tip was loaded, from Git when the tip's snapshot was reused.
    var outputs: [String: Data]?
    /// Digest of the placement files at the tip (their content is a decision input: a human's revert or pin).
    var placementDigest = ""
    /// Whether this reconcile is a full pass (every cache forgotten first; ``IncrementalState``).
    var fullPass = false
    var worldDigest = ""
    var inputsDigest = ""
    var prune: [String] = []
    var decided = false
    var decisions: [AppDecision] = []
    /// The engine's inputs of ``decisions``, to explain one of them in full later (``Evaluation``).
    var evaluation: Evaluation?
    var authors: [String: PlacementAuthorship] = [:]
    /// Apps bound by a pin or a human's placement in this decision.
    var pinned: Set<String> = []
    /// Per cluster, the privacy behind its valid learned forecast (`Placer-Privacy:` trailer value).
    var learnedForecasts: [String: String] = [:]
    /// Per cluster, its learning agent's lines for the console (``CommitMessage/agentNotes(_:now:)``).
    var agentNotes: [String: [String]] = [:]
    var plan: ReconcilePlan?
    var report: ReconcileReport?
    /// `--mode propose`: the open proposal, what the step did with it, and the apps it proposes.
    var proposal: String?
    var proposalEvents: [String] = []
    var awaitingMerge: [String: AwaitingMerge] = [:]

    /// The value a step needs from an earlier one.
    func require<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw ReconcileContextError(missing: what) }
        return value
    }
}

/// A step ran before the one that sets what it needs (a programming error, never an input error).
struct ReconcileContextError: Error, CustomStringConvertible {
    var missing: String
    var description: String { "internal: reconcile step ran without \(missing)" }
}

/// A reconcile that stalled: nothing is retried until the tracked branch moves.
struct StalledReconcile: Sendable {
    var revision: String
    var step: ReconcileStep
    var error: ReconcileError
}

extension Reconciler {
    /// Runs one reconcile: the sub-steps of ``ReconcileStep`` in order, stopping at the first error, and always
    /// finalising the ``StatusStore``.
    ///
    /// Unchanged inputs make no commit and no hub writes; Placer's own commits are not new inputs. A reconcile that
    /// stalled (``NextAction/stall``) does no work again until the tracked branch moves.
    /// - Returns: what was decided, committed and applied; the apps' phases derived from their conditions.
    /// - Throws: ``ReconcileError`` (repo or hub unreachable, branch missing, push kept failing, mass prune).
    public func reconcileOnce() async throws -> ReconcileReport {
        // The pass's trees (snapshot, decisions, rendered bytes) are freed when `reconcilePass` returns; give them
        // back to the kernel if they grew the RSS (``HeapTrimmer``).
        defer { trimHeap() }
        return try await reconcilePass()
    }

    /// After a pass: trims malloc's arenas when the RSS grew past the configured threshold since the last trim.
    func trimHeap() {
        guard let threshold = configuration.heapTrimThresholdBytes else { return }
        heapTrimmer.thresholdBytes = threshold
        if let (before, after) = heapTrimmer.trimIfGrown() {
            logger.debug(
                "heap trimmed after reconcile",
                metadata: ["rssBeforeMiB": "\(before >> 20)", "rssAfterMiB": "\(after >> 20)"])
        }
    }

    /// Heap trims done after reconciles since start (``trimHeap()``; `bench scale` prints it).
    public func heapTrims() -> Int { heapTrimmer.trims }

    /// One reconcile's work (``reconcileOnce()`` without the heap trim).
    private func reconcilePass() async throws -> ReconcileReport {
        await status.beginReconcile(at: configuration.now())
        let started = ContinuousClock.now
        stepDurations = [:]
        var step = ReconcileStep.fetch
        var revision: String?
        var attempt = 0
        var replayed = false  // a stalled reconcile's error said again, no guard ran
        do {
            while true {
                attempt += 1
                var context = ReconcileContext(attempt: attempt)
                for next in ReconcileStep.allCases {
                    step = next
                    let stepStarted = ContinuousClock.now
                    defer { stepDurations[next.rawValue, default: .zero] += ContinuousClock.now - stepStarted }
                    try await run(next, &context)
                    revision = context.tip?.hex ?? revision
                    if let stalled, next == .fetch, stalled.revision == revision {
                        step = stalled.step
                        replayed = true
                        throw stalled.error  // nothing changed since the reconcile stalled: wait for a human
                    }
                    if context.retryFromFetch { break }
                }
                if context.retryFromFetch {
                    logger.info(
                        "branch moved while pushing; re-deriving on the new head", metadata: ["attempt": "\(attempt)"])
                    try await Task.sleep(for: Self.pushBackoff(attempt: attempt))
                    continue
                }
                let report = try await finalise(context)
                stalled = nil
                metrics.reconcileFinished(result: "success", duration: ContinuousClock.now - started)
                metrics.reconcileSucceeded(atSecondsSinceEpoch: configuration.now().timeIntervalSince1970)
                return report
            }
        } catch is CancellationError {
            throw CancellationError()  // shutting down: not a failure of the loop
        } catch {
            if let error = error as? ReconcileError, error.nextAction == .stall, let revision {
                stalled = StalledReconcile(revision: revision, step: step, error: error)
            }
            if !replayed, let error = error as? ReconcileError {
                switch error {
                case .massPrune: metrics.pruneRefused(reason: "MassPrune")
                case .emptyRepo: metrics.pruneRefused(reason: "EmptyRepo")
                default: break
                }
            }
            await status.fail(error, step: step, revision: revision, at: configuration.now())
            await status.persist(stability)
            metrics.reconcileFinished(
                result: NextAction.after(error).rawValue, duration: ContinuousClock.now - started)
            throw error
        }
    }

    /// Runs one sub-step. The one signature every step shares.
    func run(_ step: ReconcileStep, _ context: inout ReconcileContext) async throws {
        switch step {
        case .fetch:
            context.tip = try await fetchTip()
            try await Failpoint.afterFetch.hit()
        case .load: try await load(&context)
        case .observe: try await observe(&context)
        case .decide:
            try await decide(&context)
            try await Failpoint.afterDecide.hit()
        case .render: try render(&context)
        case .commit:
            if configuration.mode == .propose { try await propose(&context) } else { try await commit(&context) }
        case .apply:
            let plan = try context.require(context.plan, "a plan")
            let tip = try context.require(context.tip, "a tip")
            // Propose mode applies what the tracked branch holds; the proposal waits for review.
            let revision = configuration.mode == .propose ? tip.hex : (plan.commit ?? tip.hex)
            var report = try await apply(plan, source: tip.hex, revision: revision)
            if configuration.mode == .propose {
                report.proposal = context.proposal
                report.events.insert(contentsOf: context.proposalEvents, at: 0)
            }
            context.report = report
        }
    }

    /// Loads, observes, decides and renders at `tip` (the planning steps) without committing or applying.
    /// - Parameter force: decide even when the inputs equal the last decision's (for `plan` and `explain`).
    func makePlan(at tip: ObjectID, force: Bool = false) async throws -> ReconcilePlan {
        var context = ReconcileContext(force: force)
        context.tip = tip
        for step in ReconcileStep.planning { try await run(step, &context) }
        return try context.require(context.plan, "a plan")
    }

    /// Hands the pass to the ``StatusStore`` and persists the stability state when it changed.
    /// - Returns: the report with each app's phase, reason and conditions as the store finalised them.
    private func finalise(_ context: ReconcileContext) async throws -> ReconcileReport {
        var report = try context.require(context.report, "a report")
        let plan = try context.require(context.plan, "a plan")
        let now = configuration.now()
        var decisions: [String: LastDecision] = [:]
        // Once, not per decision: a cold pass at 10,000 apps changes some 20,000 files (each app against every path
        // cost two minutes).
        let changedApps = Set(plan.changes.keys.compactMap { Self.appName(ofOutput: $0) })
        for decision in plan.decisions {
            let app = decision.app.name
            var (outcome, reason) = Self.outcome(of: decision, pinned: context.pinned.contains(app))
            var commit = changedApps.contains(app) ? plan.commit : nil
            if let merge = context.awaitingMerge[app] {
                (outcome, reason) = (.proposed, merge.reason)
                commit = context.proposal
            }
            decisions[app] = LastDecision(
                cluster: decision.cluster, outcome: outcome, reason: reason, at: now, commit: commit)
        }
        let pass = ReconcilePass(
            report: report, decided: plan.decided, decisions: decisions, awaitingMerge: context.awaitingMerge)
        report.apps = await status.finish(pass, at: now)
        recordDecisions(plan, context: context)
        keepConsoleView(
            plan, revision: try context.require(context.tip, "a tip").hex, authors: context.authors,
            agents: context.agentNotes, events: report.events, at: now)
        await status.persist(stability)
        return report
    }

    /// Counts the pass's decisions by PDLC outcome, and the apps that changed cluster on the tracked branch by the
    /// deciding code (a proposal moves nothing until merged; a pin or rollback moves as `Pinned`).
    private func recordDecisions(_ plan: ReconcilePlan, context: ReconcileContext) {
        guard plan.decided else { return }
        for decision in plan.decisions {
            metrics.decided(outcome: decision.outcome.rawValue)
            if decision.moves, context.awaitingMerge[decision.app.name] == nil {
                metrics.moved(reason: decision.outcome.rawValue)
            }
        }
    }

    /// A decision as an outcome code and one line. A pinned app whose cluster the filters refuse is
    /// ``LastDecision/Outcome/pinnedInfeasible``, its line naming the filters' reasons.
    static func outcome(of decision: AppDecision, pinned: Bool) -> (LastDecision.Outcome, String) {
        let reason = decision.reasons.first ?? ""
        guard let cluster = decision.cluster else { return (.unplaced, reason) }
        if pinned {
            if let refusal = decision.rejected.first(where: { $0.cluster == cluster }) {
                let why = refusal.reasons.isEmpty ? "refused" : refusal.reasons.joined(separator: "; ")
                return (.pinnedInfeasible, "pinned to \(cluster) by a human, but \(cluster) fails its filters: \(why)")
            }
            return (.pinned, reason)
        }
        // PDLC's own code, folded into the store's coarser vocabulary (no re-derivation from the decision's fields).
        switch decision.outcome {
        case .moved, .evacuated, .shed: return (.moved, reason)
        case .heldByHysteresis: return (.held, reason)
        case .placed: return (.placed, reason)
        case .kept, .pinned, .unplaced: return (.kept, reason)
        }
    }

    // MARK: The steps

    /// Where repo loading runs: it may start `kubectl kustomize` and wait for it, which must not hold a thread of
    /// the cooperative pool.
    static let loaderQueue = BlockingQueue(label: "placer.loader")

    /// load: the tree at the tip (symlinks, LFS pointers, submodules checked) into a snapshot.
    ///
    /// Incremental (``IncrementalState``): the tip loaded last time is not read again; a new tip is read whole but
    /// only apps and placement files whose content changed are parsed. A full pass (the first reconcile, every
    /// ``ReconcilerConfiguration/fullPassIntervalSeconds``, a change under `policies/`) forgets the caches first.
    /// - Throws: ``ReconcileError/inputs(_:)`` when the repo-wide inputs (policy, inventory) are broken.
    func load(_ context: inout ReconcileContext) async throws {
        let tip = try context.require(context.tip, "a tip")
        let now = configuration.now()
        if let last = incremental.lastFullPass, now.timeIntervalSince(last) < configuration.fullPassIntervalSeconds {
            context.fullPass = false
        } else {
            startFullPass(at: now, &context)
        }
        if let loaded = incremental.loaded, loaded.tip == tip {
            // The tip loaded last time: its parse, without reading a blob.
            context.snapshot = loaded.snapshot
            context.placementDigest = loaded.placementDigest
            incremental.incrementalPasses += context.fullPass ? 0 : 1
            return
        }
        let tree = RepoTree(
            gitFiles: try await repository.files(at: tip), submodules: try await repository.submodulePaths(at: tip))
        let files = tree.readableFiles
        let policyDigest = Digest.sha256(files: files.filter { $0.key.hasPrefix(RepoLayout.policiesDirectory + "/") })
        if !context.fullPass, let loaded = incremental.loaded, loaded.snapshot.policyDigest != policyDigest {
            startFullPass(at: now, &context)  // a policy change reaches every decision: decide it all afresh
        }
        // Loading may run `kubectl kustomize` (a child process): off the cooperative pool.
        let presets = configuration.presets
        let cache = incremental.parsed
        let (snapshot, parsed) = try await Self.loaderQueue.run {
            var cache = cache
            let snapshot = RepoLoader.load(tree: tree, presets: presets, cache: &cache)
            return (snapshot, cache)
        }
        incremental.parsed = parsed
        if !context.fullPass { incremental.incrementalPasses += 1 }
        logger.debug(
            "loaded the app repo",
            metadata: [
                "revision": "\(tip.hex)", "pass": "\(context.fullPass ? "full" : "incremental")",
                "parsed": "\(parsed.misses)", "reused": "\(parsed.hits)",
            ])
        if !snapshot.repoErrors.isEmpty {
            incremental.loaded = nil
            if configuration.logsInputErrors {
                for error in snapshot.repoErrors { logger.error("\(error.description)") }
            }
            throw ReconcileError.inputs(snapshot.repoErrors.map(\.description))
        }
        let outputs = files.filter { RepoLayout.isOutput($0.key) }
        context.outputs = outputs
        context.placementDigest = Self.placementDigest(outputs)
        incremental.loaded = IncrementalState.LoadedTip(
            tip: tip, snapshot: snapshot, placementDigest: context.placementDigest)
        context.snapshot = snapshot
    }

    /// Forgets the incremental caches: this reconcile reads, parses and renders everything.
    private func startFullPass(at now: Date, _ context: inout ReconcileContext) {
        incremental.reset()
        incremental.lastFullPass = now
        incremental.fullPasses += 1
        context.fullPass = true
    }

    /// Digest of the files under `placements/` among `files` (a decision input).
    static func placementDigest(_ files: [String: Data]) -> String {
        Digest.sha256(files: files.filter { $0.key.hasPrefix(RepoLayout.placementsDirectory + "/") })
    }

    /// Placer's outputs at the tip (`placements/`, `rendered/`), read from Git when the load reused the snapshot.
    func outputs(_ context: inout ReconcileContext) async throws -> [String: Data] {
        if let outputs = context.outputs { return outputs }
        let tip = try context.require(context.tip, "a tip")
        let tree = RepoTree(
            gitFiles: try await repository.files(at: tip, under: RepoLayout.outputDirectories), submodules: [])
        let outputs = tree.readableFiles
        context.outputs = outputs
        return outputs
    }

    /// observe: the ``FleetObserver``'s one pass over the inventory, the hub's ManagedClusters and
    /// AddOnPlacementScores, and telemetry; the inputs digest of the world.
    func observe(_ context: inout ReconcileContext) async throws {
        var snapshot = try context.require(context.snapshot, "a snapshot")
        try await refuseEmptyRepo(snapshot: snapshot)
        let observation: FleetObservation
        do {
            observation = try await observer.observe(inventory: snapshot.clusters, now: configuration.now())
        } catch {
            throw ReconcileError.hubUnreachable(detail: "\(error)")
        }
        snapshot.clusters = observation.clusters
        lastClusters = observation.clusters  // the metrics watcher re-reads telemetry on these
        lastHubClusters = observation.managedClusters
        lastPolicy = snapshot.policy
        context.learnedForecasts = CommitMessage.learnedForecasts(observation.addOnScores, now: configuration.now())
        context.agentNotes = CommitMessage.agentNotes(observation.addOnScores, now: configuration.now())
        let inventoryDigest = Digest.sha256(
            Data(
                snapshot.clusters.map { cluster in
                    let scores = cluster.addOnScores.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                    let labels = cluster.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                        separator: ";")
                    return
                        "\(cluster.name):\(cluster.available):\(cluster.cpuCores):\(cluster.memoryBytes):\(labels):\(scores.joined(separator: ";")):\(cluster.expiredAddOnScores.sorted())"
                }.joined(separator: ",").utf8))
        // Placement files count too: a human's revert, pin or deletion of one is a decision input.
        context.worldDigest = snapshot.inputsDigest + inventoryDigest
        context.inputsDigest = Digest.sha256(Data((context.worldDigest + context.placementDigest).utf8))
        context.snapshot = snapshot
    }

    /// decide: the mass-prune guard, then PDLC (skipped when the inputs equal the last decision's and no live
    /// telemetry makes every evaluation count).
    /// - Throws: ``ReconcileError/massPrune(apps:share:limit:)`` when more than the allowed share of apps would go.
    func decide(_ context: inout ReconcileContext) async throws {
        let snapshot = try context.require(context.snapshot, "a snapshot")
        let tip = try context.require(context.tip, "a tip")
        let directories = Set(snapshot.appDirectories)  // a lookup per placement: 10,000 × 10,000 as an array
        let prune = snapshot.placements.keys.filter { !directories.contains($0) }.sorted()
        let known = Set(snapshot.placements.keys).union(directories).count
        if !prune.isEmpty, !configuration.allowMassPrune {
            let share = Double(prune.count) / Double(max(known, 1))
            if share > configuration.maxPruneShare && prune.count > 1 {
                throw ReconcileError.massPrune(apps: prune, share: share, limit: configuration.maxPruneShare)
            }
        }
        context.prune = prune
        // With live metrics every evaluation counts (stability needs N consecutive ones), so none is skipped; while
        // Prometheus is down the metrics are fallbacks (hub, inventory), so only a change of Git or the inventory
        // decides: nothing moves on fallback data alone (DependencyHealth said so once when the outage began).
        let liveTelemetry = telemetry != nil && !health.isDown(.prometheus)
        guard context.force || liveTelemetry || context.inputsDigest != lastDecisionInputs else {
            context.snapshot = Self.refusing(lastConflicts, in: snapshot)
            return
        }
        let existing = try await outputs(&context)  // render compares with them
        // The stability state from before a restart or a change of leader, read once.
        if let restored = await status.restoreStabilityOnce() { stability = restored }
        if configuration.logsInputErrors {
            for error in snapshot.allErrors {
                logger.error("\(error.description)", metadata: ["revision": "\(tip.hex)"])
            }
        }
        let fixed = snapshot.invalidApps.keys.compactMap { app -> FixedPlacement? in
            guard let record = snapshot.placements[app], let cluster = record.cluster else { return nil }
            return FixedPlacement(
                app: app, cluster: cluster, cpuCores: record.cpuCores, memoryBytes: record.memoryBytes)
        }
        // A human's placement (a revert, an edit, `placer rollback`) binds like a pin until the app changes.
        let authors = try await placementAuthorship(at: tip, placements: snapshot.placements)
        var current = snapshot.placements
        for (app, author) in authors where author.honoured { current[app]?.pinned = true }
        let evaluation = Evaluation(
            apps: snapshot.apps, clusters: snapshot.clusters, policy: snapshot.policy, current: current, fixed: fixed,
            stability: stability, nowSeconds: configuration.now().timeIntervalSince1970, authors: authors,
            placements: snapshot.placements)
        // An incremental pass explains in full only the decisions whose record it rewrites: every other record keeps
        // its committed bytes, and the commit message, statuses and stability read only what the standing
        // explanation holds (the same as in full). A full pass (start, policy change, the long interval), `plan`,
        // `explain` and ``ReconcilerConfiguration/explainsEveryDecision`` explain every decision; the console
        // explains one on demand (``consoleView(explaining:)``).
        let placements = snapshot.placements
        let everyDecision = context.fullPass || context.force || configuration.explainsEveryDecision
        // A reconcile keeps each decision to its record's clusters (the console explains one again when read);
        // `plan`, `explain` and explainsEveryDecision keep every cluster's explanation.
        let outcome = evaluation.decide(
            engine,
            explainingFully: everyDecision
                ? nil
                : { decision in
                    let app = decision.app.name
                    return !Self.keepsRecord(
                        of: decision, committed: placements[app],
                        hasFile: existing[RepoLayout.placementPath(app: app)] != nil)
                }, trimmingToRecords: !context.force && !configuration.explainsEveryDecision)
        var decisions = outcome.decisions
        if !context.force { stability = outcome.stability }
        // Two apps on one cluster defining the same object: the later by name keeps its last placement, Invalid.
        let conflicts = Self.sharedObjectConflicts(decisions)
        if !context.force { lastConflicts = conflicts }
        if !conflicts.isEmpty {
            if configuration.logsInputErrors {
                for error in conflicts.sorted(by: { $0.key < $1.key }).flatMap(\.value) {
                    logger.error("\(error.description)")
                }
            }
            decisions.removeAll { conflicts[$0.app.name] != nil }
            context.snapshot = Self.refusing(conflicts, in: snapshot)
        }
        context.pinned = Set(current.filter { $0.value.pinned && $0.value.cluster != nil }.keys)
        context.decided = true
        context.decisions = decisions
        context.evaluation = evaluation
        context.authors = authors
    }

    /// Whether render keeps the committed record of `decision` as it is: the same decision (id and cluster) over
    /// the same feasible clusters, with the record's file at the tip. Render rewrites every other record, from the
    /// decision's full explanation.
    static func keepsRecord(of decision: AppDecision, committed: PlacementRecord?, hasFile: Bool) -> Bool {
        guard let committed, hasFile, committed.decisionID == decision.decisionID,
            committed.cluster == decision.cluster, committed.candidates.isEmpty == decision.candidates.isEmpty
        else { return false }
        return Set(committed.rejected.map(\.cluster)) == Set(decision.rejected.map(\.cluster))
    }

    /// render: placement records and ManifestWorks as file changes, and the commit message.
    func render(_ context: inout ReconcileContext) throws {
        let snapshot = try context.require(context.snapshot, "a snapshot")
        let tip = try context.require(context.tip, "a tip")
        guard context.decided else {
            // Same inputs as the last decision: nothing new to say either (errors were logged then).
            context.plan = ReconcilePlan(
                snapshot: snapshot, decisions: [], changes: [:], commitMessage: "", pruned: [], decided: false,
                inputsDigest: context.inputsDigest)
            return
        }
        let decisions = context.decisions
        let honoured = Set(context.authors.filter(\.value.honoured).keys)
        let existing = try context.require(context.outputs, "the outputs at the tip")
        let changes = try render(
            decisions, prune: context.prune, snapshot: snapshot, existing: existing, humanDecided: honoured)
        let message = CommitMessage.make(
            decisions: decisions, changes: changes, pruned: context.prune, inputsDigest: context.inputsDigest,
            revision: tip.hex, template: configuration.messageTemplate, branch: configuration.branch,
            mode: configuration.mode.rawValue, clusters: snapshot.clusters, pinned: context.pinned,
            learned: context.learnedForecasts, policy: snapshot.policy)
        // After Placer's own commit lands, its new placement files are not a new input.
        var committedPlacements = existing.filter { $0.key.hasPrefix(RepoLayout.placementsDirectory + "/") }
        for (path, data) in changes where path.hasPrefix(RepoLayout.placementsDirectory + "/") {
            committedPlacements[path] = data
        }
        context.plan = ReconcilePlan(
            snapshot: snapshot, decisions: decisions, changes: changes, commitMessage: message, pruned: context.prune,
            decided: true, inputsDigest: context.inputsDigest, authorship: context.authors,
            evaluation: context.evaluation,
            inputsDigestAfterCommit: Digest.sha256(
                Data((context.worldDigest + Digest.sha256(files: committedPlacements)).utf8)))
    }

    /// commit: one placement commit pushed to the tracked branch (none when nothing changed). A push that lost a
    /// race asks the runner to start again from fetch, up to ``ReconcilerConfiguration/maxPushAttempts``.
    /// - Throws: ``ReconcileError/pushFailed(attempts:detail:)`` when the branch kept moving.
    func commit(_ context: inout ReconcileContext) async throws {
        var plan = try context.require(context.plan, "a plan")
        let tip = try context.require(context.tip, "a tip")
        if !plan.changes.isEmpty {
            do {
                plan.commit = try await commitAndPush(plan, parent: tip)
            } catch let error as GitError where error.isNonFastForward {
                guard context.attempt < configuration.maxPushAttempts else {
                    throw ReconcileError.pushFailed(attempts: context.attempt, detail: error.description)
                }
                context.retryFromFetch = true
                return
            }
        }
        if plan.decided {
            lastDecisionInputs =
                plan.commit == nil ? plan.inputsDigest : (plan.inputsDigestAfterCommit ?? plan.inputsDigest)
            if handOverPending { lastDecisionInputs = nil }  // finish the hand-over on the next pass
        }
        context.plan = plan
    }

    /// `snapshot` with the conflicting apps (``sharedObjectConflicts(_:)``) moved from its apps to its invalid apps.
    static func refusing(_ conflicts: [String: [ModelError]], in snapshot: RepoSnapshot) -> RepoSnapshot {
        guard !conflicts.isEmpty else { return snapshot }
        var updated = snapshot
        for (app, errors) in conflicts { updated.invalidApps[app] = errors }
        updated.apps.removeAll { conflicts[$0.name] != nil }
        return updated
    }

    /// Objects two apps would put on one cluster: identity is API group, kind, namespace, name and the target
    /// cluster, never a file. Whichever ManifestWork was applied last would own such an object, and removing
    /// either app would delete it under the other, so the app later by name is refused (it keeps its last
    /// placement) with an error naming both files. Namespaces are exempt: every CodecoApp of a namespace ships
    /// it, and OCM's work agent keeps a shared object until its last owner goes.
    /// - Returns: app → its errors, one per object it shares.
    static func sharedObjectConflicts(_ decisions: [AppDecision]) -> [String: [ModelError]] {
        var claimed: [String: (app: String, source: String)] = [:]  // "<cluster> <identity>" → first claimant
        var conflicts: [String: [ModelError]] = [:]
        for decision in decisions.sorted(by: { $0.app.name < $1.app.name }) {
            guard let cluster = decision.cluster else { continue }
            let app = decision.app
            var errors: [ModelError] = []
            for manifest in app.manifests where manifest["kind"]?.stringValue != "Namespace" {
                let identity = ManifestAppParser.identity(of: manifest)
                let source = app.objectSources[identity] ?? "\(app.sourceFile):1"
                guard let owner = claimed["\(cluster) \(identity)"] else { continue }
                let kind = manifest["kind"]?.stringValue ?? "object"
                let namespace = manifest["metadata"]?["namespace"]?.stringValue.map { "\($0)/" } ?? ""
                let name = manifest["metadata"]?["name"]?.stringValue ?? ""
                let parts = source.split(separator: ":")
                errors.append(
                    ModelError(
                        file: String(parts.first ?? ""), line: parts.count > 1 ? Int(parts[1]) ?? 1 : 1,
                        message:
                            "\(kind) \(namespace)\(name) on \(cluster) is also defined by app \(owner.app) at \(owner.source); an object belongs to one app (move it there, or rename one)"
                    ))
            }
            if !errors.isEmpty {
                conflicts[app.name] = errors
                continue
            }
            for manifest in app.manifests {
                let identity = ManifestAppParser.identity(of: manifest)
                let key = "\(cluster) \(identity)"
                claimed[key] = claimed[key] ?? (app.name, app.objectSources[identity] ?? app.sourceFile)
            }
        }
        return conflicts
    }
}
