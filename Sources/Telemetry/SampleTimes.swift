import AppModel
import Foundation

/// The time of the newest Prometheus sample seen per cluster and metric, across ``FleetObserver`` passes.
///
/// A pass that reads a metric fresh records its sample's time; a pass where it fell back (stale, missing, the hub
/// or the inventory used instead) leaves the time as it was, so the age reported keeps growing until live data
/// returns. Thread-safe.
final class SampleTimes: @unchecked Sendable {
    // Guarded by `lock`; @unchecked because NSLock-guarded state is invisible to the checker.
    private let lock = NSLock()
    private var newest: [String: [String: Date]] = [:]  // cluster → metric → sample time

    /// Records the fresh samples of `clusters` (``ClusterTelemetry/ageSeconds`` at `now`) and returns every known
    /// metric's age at `now`, in seconds, sorted by cluster then metric.
    func ages(of clusters: [ClusterSpec], now: Date) -> [(cluster: String, metric: String, seconds: Double)] {
        lock.withLock {
            for cluster in clusters {
                for (metric, age) in cluster.telemetry?.ageSeconds ?? [:] {
                    let sampled = now.addingTimeInterval(-age)
                    if newest[cluster.name]?[metric].map({ $0 < sampled }) ?? true {
                        newest[cluster.name, default: [:]][metric] = sampled
                    }
                }
            }
            return newest.sorted { $0.key < $1.key }.flatMap { cluster, metrics in
                metrics.sorted { $0.key < $1.key }.map { (cluster, $0.key, max(0, now.timeIntervalSince($0.value))) }
            }
        }
    }
}
