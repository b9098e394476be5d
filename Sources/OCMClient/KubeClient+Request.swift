import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension KubeClient {
    /// Sends one request, retrying as ``retryPolicy`` says, and returns a 2xx answer with its whole body.
    /// - Parameters:
    ///   - idempotent: whether the request may be replayed after it may have reached the server; nil means
    ///     GET, DELETE and PATCH are, POST and PUT are not.
    /// - Throws: ``KubeError`` `.status` for an HTTP error, `.unreachable` when no answer came;
    ///   `CancellationError` when the task was cancelled.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String = "application/json", idempotent: Bool? = nil
    ) async throws -> (status: Int, body: Data) {
        try await execute(
            method, path, query: query, body: body, contentType: contentType, timeout: requestTimeout,
            idempotent: idempotent
        ) { response in
            let data = try await response.body.collect(upTo: Self.maximumResponseBytes)
            return (Int(response.status.code), Data(data.readableBytesView))
        }
    }

    /// Runs a request with retries; `onSuccess` reads a 2xx response (a failure inside it counts as a dropped
    /// connection). Error answers are read here and become ``KubeError``.
    func execute<T: Sendable>(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?, contentType: String,
        timeout: TimeAmount, idempotent: Bool?, onSuccess: (HTTPClientResponse) async throws -> T
    ) async throws -> T {
        let request = makeRequest(method, path, query: query, body: body, contentType: contentType)
        let requestName = "\(method.rawValue) \(server)\(path)"
        let replayable = idempotent ?? [.GET, .DELETE, .PATCH, .HEAD].contains(method)
        let started = ContinuousClock.now
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            var attemptRequest = request
            try await authorize(&attemptRequest)
            var failure: KubeError
            var mayRetry: Bool
            var retryAfter: Duration?
            var stage = TransportStage.connecting
            do {
                let response = try await httpClient.execute(attemptRequest, timeout: timeout)
                stage = .answered
                let code = Int(response.status.code)
                logger.debug("request", metadata: ["request": "\(requestName)", "status": "\(code)"])
                if (200..<300).contains(code) { return try await onSuccess(response) }
                let data = Data((try await response.body.collect(upTo: 1024 * 1024)).readableBytesView)
                failure = statusError(code: code, body: data, request: requestName)
                retryAfter = Self.retryAfter(response.headers)
                failure.retryAfter = retryAfter
                mayRetry = RetryPolicy.isRetryable(statusCode: code)
                if code == 401, usesExecPlugin, !refreshedCredentials {
                    // An exec plugin's credential may have been revoked before its stated expiry: ask again, once.
                    refreshedCredentials = true
                    await credentials.invalidate()
                    attempt -= 1
                    continue
                }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                let cause = Self.cause(of: error)
                logger.debug("request failed", metadata: ["request": "\(requestName)", "cause": "\(cause)"])
                failure = KubeError(kind: .unreachable, message: cause, request: requestName, server: server)
                let neverSent = stage == .connecting && Self.isConnectFailure(error)
                mayRetry = !Self.isTLSFailure(error) && (neverSent || replayable)
            }
            failure.attempts = attempt
            guard mayRetry, attempt < retryPolicy.maxAttempts else { throw failure }
            let wait = retryPolicy.delay(afterAttempt: attempt, retryAfter: retryAfter)
            guard ContinuousClock.now - started + wait <= retryPolicy.maxElapsed else { throw failure }
            logger.debug(
                "retrying", metadata: ["request": "\(requestName)", "attempt": "\(attempt)", "wait": "\(wait)"])
            try await Task.sleep(for: wait)
        }
    }

    private enum TransportStage { case connecting, answered }

    private func makeRequest(
        _ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?, contentType: String
    ) -> HTTPClientRequest {
        var url = server + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(Self.escapeQuery($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "placer-ocmclient")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// A ``KubeError`` from an error answer, reading the Kubernetes `Status` body when there is one.
    func statusError(code: Int, body: Data, request: String) -> KubeError {
        let status = try? JSONDecoder().decode(StatusBody.self, from: body)
        var message = status?.message ?? String(decoding: body.prefix(200), as: UTF8.self)
        if message.isEmpty { message = HTTPResponseStatus(statusCode: code).reasonPhrase }
        let reason =
            status?.reason
            ?? HTTPResponseStatus(statusCode: code).reasonPhrase.replacingOccurrences(of: " ", with: "")
        return KubeError(
            kind: .status, statusCode: code, reason: reason, message: message, request: request, server: server)
    }

    /// `Retry-After` in whole seconds (the HTTP-date form is not used by Kubernetes and is ignored).
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let text = headers.first(name: "Retry-After"),
            let seconds = Int(text.trimmingCharacters(in: .whitespaces)),
            seconds >= 0
        else { return nil }
        return .seconds(seconds)
    }

    /// One short line saying why no answer came.
    static func cause(of error: any Error) -> String {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .deadlineExceeded: return "request timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        if isTLSFailure(error) { return "TLS failed: \(String(text.prefix(200)))" }
        if text.localizedCaseInsensitiveContains("reset by peer") { return "connection reset" }
        return String(text.split(whereSeparator: \.isNewline).first?.prefix(200) ?? "unknown error")
    }

    /// Whether the connection could not be made (so the request never reached the server).
    static func isConnectFailure(_ error: any Error) -> Bool {
        if let error = error as? HTTPClientError, error == .connectTimeout { return true }
        if let error = error as? ChannelError, case .connectTimeout = error { return true }
        if String(describing: type(of: error)) == "NIOConnectionError" { return true }
        let text = String(describing: error)
        return text.localizedCaseInsensitiveContains("refused")
            || text.localizedCaseInsensitiveContains("connect(descriptor")
    }

    /// Whether the failure is in TLS (a certificate or handshake problem that retrying does not fix).
    static func isTLSFailure(_ error: any Error) -> Bool {
        let typeName = String(describing: type(of: error))
        if typeName.contains("SSL") || typeName.contains("TLS") { return true }
        let text = String(describing: error)
        return text.localizedCaseInsensitiveContains("ssl") || text.localizedCaseInsensitiveContains("tls")
            || text.localizedCaseInsensitiveContains("certificate")
    }

    static func escapeQuery(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// A Kubernetes `Status` body, as far as errors need it.
struct StatusBody: Decodable, Sendable {
    var kind: String?
    var status: String?
    var reason: String?
    var message: String?
    var code: Int?
}
