import CoreMetrics
import Foundation
import Hummingbird
import PlacerCore
import Prometheus

/// Placer's Prometheus exposition: a swift-prometheus registry, the ``PlacerMetrics`` that record into it, and
/// the text `GET /metrics` serves.
///
/// The binaries use ``bootstrapped()``: it makes the registry the process's swift-metrics backend once (a second
/// call returns the same endpoint instead of bootstrapping again, which swift-metrics forbids). Tests make their
/// own with ``init(registry:)`` and hand ``metrics`` to the reconciler and the server, so nothing is shared.
public struct PrometheusEndpoint: Sendable {
    /// Where the series live.
    public let registry: PrometheusCollectorRegistry
    /// Records into ``registry``, with Placer's histogram buckets.
    public let metrics: PlacerMetrics

    /// An endpoint over its own registry (nothing global is touched).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        metrics = PlacerMetrics(factory: Self.factory(registry))
    }

    private static let shared: PrometheusEndpoint = {
        let endpoint = PrometheusEndpoint()
        MetricsSystem.bootstrap(factory(endpoint.registry))
        return endpoint
    }()

    /// The process's endpoint, whose registry is the swift-metrics backend (bootstrapped at the first call).
    public static func bootstrapped() -> PrometheusEndpoint { shared }

    /// A swift-metrics factory over `registry` with each histogram's buckets from ``PlacerMetrics/Series``.
    public static func factory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        for series in PlacerMetrics.Series.all where series.kind == .histogram {
            guard let buckets = series.bucketSeconds else { continue }
            factory.durationHistogramBuckets[series.name] = buckets.map { .nanoseconds(Int64(($0 * 1e9).rounded())) }
        }
        return factory
    }

    /// The text exposition format (0.0.4), with a `# HELP` line before each of Placer's families.
    public func render() -> String {
        let help = Dictionary(uniqueKeysWithValues: PlacerMetrics.Series.all.map { ($0.name, $0.help) })
        var output = ""
        for line in registry.emitToString().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst(7).split(separator: " ").first,
                let text = help[String(name)]
            {
                output += "# HELP \(name) \(text.replacingOccurrences(of: "\\", with: "\\\\"))\n"
            }
            output += line + "\n"
        }
        return output.hasSuffix("\n\n") ? String(output.dropLast()) : output
    }

    /// The `/metrics` answer.
    func response() -> Response {
        var headers = HTTPFields()
        headers.append(.init(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8"))
        headers.append(.init(name: .xContentTypeOptions, value: "nosniff"))
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: render())))
    }
}
