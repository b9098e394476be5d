import AppModel
import Foundation
import Logging
import ServiceLifecycle
import Telemetry

/// Re-evaluates when the metrics change, not only when Git does: every `intervalSeconds` it reads the fleet's
/// telemetry and, when a cluster's state changed materially since the last look, requests a reconcile through
/// the ``ReconcileTrigger`` (which coalesces it with webhook and inventory requests).
///
/// "Materially" is coarse on purpose, so that noise does not wake the loop: a cluster's availability or
/// ready-node share, cpu or memory use in steps of 10% of allocatable, latency to a zone in steps of 10%
/// (at least 1 ms), the energy price, or which source a metric fell back to.
public struct MetricsWatcher: Service {
    let reconciler: Reconciler
    let trigger: ReconcileTrigger
    /// Seconds between looks.
    public let intervalSeconds: Double
    let logger: Logger

    public init(
        reconciler: Reconciler, trigger: ReconcileTrigger, intervalSeconds: Double,
        logger: Logger = Logger(label: "placer.metrics")
    ) {
        self.reconciler = reconciler
        self.trigger = trigger
        self.intervalSeconds = intervalSeconds
        self.logger = logger
    }

    public func run() async throws {
        var last: [String: [String: String]] = [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown {
                try await Task.sleep(for: .milliseconds(Int(intervalSeconds * 1000)))
            }
            guard let clusters = await reconciler.currentTelemetry() else { continue }
            let now = Self.fingerprint(clusters)
            defer { last = now }
            guard !last.isEmpty else { continue }
            let changes = Self.describeChanges(from: last, to: now)
            guard !changes.isEmpty else { continue }
            logger.info(
                "metrics changed; requesting a reconcile",
                metadata: ["changes": "\(changes.prefix(5).joined(separator: "; "))"])
            await trigger.request(reason: "metrics changed: " + changes.prefix(5).joined(separator: "; "))
        }
    }

    /// Per cluster, per criterion, a coarse label of its state.
    static func fingerprint(_ clusters: [ClusterSpec]) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for cluster in clusters {
            var entry: [String: String] = ["available": cluster.available ? "yes" : "no"]
            if let telemetry = cluster.telemetry {
                if let ready = telemetry.nodeReadyFraction { entry["nodes ready"] = "\(Int((ready * 100).rounded()))%" }
                if let cpu = telemetry.cpuUsedCores, cluster.cpuCores > 0 {
                    entry["cpu"] = "\(Int((cpu / cluster.cpuCores * 10).rounded(.down)) * 10)%+"
                }
                if let memory = telemetry.memoryUsedBytes, cluster.memoryBytes > 0 {
                    entry["memory"] = "\(Int((memory / cluster.memoryBytes * 10).rounded(.down)) * 10)%+"
                }
                for (zone, milliseconds) in telemetry.latencyMilliseconds {
                    // Logarithmic steps of 10% (and nothing below 1 ms).
                    entry["latency to \(zone)"] =
                        "~\(Int(pow(1.1, (log(max(milliseconds, 1)) / log(1.1)).rounded())))ms"
                }
                if let price = telemetry.energyCostPerCoreHour { entry["energy price"] = String(format: "%.3f", price) }
                for (metric, source) in telemetry.sources { entry["\(metric) source"] = source }
            }
            result[cluster.name] = entry
        }
        return result
    }

    /// `hall-2-edge cpu 40%+ → 90%+`, one per changed criterion, sorted.
    static func describeChanges(from old: [String: [String: String]], to new: [String: [String: String]]) -> [String] {
        var changes: [String] = []
        for cluster in Set(old.keys).union(new.keys).sorted() {
            let before = old[cluster] ?? [:]
            let after = new[cluster] ?? [:]
            for key in Set(before.keys).union(after.keys).sorted() where before[key] != after[key] {
                changes.append("\(cluster) \(key) \(before[key] ?? "-") → \(after[key] ?? "-")")
            }
        }
        return changes
    }
}

extension Reconciler {
    /// The last decision's clusters with fresh telemetry, for ``MetricsWatcher``; nil before the first
    /// reconcile or without a telemetry source.
    public func currentTelemetry() async -> [ClusterSpec]? {
        guard let telemetry, let clusters = lastClusters else { return nil }
        return await telemetry.annotate(
            clusters: clusters, hubClusters: lastHubClusters, addOnScores: [], now: configuration.now())
    }
}
