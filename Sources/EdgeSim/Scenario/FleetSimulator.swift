import AppModel
import PDLC

/// Runs a ``PlacementStrategy`` over a ``SimulationScenario`` in fixed one-minute steps and measures how well
/// it served the fleet (``QualityMetrics``).
///
/// Each minute: events take effect; decisions whose apply delay has passed take effect (make-before-break:
/// the app runs at its old place until then); every ``SimulationTiming/evaluationIntervalMinutes`` the
/// strategy is called with the fleet as telemetry reports it (``clusterView(at:history:)``: samples up to the
/// previous minute, the hub's availability after its Lease grace period); then the minute is metered against
/// the truth. Deterministic: no clock, no randomness beyond what the scenario and the strategy carry.
public struct FleetSimulator: Sendable {
    public let scenario: SimulationScenario

    public init(scenario: SimulationScenario) {
        self.scenario = scenario
    }

    /// Runs one strategy from a fresh copy over the whole scenario. The strategy's clock (`nowSeconds`) counts
    /// seconds from the start of the warm-up, so it never runs backwards or below zero.
    /// - Parameter strategy: the rule to drive; its state evolves only inside this run.
    /// - Returns: the metrics over scenario minutes `0 ..< minutes` (warm-up minutes are not metered).
    public func run(_ strategy: any PlacementStrategy) -> QualityMetrics {
        var strategy = strategy
        var state = RunState()
        var accumulator = MetricsAccumulator()
        let timing = scenario.timing
        let first = -max(0, timing.warmupMinutes)
        for minute in first..<scenario.minutes {
            // Warm-up minutes replay minute 0's conditions.
            let now = max(0, minute)
            state.applyDue(at: minute, metered: minute >= 0, detail: &accumulator.detail)
            if (minute - first) % max(1, timing.evaluationIntervalMinutes) == 0 {
                let clusters = clusterView(at: now, history: state.history)
                let apps = scenario.apps.map { simulated in
                    var app = simulated.app
                    app.userZones = simulated.userZones(at: now)
                    return app
                }
                let placement = strategy.place(
                    apps: apps, clusters: clusters, current: state.effective, nowSeconds: Double((minute - first) * 60))
                let delay = minute == first ? 0 : max(0, timing.applyDelayMinutes)
                state.schedule(placement, apps: scenario.apps.map(\.app.name), due: minute + delay)
                state.applyDue(at: minute, metered: minute >= 0, detail: &accumulator.detail)
            }
            meter(minute: now, state: &state, into: &accumulator, metered: minute >= 0)
        }
        return accumulator.metrics(apps: scenario.apps.count, minutes: scenario.minutes)
    }

    /// Meters one minute against the truth and records the cpu samples telemetry will report next minute.
    private func meter(minute: Int, state: inout RunState, into accumulator: inout MetricsAccumulator, metered: Bool) {
        var demand: [String: Double] = [:]
        var memory: [String: Double] = [:]
        for simulated in scenario.apps {
            guard let cluster = state.effective[simulated.app.name] else { continue }
            demand[cluster, default: 0] += simulated.demand(at: minute)
            memory[cluster, default: 0] += simulated.app.memoryBytes * Self.memoryWorkingSetShare
        }
        var utilisations: [Double] = []
        let minuteOfDay = (scenario.startMinuteOfDay + minute) % 1440
        for cluster in scenario.clusters {
            if isDown(cluster.name, at: minute) {
                state.history[cluster.name] = nil
                continue
            }
            let used = min(demand[cluster.name, default: 0], cluster.cpuCores)
            var series = state.history[cluster.name, default: ClusterSamples()]
            series.append(cpu: used, memory: memory[cluster.name, default: 0], keep: scenario.timing.historyMinutes)
            state.history[cluster.name] = series
            guard metered else { continue }
            let utilisation = cluster.cpuCores > 0 ? demand[cluster.name, default: 0] / cluster.cpuCores : 0
            utilisations.append(utilisation)
            accumulator.detail.peakUtilisation[cluster.name] = max(
                accumulator.detail.peakUtilisation[cluster.name, default: 0], utilisation)
            accumulator.energyEUR += used * price(of: cluster, minuteOfDay: minuteOfDay) / 60
        }
        guard metered else { return }
        accumulator.addLoad(utilisations: utilisations)
        for simulated in scenario.apps {
            accumulator.detail.appMinutes += 1
            guard let name = state.effective[simulated.app.name],
                let cluster = scenario.clusters.first(where: { $0.name == name })
            else {
                accumulator.detail.unplacedMinutes += 1
                accumulator.violations += 1
                continue
            }
            accumulator.detail.appMinutesByCluster[name, default: 0] += 1
            if isDown(name, at: minute) {
                accumulator.detail.downMinutes += 1
                accumulator.violations += 1
                continue
            }
            var violated = false
            if demand[name, default: 0] > cluster.cpuCores + 1e-9 {
                accumulator.detail.saturatedMinutes += 1
                violated = true
            }
            let zones = simulated.userZones(at: minute)
            if !zones.isEmpty {
                let worst = zones.map { latency(from: cluster, to: $0, at: minute) ?? .infinity }.max() ?? 0
                if worst.isFinite { accumulator.latencies.append(worst) }
                if let budget = simulated.app.latencyBudgetMilliseconds, worst > budget {
                    accumulator.detail.latencyMinutes += 1
                    violated = true
                }
            }
            if violated { accumulator.violations += 1 }
        }
    }

    /// Share of its memory requests an app's working set uses (constant: memory is not what this scenario varies).
    static let memoryWorkingSetShare = 0.8
}

/// Placements and observations that evolve during one run.
struct RunState {
    /// Where each app runs now (app → cluster).
    var effective: [String: String] = [:]
    /// Decided but not yet applied: app → (target, or `nil` to stop it; scenario minute it takes effect).
    var pending: [String: (target: String?, due: Int)] = [:]
    /// cpu and memory samples per cluster, one a minute, while the cluster is up.
    var history: [String: ClusterSamples] = [:]

    mutating func schedule(_ placement: [String: String], apps: [String], due: Int) {
        for app in apps {
            let target = placement[app]
            if target == effective[app] {
                pending[app] = nil
            } else if let queued = pending[app], queued.target == target {
                continue
            } else {
                pending[app] = (target, due)
            }
        }
    }

    mutating func applyDue(at minute: Int, metered: Bool, detail: inout QualityMetrics.Detail) {
        for app in pending.keys.sorted() {
            guard let queued = pending[app], queued.due <= minute else { continue }
            if metered, let from = effective[app], let to = queued.target, from != to { detail.migrations += 1 }
            effective[app] = queued.target
            pending[app] = nil
        }
    }
}

/// The recent cpu and memory samples of one cluster, oldest first.
struct ClusterSamples {
    var cpuCores: [Double] = []
    var memoryBytes: [Double] = []

    mutating func append(cpu: Double, memory: Double, keep: Int) {
        cpuCores.append(cpu)
        memoryBytes.append(memory)
        if cpuCores.count > keep { cpuCores.removeFirst(cpuCores.count - keep) }
        if memoryBytes.count > keep { memoryBytes.removeFirst(memoryBytes.count - keep) }
    }
}
