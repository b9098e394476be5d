/// A failed request to the Kubernetes API: an HTTP error with the server's `Status`, or no answer at all.
///
/// Descriptions are one line and never contain the bearer token or other credentials.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, by what the caller does next.
    public enum Kind: Sendable, Equatable {
        /// The server answered with an HTTP error status.
        case status
        /// No HTTP answer: connection refused, DNS failure, TLS failure, timeout.
        case unreachable
        /// The server answered 2xx with a body that is not what the API promises.
        case invalidResponse
    }

    /// What went wrong.
    public var kind: Kind
    /// HTTP status code (for ``Kind/status``).
    public var statusCode: Int?
    /// The Kubernetes Status `reason` (`NotFound`, `Conflict`, `AlreadyExists`, `Unauthorized`, ...).
    public var reason: String?
    /// The Status `message`, or the cause for unreachable and invalid responses.
    public var message: String
    /// The request, as "METHOD URL" (URL without query).
    public var request: String
    /// The hub's server URL.
    public var server: String
    /// How many times the request was sent (more than 1 when ``RetryPolicy`` retried it).
    public var attempts: Int = 1
    /// The server's `Retry-After`, when it sent one.
    public var retryAfter: Duration?

    public init(
        kind: Kind, statusCode: Int? = nil, reason: String? = nil, message: String, request: String, server: String
    ) {
        self.kind = kind
        self.statusCode = statusCode
        self.reason = reason
        self.message = message
        self.request = request
        self.server = server
    }

    /// 404 Not Found.
    public var isNotFound: Bool { statusCode == 404 }
    /// 409 with reason `Conflict` (stale resourceVersion, or an apply conflict).
    public var isConflict: Bool { statusCode == 409 && reason != "AlreadyExists" }
    /// 409 with reason `AlreadyExists`.
    public var isAlreadyExists: Bool { statusCode == 409 && reason == "AlreadyExists" }
    /// 401 or 403.
    public var isUnauthorized: Bool { statusCode == 401 || statusCode == 403 }
    /// 410 Gone: an expired `continue` token or a watch `resourceVersion` too old to resume from.
    public var isGone: Bool { statusCode == 410 }
    /// Whether the failure is transient (no answer, 429 or a 5xx that ``RetryPolicy`` retries).
    public var isTransient: Bool {
        kind == .unreachable || statusCode.map(RetryPolicy.isRetryable(statusCode:)) == true
    }

    public var description: String {
        let text: String
        switch kind {
        case .unreachable:
            text = "cannot reach hub \(server): \(message)"
        case .status:
            let code = statusCode.map(String.init) ?? "?"
            text = "\(request): \(code) \(reason ?? "Error"): \(message)"
        case .invalidResponse:
            text = "\(request): invalid response: \(message)"
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
