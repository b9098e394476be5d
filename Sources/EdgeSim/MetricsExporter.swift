import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Raw node metrics of simulated edge clusters, served in the Prometheus text exposition format (version 0.0.4,
/// https://prometheus.io/docs/instrumenting/exposition_formats/) for Debian's `prometheus` to scrape.
///
/// One HTTP server on 127.0.0.1 serves every cluster at `/clusters/<name>/metrics` (one port for all: one scrape
/// target per cluster with its own `metrics_path`). Each cluster exposes what node-exporter, Kepler and
/// kube-state-metrics would, one series set per simulated node (`<cluster>-node-<i>`, in the `instance` label,
/// so scrape with `honor_labels: true`):
///
/// | series | type | made from |
/// | --- | --- | --- |
/// | `node_cpu_seconds_total{instance,cpu,mode="user"/"idle"}` | counter, seconds | ``ClusterMetrics/cpuUsedCores`` |
/// | `node_memory_MemTotal_bytes`, `node_memory_MemAvailable_bytes` `{instance}` | gauge, bytes | memory fields |
/// | `kepler_node_platform_joules_total{instance}` (Kepler) | counter, joules | ``ClusterMetrics/powerWatts`` |
/// | `kube_node_status_condition{node,condition="Ready",status="true"/"false"}` | gauge, 0/1 | ``ClusterMetrics/readyNodes`` |
/// | `placer_zone_round_trip_seconds{zone}` | gauge, seconds | ``ClusterMetrics/latencyMilliseconds`` |
/// | `placer_zone_available_bandwidth_bits_per_second{zone}` | gauge, bit/s | ``ClusterMetrics/bandwidthMegabitsPerSecond`` |
///
/// Counters are monotonic and advance with wall time at the rate last set, so `rate()` over them gives the set
/// value (cores busy, watts) and CODECO's recording rules (`Telemetry.CODECORecordingRules`) reproduce it.
/// Setters are thread-safe. A cluster can be made to fail its scrape (``ClusterMetrics/Scrape``).
public final class MetricsExporter: Sendable {
    /// Values of one simulated cluster. Totals are for the whole cluster and split evenly over its nodes.
    public struct ClusterMetrics: Sendable, Hashable {
        /// How the cluster's endpoint answers a scrape.
        public enum Scrape: String, Sendable, Hashable {
            /// 200 with the metrics.
            case serve
            /// HTTP 500 (the exporter is broken).
            case serverError
            /// HTTP 404, as if the cluster had vanished.
            case vanished
        }

        /// Number of nodes, at least 1.
        public var nodes: Int
        /// Nodes reporting Ready (the first `readyNodes` of them), 0…``nodes``.
        public var readyNodes: Int
        /// cpu capacity, in cores (sets how many `cpu` series each node has).
        public var cpuCores: Double
        /// cpu in use, in cores (non-idle cpu-seconds per second, over all nodes).
        public var cpuUsedCores: Double
        /// Memory capacity, in bytes.
        public var memoryBytes: Double
        /// Memory in use, in bytes (`MemTotal − MemAvailable`).
        public var memoryUsedBytes: Double
        /// Platform power drawn by all nodes, in watts (joules per second).
        public var powerWatts: Double
        /// Round-trip latency from this cluster to each zone, in milliseconds.
        public var latencyMilliseconds: [String: Double]
        /// Available bandwidth from this cluster to each zone, in Mbit/s.
        public var bandwidthMegabitsPerSecond: [String: Double]
        /// How the endpoint answers.
        public var scrape: Scrape

        /// Creates values; `readyNodes` defaults to all nodes.
        public init(
            nodes: Int = 1, readyNodes: Int? = nil, cpuCores: Double, cpuUsedCores: Double, memoryBytes: Double,
            memoryUsedBytes: Double, powerWatts: Double, latencyMilliseconds: [String: Double] = [:],
            bandwidthMegabitsPerSecond: [String: Double] = [:], scrape: Scrape = .serve
        ) {
            self.nodes = max(1, nodes)
            self.readyNodes = readyNodes ?? max(1, nodes)
            self.cpuCores = cpuCores
            self.cpuUsedCores = cpuUsedCores
            self.memoryBytes = memoryBytes
            self.memoryUsedBytes = memoryUsedBytes
            self.powerWatts = powerWatts
            self.latencyMilliseconds = latencyMilliseconds
            self.bandwidthMegabitsPerSecond = bandwidthMegabitsPerSecond
            self.scrape = scrape
        }
    }

    /// A cluster's values and the counters they drive. Counters are per series (every cpu series of the cluster
    /// carries the same value, as does every node's joules series), advanced lazily to the time they are read.
    struct ClusterState {
        var metrics: ClusterMetrics
        var busySecondsPerCPU: Double = 0
        var idleSecondsPerCPU: Double = 0
        var joulesPerNode: Double = 0
        var advancedAt: Date

        var cpusPerNode: Int { max(1, Int((metrics.cpuCores / Double(metrics.nodes)).rounded(.up))) }

        /// Advances the counters from ``advancedAt`` to `now` at the current rates; never backwards.
        mutating func advance(to now: Date) {
            let seconds = now.timeIntervalSince(advancedAt)
            guard seconds > 0 else { return }
            let cpus = Double(metrics.nodes * cpusPerNode)
            let busyShare = min(1, max(0, metrics.cpuUsedCores / cpus))
            busySecondsPerCPU += busyShare * seconds
            idleSecondsPerCPU += (1 - busyShare) * seconds
            joulesPerNode += max(0, metrics.powerWatts) / Double(metrics.nodes) * seconds
            advancedAt = now
        }
    }

    private struct State {
        var clusters: [String: ClusterState] = [:]
        var port: Int?
        var task: Task<Void, Never>?
        var services: ServiceGroup?
    }
    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    /// Creates an exporter with no clusters; nothing listens until ``start()``.
    public init() {
        var logger = Logger(label: "edgesim.metrics")
        logger.logLevel = .warning
        self.logger = logger
    }

    /// The TCP port on 127.0.0.1, once started.
    public var port: Int? { state.withLockedValue { $0.port } }

    /// `127.0.0.1:<port>`, the scrape target address, once started.
    public var address: String? { port.map { "127.0.0.1:\($0)" } }

    /// The path Prometheus scrapes for `cluster`: `/clusters/<name>/metrics`.
    public static func metricsPath(cluster: String) -> String { "/clusters/\(cluster)/metrics" }

    /// Adds a cluster, or replaces its values keeping its counters (so they stay monotonic).
    /// - Parameter runningSince: for a new cluster, when its counters started from 0 (default now): counters then
    ///   read as if the cluster had run at these values since, matching ``history(start:end:stepSeconds:targetLabels:)``.
    public func setUp(cluster: String, _ metrics: ClusterMetrics, runningSince: Date? = nil) {
        let now = Date()
        state.withLockedValue { state in
            if var existing = state.clusters[cluster] {
                existing.advance(to: now)
                existing.metrics = metrics
                state.clusters[cluster] = existing
            } else {
                state.clusters[cluster] = ClusterState(metrics: metrics, advancedAt: min(now, runningSince ?? now))
            }
        }
    }

    /// Every cluster's series from `start` to `end` every `stepSeconds`, as Prometheus would have stored them, in
    /// the OpenMetrics text format (https://prometheus.io/docs/specs/om/open_metrics_spec/) that
    /// `promtool tsdb create-blocks-from openmetrics` backfills (``PrometheusServer``), so `rate(…[1m])` and range
    /// queries have data from the first evaluation.
    ///
    /// Values are the clusters' current ones, with counters started at their `runningSince`; a cluster's history
    /// starts there at the earliest. Call it before Prometheus first scrapes, with `end` at most now.
    /// - Parameter targetLabels: the labels the scrape adds per cluster (`job`, `cluster`, `instance`); a label the
    ///   exporter exposes (`instance` on node series) wins, as with `honor_labels: true`.
    public func history(
        start: Date, end: Date, stepSeconds: Double, targetLabels: (String) -> [String: String]
    ) -> String {
        let clusters = state.withLockedValue { $0.clusters }.sorted { $0.key < $1.key }
        // name → [(labels, points)]: OpenMetrics needs each family's samples together, each series in time order.
        var order: [String] = []
        var series: [String: [(String, [(Double, Double)])]] = [:]
        for (name, cluster) in clusters {
            let extra = targetLabels(name)
            var index: [String: Int] = [:]
            var time = max(start, cluster.advancedAt)
            while time <= end {
                var advanced = cluster
                advanced.advance(to: time)
                for family in Self.families(cluster: name, advanced) {
                    if series[family.name] == nil {
                        order.append(family.name)
                        series[family.name] = []
                    }
                    for (labels, value) in family.samples {
                        var merged = extra
                        for (key, labelValue) in labels { merged[key] = labelValue }
                        let text = Self.labelText(merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
                        let key = family.name + text
                        if let position = index[key] {
                            series[family.name]![position].1.append((time.timeIntervalSince1970, value))
                        } else {
                            index[key] = series[family.name]!.count
                            series[family.name]!.append((text, [(time.timeIntervalSince1970, value)]))
                        }
                    }
                }
                time = time.addingTimeInterval(stepSeconds)
            }
        }
        var lines: [String] = []
        for name in order {
            for (labels, points) in series[name] ?? [] {
                for (time, value) in points {
                    lines.append("\(name)\(labels) \(Self.number(value)) \(String(format: "%.3f", time))")
                }
            }
        }
        lines.append("# EOF")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Changes some of a cluster's values in place (counters keep running).
    /// - Returns: false when the cluster is not set up.
    @discardableResult
    public func update(cluster: String, _ change: (inout ClusterMetrics) -> Void) -> Bool {
        let now = Date()
        return state.withLockedValue { state in
            guard var existing = state.clusters[cluster] else { return false }
            existing.advance(to: now)
            change(&existing.metrics)
            state.clusters[cluster] = existing
            return true
        }
    }

    /// Removes a cluster: its endpoint answers 404 from now on.
    public func remove(cluster: String) {
        _ = state.withLockedValue { $0.clusters.removeValue(forKey: cluster) }
    }

    /// A cluster's current values, or nil when it is not set up.
    public func metrics(cluster: String) -> ClusterMetrics? { state.withLockedValue { $0.clusters[cluster]?.metrics } }

    /// The exposition text for `cluster` at `now`, or nil when it is not set up; counters are advanced to `now`.
    public func exposition(cluster: String, now: Date = Date()) -> String? {
        let snapshot = state.withLockedValue { state -> ClusterState? in
            guard var advanced = state.clusters[cluster] else { return nil }
            advanced.advance(to: now)
            state.clusters[cluster] = advanced
            return advanced
        }
        return snapshot.map { Self.render(cluster: cluster, $0) }
    }

    /// Starts serving and returns once the server listens on 127.0.0.1.
    /// - Throws: the server's error when it cannot bind, ``EdgeSimError/alreadyStarted`` on a second call.
    public func start() async throws {
        let router = Router()
        router.get("/clusters/:name/metrics") { [self] _, context -> Response in
            let name = try context.parameters.require("name")
            let scrape = state.withLockedValue { $0.clusters[name]?.metrics.scrape }
            switch scrape {
            case .serve:
                guard let text = exposition(cluster: name) else { return Response(status: .notFound) }
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            case .serverError:
                return Response(
                    status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "simulated failure\n")))
            case .vanished, nil:
                return Response(status: .notFound)
            }
        }
        let (ready, readySink) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in readySink.yield(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
        let services = ServiceGroup(services: [app], logger: logger)
        let port = try await ServerLaunch.run(
            services, ready: ready, sink: readySink,
            claim: { task, services in
                state.withLockedValue { state -> Bool in
                    guard state.task == nil else { return false }
                    (state.task, state.services) = (task, services)
                    return true
                }
            }, stop: { await stop() })
        state.withLockedValue { $0.port = port }
    }

    /// Stops the server and waits for it to end.
    public func stop() async {
        let (task, services) = state.withLockedValue { state -> (Task<Void, Never>?, ServiceGroup?) in
            defer { (state.task, state.services, state.port) = (nil, nil, nil) }
            return (state.task, state.services)
        }
        await services?.triggerGracefulShutdown()
        await task?.value
    }

    /// One metric family and its samples.
    struct Family {
        var name: String
        var type: String
        var help: String
        /// Label pairs (sorted by name) and value of each sample.
        var samples: [([(String, String)], Double)] = []
    }

    /// One cluster's series at the state's time.
    static func families(cluster: String, _ state: ClusterState) -> [Family] {
        let metrics = state.metrics
        let nodes = (0..<metrics.nodes).map { "\(cluster)-node-\($0)" }
        let perNode = Double(metrics.nodes)
        var cpu = Family(name: "node_cpu_seconds_total", type: "counter", help: "Seconds the CPUs spent in each mode.")
        for node in nodes {
            for index in 0..<state.cpusPerNode {
                cpu.samples.append(
                    ([("cpu", "\(index)"), ("instance", node), ("mode", "idle")], state.idleSecondsPerCPU))
                cpu.samples.append(
                    ([("cpu", "\(index)"), ("instance", node), ("mode", "user")], state.busySecondsPerCPU))
            }
        }
        var total = Family(
            name: "node_memory_MemTotal_bytes", type: "gauge", help: "Memory information field MemTotal_bytes.")
        var available = Family(
            name: "node_memory_MemAvailable_bytes", type: "gauge", help: "Memory information field MemAvailable_bytes.")
        var joules = Family(
            name: "kepler_node_platform_joules_total", type: "counter",
            help: "Current energy consumption of the host platform in joules.")
        var ready = Family(name: "kube_node_status_condition", type: "gauge", help: "The condition of a cluster node.")
        for (index, node) in nodes.enumerated() {
            total.samples.append(([("instance", node)], metrics.memoryBytes / perNode))
            available.samples.append(
                ([("instance", node)], max(0, metrics.memoryBytes - metrics.memoryUsedBytes) / perNode))
            joules.samples.append(([("instance", node), ("source", "acpi")], state.joulesPerNode))
            let isReady = index < metrics.readyNodes
            ready.samples.append(([("condition", "Ready"), ("node", node), ("status", "true")], isReady ? 1 : 0))
            ready.samples.append(([("condition", "Ready"), ("node", node), ("status", "false")], isReady ? 0 : 1))
        }
        var latency = Family(
            name: "placer_zone_round_trip_seconds", type: "gauge",
            help: "Measured round-trip time from this cluster to a zone.")
        for (zone, milliseconds) in metrics.latencyMilliseconds.sorted(by: { $0.key < $1.key }) {
            latency.samples.append(([("zone", zone)], milliseconds / 1000))
        }
        var bandwidth = Family(
            name: "placer_zone_available_bandwidth_bits_per_second", type: "gauge",
            help: "Measured available bandwidth from this cluster to a zone.")
        for (zone, megabits) in metrics.bandwidthMegabitsPerSecond.sorted(by: { $0.key < $1.key }) {
            bandwidth.samples.append(([("zone", zone)], megabits * 1e6))
        }
        return [cpu, total, available, joules, ready, latency, bandwidth]
    }

    /// Renders one cluster's series in the text format 0.0.4.
    static func render(cluster: String, _ state: ClusterState) -> String {
        var lines: [String] = []
        for family in families(cluster: cluster, state) {
            lines.append("# HELP \(family.name) \(family.help)")
            lines.append("# TYPE \(family.name) \(family.type)")
            for (labels, value) in family.samples {
                lines.append("\(family.name)\(labelText(labels)) \(number(value))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{a="x",b="y"}`, or empty for no labels.
    static func labelText(_ labels: [(String, String)]) -> String {
        labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }

    /// A sample value as the text format writes it (Go's `strconv.FormatFloat` accepts Swift's shortest form).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    /// A label value with `\`, `"` and newlines escaped, as the text format requires.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
