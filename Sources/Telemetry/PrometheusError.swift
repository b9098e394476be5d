/// A failed Prometheus HTTP API request. Its description is one line naming the query and, for API errors,
/// the server's `errorType` and `error` (https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview);
/// it never contains the bearer token.
public struct PrometheusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// No HTTP answer: connection refused, timeout, TLS failure.
        case unreachable
        /// The server answered `"status": "error"` (HTTP 400 `bad_data`, 422 `execution`, 503 `timeout`, ...).
        case api
        /// An HTTP error without a Prometheus error body (a proxy's 401 or 502).
        case http
        /// A 2xx answer that is not the API's JSON envelope.
        case invalidResponse
        /// The client's own configuration (token file, CA file, URL) is unusable.
        case configuration
    }

    /// What went wrong.
    public var kind: Kind
    /// The PromQL query (or endpoint) the request was for.
    public var query: String
    /// The HTTP status code, when an answer came.
    public var statusCode: Int?
    /// The API's `errorType` (`bad_data`, `execution`, `timeout`, `canceled`, `internal`, `unavailable`).
    public var errorType: String?
    /// The API's `error`, or the cause of the failure.
    public var message: String

    public init(kind: Kind, query: String, statusCode: Int? = nil, errorType: String? = nil, message: String) {
        self.kind = kind
        self.query = query
        self.statusCode = statusCode
        self.errorType = errorType
        self.message = message
    }

    /// A short reason for fallback flags: `unreachable`, `error bad_data`, `HTTP 502`.
    public var shortReason: String {
        switch kind {
        case .unreachable: "unreachable"
        case .api: "error \(errorType ?? "unknown")"
        case .http: "HTTP \(statusCode ?? 0)"
        case .invalidResponse: "invalid response"
        case .configuration: "misconfigured"
        }
    }

    public var description: String {
        let status = statusCode.map { " (HTTP \($0))" } ?? ""
        switch kind {
        case .api:
            return "prometheus query \(query) failed\(status): \(errorType ?? "error"): \(message)"
        case .unreachable:
            return "prometheus unreachable for query \(query): \(message)"
        case .http, .invalidResponse, .configuration:
            return "prometheus query \(query) failed\(status): \(message)"
        }
    }
}
