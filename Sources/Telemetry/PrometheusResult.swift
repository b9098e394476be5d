import Foundation

/// One sample: a series' labels, a time and a value.
public struct PrometheusSample: Sendable, Equatable {
    /// The series' labels (`__name__` included when the expression kept it).
    public var labels: [String: String]
    /// The sample time (for an instant query, the evaluation time).
    public var timestamp: Date
    /// The value; may be NaN or ±Inf as Prometheus reports them.
    public var value: Double

    public init(labels: [String: String], timestamp: Date, value: Double) {
        self.labels = labels
        self.timestamp = timestamp
        self.value = value
    }
}

/// One series of a range query: labels and points, oldest first.
public struct PrometheusSeries: Sendable, Equatable {
    public var labels: [String: String]
    /// `(time, value)` points, oldest first, one per step where the expression had a value.
    public var points: [PrometheusPoint]

    public init(labels: [String: String], points: [PrometheusPoint]) {
        self.labels = labels
        self.points = points
    }
}

/// A point of a range series.
public struct PrometheusPoint: Sendable, Equatable {
    public var timestamp: Date
    public var value: Double

    public init(timestamp: Date, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }
}

/// The `data` of a successful query, by `resultType`
/// (https://prometheus.io/docs/prometheus/latest/querying/api/#expression-query-result-formats).
public enum PrometheusResult: Sendable, Equatable {
    /// `vector`: one sample per series (instant queries).
    case vector([PrometheusSample])
    /// `matrix`: points per series (range queries, or instant queries of a range selector).
    case matrix([PrometheusSeries])
    /// `scalar`: one number.
    case scalar(PrometheusPoint)
    /// `string`: one string.
    case string(Date, String)

    /// The samples of a vector, or of a scalar as one unlabelled sample; the newest point of each matrix series.
    public var samples: [PrometheusSample] {
        switch self {
        case .vector(let samples): samples
        case .scalar(let point): [PrometheusSample(labels: [:], timestamp: point.timestamp, value: point.value)]
        case .matrix(let series):
            series.compactMap { series in
                series.points.last.map {
                    PrometheusSample(labels: series.labels, timestamp: $0.timestamp, value: $0.value)
                }
            }
        case .string: []
        }
    }

    /// The series of a matrix; a vector's samples as one-point series.
    public var series: [PrometheusSeries] {
        switch self {
        case .matrix(let series): series
        default:
            samples.map {
                PrometheusSeries(labels: $0.labels, points: [PrometheusPoint(timestamp: $0.timestamp, value: $0.value)])
            }
        }
    }
}

extension PrometheusResult {
    /// Decodes the API envelope `{"status", "data": {"resultType", "result"}, "errorType", "error"}`.
    /// - Throws: ``PrometheusError`` `.api` for `"status": "error"`, `.invalidResponse` for anything else unexpected.
    static func decode(_ data: Data, query: String, statusCode: Int) throws -> PrometheusResult {
        guard let envelope = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let status = envelope["status"] as? String, status == "success" || status == "error"
        else {
            let kind: PrometheusError.Kind = (200..<300).contains(statusCode) ? .invalidResponse : .http
            let text = String(decoding: data.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw PrometheusError(
                kind: kind, query: query, statusCode: statusCode,
                message: text.isEmpty ? "no Prometheus API body" : "not a Prometheus API body: \(text)")
        }
        guard status == "success" else {
            throw PrometheusError(
                kind: .api, query: query, statusCode: statusCode, errorType: envelope["errorType"] as? String,
                message: envelope["error"] as? String ?? "status \(status)")
        }
        func invalid(_ reason: String) -> PrometheusError {
            PrometheusError(kind: .invalidResponse, query: query, statusCode: statusCode, message: reason)
        }
        guard let body = envelope["data"] as? [String: Any], let type = body["resultType"] as? String else {
            throw invalid("no data.resultType")
        }
        switch type {
        case "vector":
            guard let items = body["result"] as? [[String: Any]] else { throw invalid("vector result is not a list") }
            return .vector(
                try items.map { item in
                    guard let point = item["value"].flatMap(Self.point) else {
                        throw invalid("vector sample without value")
                    }
                    return PrometheusSample(
                        labels: Self.labels(item["metric"]), timestamp: point.timestamp, value: point.value)
                })
        case "matrix":
            guard let items = body["result"] as? [[String: Any]] else { throw invalid("matrix result is not a list") }
            return .matrix(
                try items.map { item in
                    guard let values = item["values"] as? [Any] else { throw invalid("matrix series without values") }
                    let points = try values.map { value -> PrometheusPoint in
                        guard let point = Self.point(value) else {
                            throw invalid("matrix point is not [time, \"value\"]")
                        }
                        return point
                    }
                    return PrometheusSeries(labels: Self.labels(item["metric"]), points: points)
                })
        case "scalar":
            guard let point = body["result"].flatMap(Self.point) else {
                throw invalid("scalar result is not [time, \"value\"]")
            }
            return .scalar(point)
        case "string":
            guard let pair = body["result"] as? [Any], pair.count == 2,
                let seconds = (pair[0] as? NSNumber)?.doubleValue,
                let text = pair[1] as? String
            else { throw invalid("string result is not [time, \"text\"]") }
            return .string(Date(timeIntervalSince1970: seconds), text)
        default:
            throw invalid("unknown resultType \(type)")
        }
    }

    /// `[<unix seconds>, "<value>"]`; values are strings so NaN and ±Inf survive JSON.
    static func point(_ any: Any) -> PrometheusPoint? {
        guard let pair = any as? [Any], pair.count == 2, let seconds = (pair[0] as? NSNumber)?.doubleValue,
            let text = pair[1] as? String, let value = parseValue(text)
        else { return nil }
        return PrometheusPoint(timestamp: Date(timeIntervalSince1970: seconds), value: value)
    }

    /// A sample value as Prometheus writes it (Go float formatting, `NaN`, `+Inf`, `-Inf`).
    static func parseValue(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }

    static func labels(_ any: Any?) -> [String: String] {
        (any as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
    }
}
