import Foundation
import NIOConcurrencyHelpers

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A real Prometheus server (Debian's `/usr/bin/prometheus`, 2.42) on 127.0.0.1 for tests and demos, scraping
/// ``MetricsExporter`` endpoints every second and evaluating recording rules every second.
///
/// Targets come from a `file_sd_configs` file that Prometheus watches, so ``setTargets(_:)`` adds or removes
/// clusters without a restart. Each target carries its cluster in the `cluster` label and its path in
/// `__metrics_path__`; `honor_labels: true` keeps the exporters' per-node `instance` labels. TSDB, configuration
/// and rules live in a temporary folder removed by ``stop()``. Stopped with SIGKILL: Foundation's children block
/// SIGTERM (docs/architecture.md).
public final class PrometheusServer: Sendable {
    /// One scrape target: a cluster's endpoint.
    public struct Target: Sendable, Hashable {
        /// The cluster name, put in the `cluster` label of every series scraped.
        public var cluster: String
        /// `host:port` of the exporter.
        public var address: String
        /// The HTTP path of the cluster's metrics.
        public var metricsPath: String

        public init(cluster: String, address: String, metricsPath: String) {
            self.cluster = cluster
            self.address = address
            self.metricsPath = metricsPath
        }
    }

    /// The scrape job's name (the `job` label of every scraped series).
    public static let jobName = "edge-clusters"

    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The folder holding `prometheus.yml`, `rules.yml`, `targets.json` and `data/`.
    public let directory: URL
    /// The CA and server certificate when Prometheus serves HTTPS.
    public let tls: HubTLS?
    private let process: NIOLockedValueBox<Process?>

    /// `http://127.0.0.1:<port>`, or `https://` with TLS.
    public var baseURL: String { "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)" }

    /// Writes the configuration and starts Prometheus; call ``waitUntilReady(timeout:)`` next.
    /// - Parameters:
    ///   - targets: the clusters to scrape.
    ///   - recordingRules: a Prometheus rules file (YAML, `groups:`), e.g. `Telemetry.CODECORecordingRules.yaml`;
    ///     nil for none. EdgeSim does not depend on Telemetry, so the caller passes it in.
    ///   - backfill: OpenMetrics text (``MetricsExporter/history(start:end:stepSeconds:targetLabels:)``) loaded into
    ///     the TSDB with `promtool tsdb create-blocks-from openmetrics` before Prometheus starts; nil for none.
    ///   - tls: serve the API over HTTPS with this CA's server certificate for 127.0.0.1 (Prometheus's
    ///     `--web.config.file` `tls_server_config`); nil for http.
    ///   - executable: the prometheus binary; `promtool` is looked up beside it.
    /// - Throws: ``PrometheusServerError`` when a binary is missing, the backfill fails or Prometheus cannot start;
    ///   file errors.
    public init(
        targets: [Target], recordingRules: String?, backfill: String? = nil, tls: HubTLS? = nil,
        executable: String = "/usr/bin/prometheus"
    ) throws {
        self.tls = tls
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PrometheusServerError("\(executable) not found: install Prometheus (Debian package prometheus)")
        }
        port = try FreePort.find()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "edgesim-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Self.targetsJSON(targets).write(to: directory.appendingPathComponent("targets.json"), options: .atomic)
        var configuration = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: \(Self.jobName)
                honor_labels: true
                file_sd_configs:
                  - files: ['\(directory.appendingPathComponent("targets.json").path)']
                    refresh_interval: 1s

            """
        if let recordingRules {
            try Data(recordingRules.utf8).write(to: directory.appendingPathComponent("rules.yml"))
            configuration += "rule_files: ['\(directory.appendingPathComponent("rules.yml").path)']\n"
        }
        try Data(configuration.utf8).write(to: directory.appendingPathComponent("prometheus.yml"))
        if let backfill {
            do {
                try Self.createBlocks(
                    backfill,
                    promtool: URL(fileURLWithPath: executable).deletingLastPathComponent()
                        .appendingPathComponent("promtool").path, directory: directory)
            } catch {
                try? FileManager.default.removeItem(at: directory)
                throw error
            }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--config.file=\(directory.appendingPathComponent("prometheus.yml").path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
            "--log.level=warn",
        ]
        if let tls {
            let certificate = directory.appendingPathComponent("server.crt")
            let key = directory.appendingPathComponent("server.key")
            try Data(tls.server.certificatePEM.utf8).write(to: certificate)
            try Data(tls.server.keyPEM.utf8).write(to: key)
            let webConfig = directory.appendingPathComponent("web.yml")
            try Data("tls_server_config:\n  cert_file: \(certificate.path)\n  key_file: \(key.path)\n".utf8)
                .write(to: webConfig)
            process.arguments?.append("--web.config.file=\(webConfig.path)")
        }
        let log = directory.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        self.process = NIOLockedValueBox(process)
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw PrometheusServerError("cannot start \(executable): \(error)")
        }
    }

    /// Replaces the scrape targets; Prometheus notices the file change within about a second.
    /// - Throws: file errors.
    public func setTargets(_ targets: [Target]) throws {
        try Self.targetsJSON(targets).write(to: directory.appendingPathComponent("targets.json"), options: .atomic)
    }

    /// Polls `GET /-/ready` until it answers 200; with TLS, until the port accepts connections (URLSession on
    /// Linux cannot trust a private CA, DESIGN.md §7: callers then poll the API with a client that does).
    /// - Throws: ``PrometheusServerError`` with Prometheus's log tail when it exits or is not ready in time.
    public func waitUntilReady(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        let url = URL(string: baseURL + "/-/ready")!
        while ContinuousClock.now < deadline {
            guard isRunning else { throw PrometheusServerError("prometheus exited: \(logTail)") }
            if tls != nil {
                if FreePort.accepts(port: port) { return }
            } else if let (_, response) = try? await URLSession.shared.data(from: url),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PrometheusServerError("prometheus not ready on 127.0.0.1:\(port) within \(timeout): \(logTail)")
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.withLockedValue { $0?.isRunning ?? false } }

    /// The last 2,000 characters Prometheus logged (for errors).
    public var logTail: String {
        let data = (try? Data(contentsOf: directory.appendingPathComponent("prometheus.log"))) ?? Data()
        return String(String(decoding: data, as: UTF8.self).suffix(2000))
    }

    /// Kills Prometheus (SIGKILL), waits for it to exit and removes its folder. Safe to call twice.
    public func stop() {
        guard
            let process = process.withLockedValue({ state -> Process? in
                defer { state = nil }
                return state
            })
        else { return }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// Writes `openMetrics` to the folder and turns it into TSDB blocks under `data/`.
    static func createBlocks(_ openMetrics: String, promtool: String, directory: URL) throws {
        guard FileManager.default.isExecutableFile(atPath: promtool) else {
            throw PrometheusServerError("\(promtool) not found: install Prometheus (Debian package prometheus)")
        }
        let input = directory.appendingPathComponent("backfill.om")
        try Data(openMetrics.utf8).write(to: input)
        let log = directory.appendingPathComponent("promtool.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: promtool)
        process.arguments = [
            "tsdb", "create-blocks-from", "openmetrics", input.path, directory.appendingPathComponent("data").path,
        ]
        process.standardOutput = output
        process.standardError = output
        // promtool reads a local file and exits; nothing it waits on runs in this process.
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: (try? Data(contentsOf: log)) ?? Data(), as: UTF8.self)
            throw PrometheusServerError("promtool could not backfill: \(text.suffix(1000))")
        }
        try? FileManager.default.removeItem(at: input)
    }

    /// The `file_sd_configs` JSON for `targets`.
    static func targetsJSON(_ targets: [Target]) throws -> Data {
        let groups = targets.map { target in
            [
                "targets": [target.address],
                "labels": ["cluster": target.cluster, "__metrics_path__": target.metricsPath],
            ]
                as [String: Any]
        }
        return try JSONSerialization.data(withJSONObject: groups, options: [.sortedKeys])
    }
}

/// Why the Prometheus server could not start or become ready.
public struct PrometheusServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
