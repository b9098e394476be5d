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
    public func setUp(cluster: String, _ metrics: ClusterMetrics) {
        let now = Date()
        state.withLockedValue { state in
            if var existing = state.clusters[cluster] {
                existing.advance(to: now)
                existing.metrics = metrics
                state.clusters[cluster] = existing
            } else {
                state.clusters[cluster] = ClusterState(metrics: metrics, advancedAt: now)
            }
        }
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
                return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "simulated failure\n")))
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
        let task = Task {
            do { try await services.run() } catch { readySink.yield(.failure(error)) }
            readySink.finish()
        }
        let started = state.withLockedValue { state -> Bool in
            guard state.task == nil else { return false }
            (state.task, state.services) = (task, services)
            return true
        }
        guard started else {
            task.cancel()
            throw EdgeSimError.alreadyStarted
        }
        for await result in ready {
            switch result {
            case .success(let port):
                state.withLockedValue { $0.port = port }
                return
            case .failure(let error):
                await stop()
                throw error
            }
        }
        await stop()
        throw EdgeSimError.stoppedBeforeListening
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

    /// Renders one cluster's series in the text format 0.0.4.
    static func render(cluster: String, _ state: ClusterState) -> String {
        let metrics = state.metrics
        let nodes = (0..<metrics.nodes).map { "\(cluster)-node-\($0)" }
        let perNode = Double(metrics.nodes)
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
        }
        family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.")
        for node in nodes {
            for cpu in 0..<state.cpusPerNode {
                lines.append(#"node_cpu_seconds_total{cpu="\#(cpu)",instance="\#(node)",mode="idle"} \#(number(state.idleSecondsPerCPU))"#)
                lines.append(#"node_cpu_seconds_total{cpu="\#(cpu)",instance="\#(node)",mode="user"} \#(number(state.busySecondsPerCPU))"#)
            }
        }
        family("node_memory_MemTotal_bytes", "gauge", "Memory information field MemTotal_bytes.")
        for node in nodes {
            lines.append(#"node_memory_MemTotal_bytes{instance="\#(node)"} \#(number(metrics.memoryBytes / perNode))"#)
        }
        family("node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.")
        let available = max(0, metrics.memoryBytes - metrics.memoryUsedBytes) / perNode
        for node in nodes { lines.append(#"node_memory_MemAvailable_bytes{instance="\#(node)"} \#(number(available))"#) }
        family("kepler_node_platform_joules_total", "counter", "Current energy consumption of the host platform in joules.")
        for node in nodes {
            lines.append(#"kepler_node_platform_joules_total{instance="\#(node)",source="acpi"} \#(number(state.joulesPerNode))"#)
        }
        family("kube_node_status_condition", "gauge", "The condition of a cluster node.")
        for (index, node) in nodes.enumerated() {
            let ready = index < metrics.readyNodes
            lines.append(#"kube_node_status_condition{condition="Ready",node="\#(node)",status="true"} \#(ready ? 1 : 0)"#)
            lines.append(#"kube_node_status_condition{condition="Ready",node="\#(node)",status="false"} \#(ready ? 0 : 1)"#)
        }
        family("placer_zone_round_trip_seconds", "gauge", "Measured round-trip time from this cluster to a zone.")
        for (zone, milliseconds) in metrics.latencyMilliseconds.sorted(by: { $0.key < $1.key }) {
            lines.append(#"placer_zone_round_trip_seconds{zone="\#(escape(zone))"} \#(number(milliseconds / 1000))"#)
        }
        family(
            "placer_zone_available_bandwidth_bits_per_second", "gauge",
            "Measured available bandwidth from this cluster to a zone.")
        for (zone, megabits) in metrics.bandwidthMegabitsPerSecond.sorted(by: { $0.key < $1.key }) {
            lines.append(
                #"placer_zone_available_bandwidth_bits_per_second{zone="\#(escape(zone))"} \#(number(megabits * 1e6))"#)
        }
        return lines.joined(separator: "\n") + "\n"
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
