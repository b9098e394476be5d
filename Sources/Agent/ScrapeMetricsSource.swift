import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Reads the cluster straight from a node-exporter-style endpoint in the Prometheus text exposition format
/// (version 0.0.4, https://prometheus.io/docs/instrumenting/exposition_formats/), for a cluster without its own
/// Prometheus (and for the demo, where it is the simulated cluster's EdgeSim exporter).
///
/// cpu in use is the rate of the non-idle `node_cpu_seconds_total` counters between two scrapes (so the first
/// reading has none); cpu cores are the number of `mode="idle"` series; memory is `node_memory_MemTotal_bytes −
/// node_memory_MemAvailable_bytes`, summed over nodes. There is no history: the local series starts empty.
public final class ScrapeMetricsSource: ClusterMetricsSource {
    /// The metrics URL (`http://127.0.0.1:9100/metrics`).
    public let url: String
    private let client: HTTPClient
    /// The previous scrape's non-idle cpu seconds and its time, for the rate.
    private let previous = NIOLockedValueBox<(seconds: Double, at: Date)?>(nil)

    /// - Parameter url: the endpoint; the source makes its own HTTP client (call ``shutdown()``).
    public init(url: String) {
        self.url = url
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    /// Closes the source's HTTP client; call once, when the agent stops.
    /// - Throws: what AsyncHTTPClient's shutdown throws (already shut down).
    public func shutdown() async throws { try await client.shutdown() }

    public func read(at time: Date) async throws -> ClusterReading {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        guard response.status == .ok else { throw ScrapeError(url: url, message: "HTTP \(response.status.code)") }
        let text = String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        let sample = Self.parse(text)
        let now = Date()
        let busy = previous.withLockedValue { last -> Double? in
            defer { last = (sample.busyCPUSeconds, now) }
            guard let last, now > last.at, sample.busyCPUSeconds >= last.seconds else { return nil }
            return (sample.busyCPUSeconds - last.seconds) / now.timeIntervalSince(last.at)
        }
        return ClusterReading(
            time: now, cpuUsedCores: busy, cpuCores: sample.cpus > 0 ? Double(sample.cpus) : nil,
            memoryUsedBytes: sample.memoryTotal > 0 ? sample.memoryTotal - sample.memoryAvailable : nil,
            memoryBytes: sample.memoryTotal > 0 ? sample.memoryTotal : nil)
    }

    public func history(
        start: Date, end: Date, stepSeconds: Double
    ) async throws
        -> (cpu: [(Double, Double)], memory: [(Double, Double)])
    { ([], []) }

    /// The sums one scrape gives.
    struct Sample: Equatable {
        var busyCPUSeconds = 0.0
        var cpus = 0
        var memoryTotal = 0.0
        var memoryAvailable = 0.0
    }

    /// Sums the series the source needs from exposition text; other lines are skipped.
    static func parse(_ text: String) -> Sample {
        var sample = Sample()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let name = line.prefix { $0 != "{" && $0 != " " }
            guard let valueText = line.split(separator: " ").dropFirst().first, let value = Double(valueText)
            else { continue }
            switch name {
            case "node_cpu_seconds_total":
                let mode = line.range(of: #"mode=""#).map { line[$0.upperBound...].prefix { $0 != "\"" } } ?? ""
                if mode == "idle" {
                    sample.cpus += 1
                } else if mode != "iowait" && mode != "steal" {
                    sample.busyCPUSeconds += value
                }
            case "node_memory_MemTotal_bytes": sample.memoryTotal += value
            case "node_memory_MemAvailable_bytes": sample.memoryAvailable += value
            default: continue
            }
        }
        return sample
    }
}

/// A scrape that failed.
public struct ScrapeError: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var message: String
    public var description: String { "scrape of \(url) failed: \(message)" }
}
