import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL

/// A client of the Prometheus HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/): instant
/// queries (`/api/v1/query`), range queries (`/api/v1/query_range`) and scrape targets (`/api/v1/targets`).
///
/// Queries are sent as `POST` with a form body (the API accepts both; the form keeps long PromQL out of URLs and
/// logs). Speaks http and https; with a CA file, only that CA is trusted. A bearer token is read from its file on
/// every request (so a rotated service-account token is used at once) and never appears in errors or logs.
/// Errors are ``PrometheusError``. No retries: the collector falls back instead. Call ``shutdown()`` when done.
public final class PrometheusClient: Sendable {
    /// The server's base URL without a trailing slash (`http://prometheus:9090`, or a path prefix behind a proxy).
    public let baseURL: String
    /// A file holding the bearer token, read on every request; nil for none.
    public let bearerTokenFile: String?
    /// Deadline of one request, connection included.
    public let requestTimeout: TimeAmount
    private let httpClient: HTTPClient
    private let logger: Logger

    /// Largest response accepted, in bytes.
    static let maximumResponseBytes = 64 * 1024 * 1024

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: `http(s)://host:port[/prefix]`.
    ///   - bearerTokenFile: path of a file holding a bearer token (`Authorization: Bearer`), or nil.
    ///   - caFile: PEM file of the CA(s) to trust for https, replacing the system roots; nil for system roots.
    ///   - requestTimeout: deadline of each request (default 10 s).
    ///   - connectTimeout: deadline of each connection attempt (default 2 s).
    ///   - logger: request logs at debug level (path and status; never the token).
    /// - Throws: ``PrometheusError`` `.configuration` for a URL that is not http(s) or an unreadable CA file.
    public init(
        baseURL: String, bearerTokenFile: String? = nil, caFile: String? = nil,
        requestTimeout: TimeAmount = .seconds(10), connectTimeout: TimeAmount = .seconds(2),
        logger: Logger = Logger(label: "placer.telemetry")
    ) throws {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host != nil
        else {
            throw PrometheusError(kind: .configuration, query: "-", message: "not an http(s) URL: \(baseURL)")
        }
        self.baseURL = base
        self.bearerTokenFile = bearerTokenFile
        self.requestTimeout = requestTimeout
        self.logger = logger
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        // As the hub client: do not wait NIOSSL's 5 s for a close_notify that many servers never send.
        tls.shutdownTimeout = .milliseconds(250)
        if let caFile {
            guard let roots = try? NIOSSLCertificate.fromPEMFile(caFile), !roots.isEmpty else {
                throw PrometheusError(
                    kind: .configuration, query: "-", message: "CA file \(caFile) holds no PEM certificate")
            }
            tls.trustRoots = .certificates(roots)
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow, timeout: .init(connect: connectTimeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the client's connections; the client cannot be used afterwards.
    public func shutdown() async throws { try await httpClient.shutdown() }

    /// Evaluates an instant query.
    /// - Parameters:
    ///   - promql: the PromQL expression.
    ///   - time: evaluation time; nil for the server's now.
    /// - Returns: the result (`vector` for most expressions).
    /// - Throws: ``PrometheusError`` naming the query (with `errorType`/`error` for API errors).
    public func query(_ promql: String, at time: Date? = nil) async throws -> PrometheusResult {
        var form = [("query", promql)]
        if let time { form.append(("time", Self.timestamp(time))) }
        let (status, body) = try await post("/api/v1/query", form: form, query: promql)
        return try PrometheusResult.decode(body, query: promql, statusCode: status)
    }

    /// Evaluates a range query over `[start, end]` every `stepSeconds`.
    /// - Returns: a `matrix`: per series, points oldest first (steps without a value are absent).
    /// - Throws: ``PrometheusError`` naming the query.
    public func queryRange(
        _ promql: String, start: Date, end: Date, stepSeconds: Double
    ) async throws
        -> PrometheusResult
    {
        let form = [
            ("query", promql), ("start", Self.timestamp(start)), ("end", Self.timestamp(end)),
            ("step", Self.number(stepSeconds)),
        ]
        let (status, body) = try await post("/api/v1/query_range", form: form, query: promql)
        return try PrometheusResult.decode(body, query: promql, statusCode: status)
    }

    /// The active scrape targets (`/api/v1/targets?state=active`), to tell why a cluster's series are missing.
    /// - Throws: ``PrometheusError``.
    public func activeTargets() async throws -> [PrometheusTarget] {
        let (status, body) = try await send("/api/v1/targets?state=active", body: nil, query: "targets")
        guard let envelope = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            envelope["status"] as? String == "success", let data = envelope["data"] as? [String: Any],
            let targets = data["activeTargets"] as? [[String: Any]]
        else {
            throw PrometheusError(
                kind: .invalidResponse, query: "targets", statusCode: status, message: "no activeTargets")
        }
        return targets.map { target in
            PrometheusTarget(
                labels: PrometheusResult.labels(target["labels"]), health: target["health"] as? String ?? "unknown",
                lastError: target["lastError"] as? String ?? "", scrapeURL: target["scrapeUrl"] as? String ?? "")
        }
    }

    private func post(_ path: String, form: [(String, String)], query: String) async throws -> (Int, Data) {
        let body = form.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return try await send(path, body: Data(body.utf8), query: query)
    }

    /// `POST` with a form body, or `GET` without one.
    private func send(_ path: String, body: Data?, query: String) async throws -> (Int, Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = body == nil ? .GET : .POST
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let bearerTokenFile {
            let token: String
            do {
                token = String(decoding: try Data(contentsOf: URL(fileURLWithPath: bearerTokenFile)), as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            } catch {
                throw PrometheusError(
                    kind: .configuration, query: query, message: "cannot read token file \(bearerTokenFile)")
            }
            guard !token.isEmpty else {
                throw PrometheusError(
                    kind: .configuration, query: query, message: "token file \(bearerTokenFile) is empty")
            }
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        do {
            let response = try await httpClient.execute(request, timeout: requestTimeout)
            let data = try await response.body.collect(upTo: Self.maximumResponseBytes)
            logger.debug("prometheus request", metadata: ["path": "\(path)", "status": "\(response.status.code)"])
            return (Int(response.status.code), Data(data.readableBytesView))
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw PrometheusError(kind: .unreachable, query: query, message: "\(baseURL): \(Self.cause(error))")
        }
    }

    /// A one-line cause for transport errors.
    static func cause(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout || error == .deadlineExceeded { return "timed out" }
            return "\(error)"
        }
        let text = "\(error)"
        return text.contains("connectionRefused") || text.contains("Connection refused") ? "connection refused" : text
    }

    /// Unix seconds with millisecond precision, as the API takes them.
    static func timestamp(_ date: Date) -> String { String(format: "%.3f", date.timeIntervalSince1970) }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : "\(value)"
    }

    /// `application/x-www-form-urlencoded` encoding of one key or value.
    static func formEncode(_ text: String) -> String {
        // ASCII only: `CharacterSet.alphanumerics` would let non-ASCII letters through unencoded.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// An active scrape target as `/api/v1/targets` reports it.
public struct PrometheusTarget: Sendable, Equatable {
    /// The target's labels after relabelling (`cluster`, `job`, `instance`).
    public var labels: [String: String]
    /// `up`, `down` or `unknown`.
    public var health: String
    /// The last scrape's error, empty when it succeeded.
    public var lastError: String
    /// The URL scraped.
    public var scrapeURL: String
}
