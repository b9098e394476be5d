import AppModel
import Foundation
import GitStore
import OCMClient

extension Reconciler {
    /// A ManifestWork as committed under `rendered/`.
    struct DesiredWork {
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
        let desired = try desiredWorks(at: revisionID)
        var applied: [String] = []
        do {
            for work in desired {
                let key = "\(work.cluster)/\(work.app)"
                if let current = try await hub.get(.manifestWork, namespace: work.cluster, name: work.app),
                    let live = try? Value.parseJSON(current, file: key), Self.matches(live: live, desired: work.value)
                {
                    continue
                }
                _ = try await hub.apply(.manifestWork, namespace: work.cluster, name: work.app, body: work.value.canonicalJSONData())
                applied.append(key)
                logger.info("applied ManifestWork", metadata: ["app": "\(work.app)", "cluster": "\(work.cluster)", "revision": "\(revision)"])
            }
            var statuses = try await readStatus(desired, waitSeconds: applied.isEmpty ? 0 : configuration.statusWaitSeconds)
            let wanted = Set(desired.map { "\($0.cluster)/\($0.app)" })
            var deleted: [String] = []
            for item in try await hub.list(.manifestWork, namespace: nil, labelSelector: "\(Labels.managedBy)=placer") {
                guard let live = try? ManifestWorkObject.decode(item), let namespace = live.metadata.namespace
                else { continue }
                let name = live.metadata.name
                let key = "\(namespace)/\(name)"
                if wanted.contains(key) { continue }
                if let replacement = statuses[name], replacement == .progressing {
                    logger.warning("keeping old ManifestWork until its replacement is available", metadata: ["app": "\(name)", "cluster": "\(namespace)"])
                    continue
                }
                try await hub.delete(.manifestWork, namespace: namespace, name: name)
                deleted.append(key)
                logger.info("deleted ManifestWork", metadata: ["app": "\(name)", "cluster": "\(namespace)"])
            }
            if !deleted.isEmpty { statuses = try await readStatus(desired, waitSeconds: 0) }
            for index in report.apps.indices {
                let app = report.apps[index]
                guard app.phase == .progressing || app.phase == .invalid, let status = statuses[app.app] else { continue }
                if app.phase == .progressing { report.apps[index].phase = status }
            }
            report.applied = applied
            report.deleted = deleted
        } catch let error as KubeError {
            throw ReconcileError.hubUnreachable(detail: error.description)
        }
        return report
    }

    func desiredWorks(at revision: ObjectID) throws -> [DesiredWork] {
        let files = try repository.files(at: revision, under: [RepoLayout.renderedDirectory])
        var works: [DesiredWork] = []
        for (path, file) in files.sorted(by: { $0.key < $1.key }) {
            let parts = path.split(separator: "/")
            guard parts.count == 3, path.hasSuffix(".yaml") else { continue }
            do {
                guard let document = try YAMLLoader.load(file.data, file: path).first else { continue }
                works.append(DesiredWork(cluster: String(parts[1]), app: String(parts[2].dropLast(5)), value: document.value))
            } catch {
                logger.error("skipping unreadable rendered file: \(error)")
            }
        }
        return works
    }

    /// Whether the hub's object already carries the committed labels, annotations and spec (no write needed).
    static func matches(live: Value, desired: Value) -> Bool {
        for key in ["labels", "annotations"] {
            let want = desired["metadata"]?[key]?.objectValue ?? []
            for (name, value) in want where live["metadata"]?[key]?[name] != value { return false }
        }
        return live["spec"] == desired["spec"]
    }

    /// Reads each work's conditions: Available=True for the current generation → Ready, else Progressing.
    func readStatus(_ works: [DesiredWork], waitSeconds: Double) async throws -> [String: AppStatus.Phase] {
        guard let hub else { return [:] }
        let deadline = Date().addingTimeInterval(waitSeconds)
        var result: [String: AppStatus.Phase] = [:]
        while true {
            for work in works {
                guard let data = try await hub.get(.manifestWork, namespace: work.cluster, name: work.app),
                    let object = try? ManifestWorkObject.decode(data)
                else {
                    result[work.app] = .progressing
                    continue
                }
                let available = object.status?.conditions[type: "Available"]
                let current = available?.status == "True" && available?.observedGeneration == object.metadata.generation
                result[work.app] = current ? .ready : .progressing
            }
            if !result.values.contains(.progressing) || Date() >= deadline { return result }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
