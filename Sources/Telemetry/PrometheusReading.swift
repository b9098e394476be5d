import Foundation

/// What Prometheus said about one metric for all clusters in one collection.
struct PrometheusReading: Sendable {
    /// The value query's failure; when set, every cluster misses this metric.
    var failure: PrometheusError?
    /// Value per cluster (metrics without zones).
    var values: [String: Double] = [:]
    /// Value per cluster and zone (latency, bandwidth).
    var zoned: [String: [String: Double]] = [:]
    /// Newest raw sample time per cluster.
    var sampleTimes: [String: Date] = [:]
    /// History per cluster, oldest first.
    var history: [String: [Double]] = [:]
    /// The history query's failure.
    var historyFailure: PrometheusError?

    /// Runs `query`'s value, sample-time and history queries (concurrently).
    static func read(
        _ metric: TelemetryMetric, query: MetricQuery, client: PrometheusClient, now: Date,
        historyWindowSeconds: Double, historyStepSeconds: Double
    ) async -> PrometheusReading {
        async let value = attempt { try await client.query(query.value, at: now) }
        async let times = attempt(query.sampleTime) { try await client.query($0, at: now) }
        async let history = attempt(query.history) {
            try await client.queryRange(
                $0, start: now.addingTimeInterval(-historyWindowSeconds), end: now, stepSeconds: historyStepSeconds)
        }
        var reading = PrometheusReading()
        switch await value {
        case .failure(let error):
            reading.failure = error
        case .success(let result):
            for sample in result.samples where !sample.value.isNaN {
                guard let cluster = sample.labels["cluster"] else { continue }
                if metric == .latency || metric == .bandwidth {
                    guard let zone = sample.labels["zone"] else { continue }
                    reading.zoned[cluster, default: [:]][zone] = sample.value
                } else {
                    reading.values[cluster] = sample.value
                }
            }
        }
        switch await times {
        case .failure(let error)?:
            reading.failure = reading.failure ?? error
        case .success(let result)?:
            for sample in result.samples where sample.value.isFinite {
                guard let cluster = sample.labels["cluster"] else { continue }
                reading.sampleTimes[cluster] = Date(timeIntervalSince1970: sample.value)
            }
        case nil:
            break
        }
        switch await history {
        case .failure(let error)?:
            reading.historyFailure = error
        case .success(let result)?:
            for series in result.series {
                guard let cluster = series.labels["cluster"] else { continue }
                reading.history[cluster] = series.points.map(\.value).filter(\.isFinite)
            }
        case nil:
            break
        }
        return reading
    }
}

/// Runs a client call, keeping its ``PrometheusError`` (anything else, i.e. cancellation, reads as unreachable).
private func attempt(_ body: () async throws -> PrometheusResult) async -> Result<PrometheusResult, PrometheusError> {
    do {
        return .success(try await body())
    } catch let error as PrometheusError {
        return .failure(error)
    } catch {
        return .failure(PrometheusError(kind: .unreachable, query: "-", message: "\(error)"))
    }
}

/// Runs a client call for an optional query; nil when there is no query.
private func attempt(
    _ promql: String?, _ body: (String) async throws -> PrometheusResult
) async -> Result<PrometheusResult, PrometheusError>? {
    guard let promql else { return nil }
    return await attempt { try await body(promql) }
}
