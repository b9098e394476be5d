import AppModel
import Foundation
import GitStore
import OCMClient
import PlacerCore

extension Reconciler {
    /// What one apply compared: the revision, its works (cluster and app only, to stay small), the names held by
    /// another owner, and the cache's count of foreign changes then.
    struct ApplyMemo: Sendable {
        var revision: String
        var works: [(cluster: String, app: String)]
        var conflicts: [String: String]
        var foreignChanges: Int
        var comparedAt: ContinuousClock.Instant
    }

    /// What the last publish of PlacementDecisions wrote (app → decision), with the cache's count of foreign
    /// changes then and the time of the last full publish.
    struct PublishMemo: Sendable {
        var placements: [String: DecisionPublisher.Decision]
        var foreignChanges: Int
        var comparedAt: ContinuousClock.Instant
    }

    /// A ManifestWork as committed under `rendered/`.
    struct DesiredWork: Sendable {
        var cluster: String
        var app: String
        var value: Value
    }

    /// Applies exactly what `revision` holds under `rendered/` (never an in-memory decision), then prunes
    /// Placer's ManifestWorks that left Git and reads the works' status back.
    ///
    /// Moves are make-before-break: every new work is applied and given up to `statusWaitSeconds` to become
    /// Available before any old one is deleted.
    func apply(_ plan: ReconcilePlan, source: String, revision: String) async throws -> ReconcileReport {
        var report = plan.report(revision: source, commit: plan.commit, applied: [], deleted: [])
        guard let hub, let revisionID = ObjectID(hex: revision) else { return report }
        let cached = hub as? CachedHub
        // Read from the caches once they have listed; until then (a hub slow to answer) the hub is asked directly.
        if let cached { _ = await cached.waitUntilSynced(timeout: .seconds(30)) }
        let foreignChanges = cached?.foreignChangeCount() ?? 0
        // The last comparison still holds for every work Git did not change since: no watch event said anyone else
        // changed a work, and the periodic full comparison is not due.
        let memo = applyMemo.flatMap {
            cached != nil && $0.foreignChanges == foreignChanges
                && ContinuousClock.now - $0.comparedAt < Self.fullCompareInterval ? $0 : nil
        }
        let unchanged = memo?.revision == revision
        var desired: [DesiredWork]
        var compare: [DesiredWork]  // the works to compare with the hub (and write where they differ)
        var conflicts: [String: String] = [:]  // app → why its ManifestWork was not written
        var fullCompare = false
        if let memo, unchanged {
            // The same revision, already compared.
            desired = memo.works.map { DesiredWork(cluster: $0.cluster, app: $0.app, value: .null) }
            compare = []
            conflicts = memo.conflicts
        } else if let memo, let since = ObjectID(hex: memo.revision),
            let changed = try? await repository.changedPaths(from: since, to: revisionID)
        {
            // A new revision: only the rendered files it changed are read and compared (a push of one app costs
            // one work, not the fleet); the others stand as compared then.
            let prefix = RepoLayout.renderedDirectory + "/"
            let paths = Set(changed.filter { $0.hasPrefix(prefix) })
            compare = paths.isEmpty ? [] : try await desiredWorks(at: revisionID, paths: paths.sorted())
            let touched = paths.compactMap { Self.work(ofRenderedPath: $0) }
            let touchedKeys = Set(touched.map { "\($0.cluster)/\($0.app)" })
            let touchedApps = Set(touched.map(\.app))
            desired =
                memo.works.filter { !touchedKeys.contains("\($0.cluster)/\($0.app)") }
                .map { DesiredWork(cluster: $0.cluster, app: $0.app, value: .null) } + compare
            conflicts = memo.conflicts.filter { !touchedApps.contains($0.key) }
        } else {
            desired = try await desiredWorks(at: revisionID)
            compare = desired
            fullCompare = true
        }
        lastApplyCompared = compare.count
        applyPhases = []
        var phaseStart = ContinuousClock.now
        func phaseEnds(_ phase: String) {
            let now = ContinuousClock.now
            applyPhases.append((phase, now - phaseStart))
            phaseStart = now
        }
        var applied: [String] = []
        do {
            // Each work's comparison and write is independent of the others', so they run concurrently, at most
            // `hubWriteConcurrency` in flight; the outcomes are taken in Git's order, so the report, the events and
            // the bookkeeping read as they did one at a time.
            let items = compare.map { work in (work: work, previous: lastApplied["\(work.cluster)/\(work.app)"]) }
            let outcomes = await BoundedTasks.run(items, limit: configuration.hubWriteConcurrency) { item in
                try await self.compareAndWrite(item.work, previousDigest: item.previous, on: hub, revision: revision)
            }
            for (item, outcome) in zip(items, outcomes) {
                guard case let .success(result)? = outcome else { continue }
                let work = item.work
                let key = "\(work.cluster)/\(work.app)"
                switch result {
                case let .conflict(owner):
                    conflicts[work.app] = "ManifestWork \(key) is owned by \(owner); not written"
                case let .unchanged(digest):
                    lastApplied[key] = digest
                case let .applied(digest, drift):
                    if let drift {
                        report.events.append(
                            "drift: ManifestWork \(key) was \(drift) on the hub; re-applied revision \(revision.prefix(12))"
                        )
                    }
                    lastApplied[key] = digest
                    applied.append(key)
                }
            }
            // A work that failed stops this reconcile as one failure did when they ran one at a time; the works
            // written beside it are recorded above first.
            _ = try BoundedTasks.settle(outcomes)
            desired.removeAll { conflicts[$0.app] != nil }
            if !unchanged {
                // A partial comparison keeps the time of the last full one, so the full one still comes when due.
                applyMemo = ApplyMemo(
                    revision: revision, works: desired.map { ($0.cluster, $0.app) }, conflicts: conflicts,
                    foreignChanges: foreignChanges,
                    comparedAt: fullCompare ? ContinuousClock.now : memo?.comparedAt ?? ContinuousClock.now)
            }
            phaseEnds("works")
            var states = try await readStatus(
                desired, waitSeconds: applied.isEmpty ? 0 : configuration.statusWaitSeconds)
            phaseEnds("status")
            let wanted = Set(desired.map { "\($0.cluster)/\($0.app)" })
            var deleted: [String] = []
            var blockedMoves: [String: (why: String, oldCluster: String)] = [:]  // app → why its old work stays
            // Only this instance's works: another instance's (or an unlabelled legacy one) is never pruned.
            let owned = try await ownedWorks(hub)
            var leaving: [(namespace: String, name: String)] = []
            for (namespace, name) in owned {
                let key = "\(namespace)/\(name)"
                if wanted.contains(key) || conflicts[name] != nil { continue }
                // Make-before-break: the old work stays until its replacement is available.
                if let replacement = desired.first(where: { $0.app == name }), let state = states[name],
                    state != .available
                {
                    let why =
                        "new placement on \(replacement.cluster) is not available (\(state.summary)); still running on \(namespace)"
                    blockedMoves[name] = (why, namespace)
                    logger.warning(
                        "keeping old ManifestWork until its replacement is available",
                        metadata: ["app": "\(name)", "cluster": "\(namespace)"])
                    continue
                }
                leaving.append((namespace, name))
            }
            // The mass-prune guard on the hub's side: it also covers a whole repo (or its rendered/) emptied at once.
            let pruning = leaving.filter { work in !desired.contains { $0.app == work.name } }.map(\.name)
            if !configuration.allowMassPrune, pruning.count > 1 {
                let share = Double(pruning.count) / Double(max(owned.count, 1))
                if share > configuration.maxPruneShare {
                    throw ReconcileError.massPrune(
                        apps: pruning.sorted(), share: share, limit: configuration.maxPruneShare)
                }
            }
            if leaving.contains(where: { work in desired.contains { $0.app == work.name } }) {
                try await Failpoint.moveBeforeDelete.hit()  // a move's new work is applied, its old one not yet gone
            }
            // Prunes come only now, after every new work above was applied (make-before-break), and are
            // independent of each other: bounded like the writes.
            let logger = logger
            let removals = await BoundedTasks.run(leaving, limit: configuration.hubWriteConcurrency) { work in
                try await hub.delete(.manifestWork, namespace: work.namespace, name: work.name)
                logger.info("deleted ManifestWork", metadata: ["app": "\(work.name)", "cluster": "\(work.namespace)"])
            }
            for (work, outcome) in zip(leaving, removals) {
                guard case .success? = outcome else { continue }
                let key = "\(work.namespace)/\(work.name)"
                lastApplied[key] = nil
                workStates[key] = nil
                deleted.append(key)
            }
            _ = try BoundedTasks.settle(removals)
            if !deleted.isEmpty { states = try await readStatus(desired, waitSeconds: 0) }
            phaseEnds("prune")
            for index in report.apps.indices where report.apps[index].phase == .progressing {
                let app = report.apps[index].app
                if let conflict = conflicts[app] {
                    report.apps[index].phase = .conflict
                    report.apps[index].reason = conflict
                    report.events.append("conflict: \(app): \(conflict)")
                } else if let blocked = blockedMoves[app] {
                    report.apps[index].phase = .degraded
                    report.apps[index].reason = blocked.why
                    report.events.append("move blocked: \(app): \(blocked.why)")
                } else if case let .failed(message)? = states[app] {
                    report.apps[index].phase = .degraded
                    report.apps[index].reason = "ManifestWork failed: \(message)"
                } else if states[app] == .available {
                    report.apps[index].phase = .ready
                }
            }
            report.applied = applied
            report.deleted = deleted
            if let namespace = configuration.decisionNamespace {
                let publisher = DecisionPublisher(
                    hub: hub, namespace: namespace, fleetPlacement: configuration.fleetPlacement,
                    instance: configuration.instance, source: configuration.source, logger: logger,
                    concurrency: configuration.hubWriteConcurrency)
                let reasons = Dictionary(uniqueKeysWithValues: report.apps.map { ($0.app, $0.reason) })
                var placements: [String: DecisionPublisher.Decision] = [:]
                for work in desired {
                    // An app whose move is blocked still runs on its old cluster: publish where it runs.
                    let running = blockedMoves[work.app]?.oldCluster ?? work.cluster
                    placements[work.app] = .init(cluster: running, reason: reasons[work.app] ?? "")
                }
                // Like the works: what was published stands while no watch event said someone else changed it and
                // the periodic full comparison is not due, so only changed decisions are published.
                let published = publishMemo.flatMap {
                    cached != nil && $0.foreignChanges == foreignChanges
                        && ContinuousClock.now - $0.comparedAt < Self.fullCompareInterval ? $0 : nil
                }
                if let published, published.placements == placements {
                    report.publishedDecisions = []
                } else {
                    let changed = published.map { memo in
                        Set(placements.filter { memo.placements[$0.key] != $0.value }.map(\.key))
                    }
                    let removed = published.map { !Set($0.placements.keys).isSubset(of: placements.keys) } ?? true
                    report.publishedDecisions = try await publisher.publish(
                        placements, only: changed, pruneStale: removed)
                    publishMemo = PublishMemo(
                        placements: placements, foreignChanges: foreignChanges,
                        comparedAt: published?.comparedAt ?? ContinuousClock.now)
                }
                phaseEnds("publish")
            }
        } catch let error as KubeError {
            throw ReconcileError.hubUnreachable(detail: error.description)
        }
        return report
    }

    /// What comparing one committed ManifestWork with the hub's came to.
    enum WorkOutcome: Sendable {
        /// Another owner holds the name: not written, not drift.
        case conflict(owner: String)
        /// The hub's already carries the committed intent (its digest).
        case unchanged(digest: String)
        /// Written; `drift` is "deleted" or "edited" when the hub's had changed since Placer applied this digest.
        case applied(digest: String, drift: String?)
    }

    /// Compares one committed work with the hub's and writes it when it differs: one task of apply's bounded
    /// group, so it touches no reconciler state but the drift event it records.
    /// - Parameter previousDigest: the digest Placer last applied for this work (drift when the hub differs).
    /// - Throws: ``KubeError`` from the hub's read or write.
    nonisolated func compareAndWrite(
        _ work: DesiredWork, previousDigest: String?, on hub: any Hub, revision: String
    ) async throws -> WorkOutcome {
        let key = "\(work.cluster)/\(work.app)"
        let body = work.value.canonicalJSONData()
        let digest = Digest.sha256(body)
        let live = try await hub.get(.manifestWork, namespace: work.cluster, name: work.app)
            .flatMap { try? Value.parseJSON($0, file: key) }
        if let live, case let .foreign(owner) = Ownership.claim(of: live, instance: configuration.instance) {
            // Not ours: never overwrite it, and never count it as drift.
            logger.error(
                "ManifestWork name taken by another owner; not writing",
                metadata: ["app": "\(work.app)", "cluster": "\(work.cluster)", "owner": "\(owner)"])
            return .conflict(owner: owner)
        }
        if let live, Self.matches(live: live, desired: work.value) { return .unchanged(digest: digest) }
        var drift: String?
        if previousDigest == digest {
            // Placer applied exactly this before, so someone changed or deleted it on the hub.
            let what = live == nil ? "deleted" : "edited"
            drift = what
            metrics.driftCorrected(change: what)
            logger.warning(
                "ManifestWork drifted; correcting",
                metadata: ["app": "\(work.app)", "cluster": "\(work.cluster)", "change": "\(what)"])
            await recordEvent(
                on: work, reason: "DriftCorrected",
                message: "ManifestWork was \(what) on the hub; Placer re-applied revision \(revision.prefix(12))")
        }
        _ = try await hub.apply(.manifestWork, namespace: work.cluster, name: work.app, body: body)
        logger.info(
            "applied ManifestWork",
            metadata: ["app": "\(work.app)", "cluster": "\(work.cluster)", "revision": "\(revision)"])
        return .applied(digest: digest, drift: drift)
    }

    /// The namespace and name of every ManifestWork this instance owns on the hub: from the cache's keys when it
    /// covers them (nothing decoded), else listed.
    func ownedWorks(_ hub: any Hub) async throws -> [(namespace: String, name: String)] {
        let selector = Ownership.selector(instance: configuration.instance)
        if let cached = hub as? CachedHub, let versions = await cached.versions(.manifestWork, labelSelector: selector)
        {
            return versions.keys.sorted().compactMap { key in
                let parts = key.split(separator: "/", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }
        }
        return try await hub.list(.manifestWork, namespace: nil, labelSelector: selector)
            .compactMap { try? ManifestWorkObject.decode($0) }
            .compactMap { live in live.metadata.namespace.map { ($0, live.metadata.name) } }
    }

    /// How long an unchanged revision goes without a full comparison against the cached works: edits that bump
    /// no generation (labels, annotations) are caught by this pass, others at once from their watch event.
    static let fullCompareInterval = Duration.seconds(600)

    /// Records a Kubernetes Event on the hub about `work` (best effort: an event that cannot be written is logged).
    func recordEvent(on work: DesiredWork, reason: String, message: String) async {
        guard let hub else { return }
        let now = ISO8601DateFormatter().string(from: configuration.now())
        let name = "\(work.app).\(Digest.sha256(Data((now + reason).utf8)).prefix(12))"
        let event: Value = .object([
            ("apiVersion", .string("v1")), ("kind", .string("Event")),
            (
                "metadata",
                .object([
                    ("name", .string(name)), ("namespace", .string(work.cluster)),
                    (
                        "labels",
                        .object([
                            (Labels.managedBy, .string("placer")), (Labels.owner, .string(configuration.instance)),
                        ])
                    ),
                ])
            ),
            (
                "involvedObject",
                .object([
                    ("apiVersion", .string("work.open-cluster-management.io/v1")), ("kind", .string("ManifestWork")),
                    ("name", .string(work.app)), ("namespace", .string(work.cluster)),
                ])
            ),
            ("reason", .string(reason)), ("message", .string(message)), ("type", .string("Warning")),
            ("source", .object([("component", .string("placer"))])),
            ("firstTimestamp", .string(now)), ("lastTimestamp", .string(now)), ("count", .int(1)),
        ])
        do {
            _ = try await hub.create(Self.eventKind, namespace: work.cluster, body: event.canonicalJSONData())
        } catch {
            logger.warning("could not record event: \(error)", metadata: ["app": "\(work.app)"])
        }
    }

    static let eventKind = ResourceKind(group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)

    /// The ManifestWorks committed under `rendered/` at `revision`, sorted by path; with `paths`, only those
    /// files (a path with nothing at `revision` is left out).
    func desiredWorks(at revision: ObjectID, paths: [String]? = nil) async throws -> [DesiredWork] {
        let files = try await repository.files(at: revision, under: paths ?? [RepoLayout.renderedDirectory])
        var works: [DesiredWork] = []
        for (path, file) in files.sorted(by: { $0.key < $1.key }) {
            guard let (cluster, app) = Self.work(ofRenderedPath: path) else { continue }
            do {
                guard let document = try YAMLLoader.load(file.data, file: path).first else { continue }
                // The owner label is the applier's identity, not the repo's content, so it is added here, not
                // committed: the same rendered/ applied by two instances (two branches) stays two owners' works.
                let value = Ownership.stamp(
                    document.value, instance: configuration.instance, source: configuration.source)
                works.append(DesiredWork(cluster: cluster, app: app, value: value))
            } catch {
                logger.error("skipping unreadable rendered file: \(error)")
            }
        }
        return works
    }

    /// The cluster and app of a rendered ManifestWork's path (`rendered/CLUSTER/APP.yaml`); nil for any other path.
    static func work(ofRenderedPath path: String) -> (cluster: String, app: String)? {
        let parts = path.split(separator: "/")
        guard parts.count == 3, parts[0] == RepoLayout.renderedDirectory, path.hasSuffix(".yaml") else { return nil }
        return (String(parts[1]), String(parts[2].dropLast(5)))
    }

    /// Whether the hub's object already carries the committed labels, annotations and spec (no write needed).
    ///
    /// The committed spec must be contained in the live one: fields the API server adds from the CRD's
    /// defaults (e.g. `feedbackScrapeType: Poll`) are not drift, but any committed value changed or removed is.
    static func matches(live: Value, desired: Value) -> Bool {
        for key in ["labels", "annotations"] {
            let want = desired["metadata"]?[key]?.objectValue ?? []
            for (name, value) in want where live["metadata"]?[key]?[name] != value { return false }
        }
        guard let spec = desired["spec"], let liveSpec = live["spec"] else { return desired["spec"] == live["spec"] }
        return contains(liveSpec, spec)
    }

    /// `whole` contains `part`: equal scalars, objects with every member of `part` contained, arrays of the
    /// same length contained element by element (lists are atomic in ManifestWork, so length must match).
    static func contains(_ whole: Value, _ part: Value) -> Bool {
        switch (whole, part) {
        case let (.object(wholePairs), .object(partPairs)):
            let members = Dictionary(wholePairs, uniquingKeysWith: { first, _ in first })
            return partPairs.allSatisfy { key, value in members[key].map { contains($0, value) } ?? false }
        case let (.array(wholeItems), .array(partItems)):
            return wholeItems.count == partItems.count && zip(wholeItems, partItems).allSatisfy { contains($0, $1) }
        default:
            return whole == part
        }
    }

    /// What the work agent reports for a ManifestWork.
    enum WorkState: Equatable {
        /// Available=True observed at the current generation.
        case available
        /// No current status yet.
        case progressing
        /// Applied=False or Available=False at the current generation.
        case failed(String)

        var summary: String {
            switch self {
            case .available: return "available"
            case .progressing: return "no status from the work agent yet"
            case let .failed(message): return message
            }
        }
    }

    /// Reads each work's conditions, waiting up to `waitSeconds` for every one to settle (available or failed).
    func readStatus(_ works: [DesiredWork], waitSeconds: Double) async throws -> [String: WorkState] {
        guard let hub else { return [:] }
        let deadline = Date().addingTimeInterval(waitSeconds)
        var result: [String: WorkState] = [:]
        var pending = works  // settled works (available or failed) are not read again while others settle
        let cached = hub as? CachedHub
        let selector = Ownership.selector(instance: configuration.instance)
        while true {
            // A work whose cached resourceVersion is the one its state was last read at has that state still
            // (status updates change the resourceVersion), so an idle pass decodes no work.
            let versions = await cached?.versions(.manifestWork, labelSelector: selector)
            for work in pending {
                let key = "\(work.cluster)/\(work.app)"
                if let version = versions?[key], let known = workStates[key], known.version == version {
                    result[work.app] = known.state
                    continue
                }
                guard let data = try await hub.get(.manifestWork, namespace: work.cluster, name: work.app),
                    let object = try? ManifestWorkObject.decode(data)
                else {
                    result[work.app] = .progressing
                    continue
                }
                defer {
                    if let version = object.metadata.resourceVersion, let state = result[work.app] {
                        workStates[key] = (version, state)
                    }
                }
                let generation = object.metadata.generation
                let conditions = object.status?.conditions ?? []
                let current = conditions.filter { $0.observedGeneration == generation }
                if let failing = current.first(where: {
                    ($0.type == "Applied" || $0.type == "Available") && $0.status == "False"
                }) {
                    result[work.app] = .failed(
                        "\(failing.type)=False \(failing.reason ?? ""): \(failing.message ?? "")")
                } else if current.contains(where: { $0.type == "Available" && $0.status == "True" }) {
                    result[work.app] = .available
                } else {
                    result[work.app] = .progressing
                }
            }
            pending.removeAll { result[$0.app] != .progressing }
            if pending.isEmpty || Date() >= deadline { return result }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
