import AppModel
import Foundation
import Logging
import OCMClient
import PlacerCore

/// Publishes Placer's choices as OCM Placements and PlacementDecisions, so OCM consumers (Argo CD's
/// ApplicationSet cluster-decision generator, ManifestWorkReplicaSets, add-on managers) can follow them.
///
/// Shape (CONTRACT.md §4-5): per app, a Placement `<app>` annotated so OCM's own placement controller leaves
/// it alone (`cluster.open-cluster-management.io/experimental-scheduling-disable: "true"`), and PlacementDecisions
/// `<app>-decision-<N>` labelled `cluster.open-cluster-management.io/placement=<app>`, owned by the Placement,
/// holding at most 100 decisions each. The fleet Placement (`fleetPlacement`) lists every cluster that runs
/// at least one app, its reason naming every app it runs (`runs a, b`). Only changed objects are written.
///
/// Apps are published concurrently, at most ``concurrency`` at once (each app's Placement before its decisions,
/// a decision's object before its status); the fleet Placement follows them, stale Placements go last.
struct DecisionPublisher: Sendable {
    /// OCM's per-object limit (`maxNumOfClusterDecisions`).
    static let maxDecisionsPerObject = 100
    static let placementLabel = "cluster.open-cluster-management.io/placement"
    static let groupIndexLabel = "cluster.open-cluster-management.io/decision-group-index"
    static let groupNameLabel = "cluster.open-cluster-management.io/decision-group-name"
    static let schedulingDisabled = "cluster.open-cluster-management.io/experimental-scheduling-disable"

    let hub: any Hub
    let namespace: String
    let fleetPlacement: String
    /// This instance's owner label value (``Ownership``): only Placements carrying it are updated or removed.
    let instance: String
    /// The `placer.dev/source` annotation (repo without credentials, and branch).
    let source: String
    let logger: Logger
    /// The most apps published at once (``ReconcilerConfiguration/hubWriteConcurrency``).
    var concurrency = 1

    /// One decision: a cluster and why (`reason` is free text; OCM's controller writes "").
    struct Decision: Hashable {
        var cluster: String
        var reason: String
    }

    /// Splits decisions into objects of at most ``maxDecisionsPerObject``, sorted by cluster name.
    static func chunks(_ decisions: [Decision]) -> [[Decision]] {
        let sorted = decisions.sorted { ($0.cluster, $0.reason) < ($1.cluster, $1.reason) }
        return stride(from: 0, to: sorted.count, by: maxDecisionsPerObject).map {
            Array(sorted[$0..<min($0 + maxDecisionsPerObject, sorted.count)])
        }
    }

    /// Publishes `placements` (app → cluster and top reason) and removes Placer's Placements of apps not listed.
    /// - Parameters:
    ///   - placements: every app's decision (the fleet Placement is derived from all of them).
    ///   - changed: the apps whose own Placement and decisions are written (nil: all); the others are known to stand
    ///     as published.
    ///   - pruneStale: whether Placer's Placements of apps not in `placements` are looked for and removed.
    /// - Returns: the names of PlacementDecisions written.
    func publish(
        _ placements: [String: Decision], only changed: Set<String>? = nil, pruneStale: Bool = true
    ) async throws -> [String] {
        var fleet: [String: [String]] = [:]  // cluster → every app it runs, sorted
        let sorted = placements.sorted(by: { $0.key < $1.key })
        for (app, decision) in sorted { fleet[decision.cluster, default: []].append(app) }
        // One app's Placement and decisions depend on nothing of another app's: bounded concurrent writes, the
        // names taken in app order. The first failure is reported once every started app has finished.
        let publishing = sorted.filter { changed?.contains($0.key) ?? true }
        var written = try await BoundedTasks.values(publishing, limit: concurrency) { entry in
            try await publish(placement: entry.key, decisions: [entry.value])
        }.flatMap { $0 }
        written += try await publish(
            placement: fleetPlacement,
            decisions: fleet.map { Decision(cluster: $0.key, reason: "runs \($0.value.joined(separator: ", "))") })
        guard pruneStale else { return written }
        let keep = Set(placements.keys).union([fleetPlacement])
        let stale = try await hub.list(
            .placement, namespace: namespace, labelSelector: Ownership.selector(instance: instance)
        ).compactMap { item in
            (try? Value.parseJSON(item)[path: "metadata.name"]?.stringValue).flatMap { $0 }
        }.filter { !keep.contains($0) }
        _ = try await BoundedTasks.values(stale, limit: concurrency) { name in
            // Deleting the Placement garbage-collects its decisions through their owner references; delete them
            // explicitly too (first), for hubs (and emulators) without a garbage collector.
            for decision in try await hub.list(
                .placementDecision, namespace: namespace, labelSelector: "\(Self.placementLabel)=\(name)")
            {
                if let decisionName = try? Value.parseJSON(decision)[path: "metadata.name"]?.stringValue {
                    try await hub.delete(.placementDecision, namespace: namespace, name: decisionName)
                }
            }
            try await hub.delete(.placement, namespace: namespace, name: name)
        }
        return written
    }

    private func publish(placement name: String, decisions: [Decision]) async throws -> [String] {
        guard let placement = try await ensurePlacement(name) else { return [] }
        let uid = placement[path: "metadata.uid"]?.stringValue ?? ""
        var written: [String] = []
        let chunks = Self.chunks(decisions)
        for (index, chunk) in chunks.enumerated() {
            try await Failpoint.publishDecisions.hit()
            let objectName = "\(name)-decision-\(index + 1)"
            let status: Value = .object([
                (
                    "decisions",
                    .array(
                        chunk.map {
                            .object([("clusterName", .string($0.cluster)), ("reason", .string($0.reason))])
                        })
                )
            ])
            let existing = try await hub.get(.placementDecision, namespace: namespace, name: objectName)
                .flatMap { try? Value.parseJSON($0) }
            // A decision from a Placer release without owner labels is adopted (labelled) on the way.
            let labelled = existing.map { Ownership.claim(of: $0, instance: instance) == .ours } ?? false
            if labelled, existing?["status"] == status { continue }
            if !labelled {
                _ = try await hub.apply(
                    .placementDecision, namespace: namespace, name: objectName,
                    body: decisionObject(objectName, placement: name, uid: uid).canonicalJSONData())
            }
            let statusBody = decisionObject(objectName, placement: name, uid: uid).setting("status", to: status)
            _ = try await hub.applyStatus(
                .placementDecision, namespace: namespace, name: objectName, body: statusBody.canonicalJSONData())
            written.append(objectName)
        }
        // Decisions beyond the current count (the placement shrank) go.
        for item in try await hub.list(
            .placementDecision, namespace: namespace, labelSelector: "\(Self.placementLabel)=\(name)")
        {
            guard let objectName = try? Value.parseJSON(item)[path: "metadata.name"]?.stringValue,
                let number = Int(objectName.split(separator: "-").last ?? ""), number > chunks.count
            else { continue }
            try await hub.delete(.placementDecision, namespace: namespace, name: objectName)
        }
        return written
    }

    /// The Placement `name`, created (or adopted from a Placer release without owner labels) when missing;
    /// nil when another owner holds that name, which is logged and left alone.
    private func ensurePlacement(_ name: String) async throws -> Value? {
        let existing = try await hub.get(.placement, namespace: namespace, name: name).flatMap {
            try? Value.parseJSON($0)
        }
        if let existing {
            switch Ownership.claim(of: existing, instance: instance) {
            case .ours: return existing
            case let .foreign(owner):
                logger.error(
                    "Placement name taken by another owner; not publishing it",
                    metadata: [
                        "placement": "\(namespace)/\(name)", "owner": "\(owner)",
                    ])
                return nil
            case .legacy: break  // re-applied below with the owner label
            }
        }
        let body: Value = .object([
            ("apiVersion", .string("cluster.open-cluster-management.io/v1beta1")), ("kind", .string("Placement")),
            (
                "metadata",
                .object([
                    ("name", .string(name)), ("namespace", .string(namespace)),
                    ("labels", .object([(Labels.managedBy, .string("placer")), (Labels.owner, .string(instance))])),
                    (
                        "annotations",
                        .object([(Self.schedulingDisabled, .string("true")), (Labels.source, .string(source))])
                    ),
                ])
            ),
            ("spec", .object([])),
        ])
        return try Value.parseJSON(
            try await hub.apply(.placement, namespace: namespace, name: name, body: body.canonicalJSONData()))
    }

    private func decisionObject(_ name: String, placement: String, uid: String) -> Value {
        .object([
            ("apiVersion", .string("cluster.open-cluster-management.io/v1beta1")),
            ("kind", .string("PlacementDecision")),
            (
                "metadata",
                .object([
                    ("name", .string(name)), ("namespace", .string(namespace)),
                    (
                        "labels",
                        .object([
                            (Self.placementLabel, .string(placement)), (Self.groupIndexLabel, .string("0")),
                            (Self.groupNameLabel, .string("")), (Labels.managedBy, .string("placer")),
                            (Labels.owner, .string(instance)),
                        ])
                    ),
                    (
                        "ownerReferences",
                        .array([
                            .object([
                                ("apiVersion", .string("cluster.open-cluster-management.io/v1beta1")),
                                ("kind", .string("Placement")),
                                ("name", .string(placement)), ("uid", .string(uid)), ("controller", .bool(true)),
                                ("blockOwnerDeletion", .bool(true)),
                            ])
                        ])
                    ),
                ])
            ),
        ])
    }
}
