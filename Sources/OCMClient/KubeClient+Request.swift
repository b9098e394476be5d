import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension KubeClient {
    /// Sends one request and returns a 2xx answer.
    /// - Throws: ``KubeError`` `.status` for an HTTP error, `.unreachable` when no answer came.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String = "application/json"
    ) async throws -> (status: Int, body: Data) {
        var url = server + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(Self.escapeQuery($0.1))" }.joined(separator: "&")
        }
        let requestName = "\(method.rawValue) \(server)\(path)"
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "placer-ocmclient")
        if let authorizationHeader { request.headers.add(name: "Authorization", value: authorizationHeader) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let data: Data
        let code: Int
        do {
            let response = try await httpClient.execute(request, timeout: requestTimeout)
            code = Int(response.status.code)
            data = Data((try await response.body.collect(upTo: Self.maximumResponseBytes)).readableBytesView)
        } catch {
            let cause = Self.cause(of: error)
            logger.debug("request failed", metadata: ["request": "\(requestName)", "cause": "\(cause)"])
            throw KubeError(kind: .unreachable, message: cause, request: requestName, server: server)
        }
        logger.debug("request", metadata: ["request": "\(requestName)", "status": "\(code)"])
        guard (200..<300).contains(code) else {
            throw statusError(code: code, body: data, request: requestName)
        }
        return (code, data)
    }

    /// A ``KubeError`` from an error answer, reading the Kubernetes `Status` body when there is one.
    func statusError(code: Int, body: Data, request: String) -> KubeError {
        struct Status: Decodable {
            var reason: String?
            var message: String?
        }
        let status = try? JSONDecoder().decode(Status.self, from: body)
        var message = status?.message ?? String(decoding: body.prefix(200), as: UTF8.self)
        if message.isEmpty { message = HTTPResponseStatus(statusCode: code).reasonPhrase }
        let reason =
            status?.reason
            ?? HTTPResponseStatus(statusCode: code).reasonPhrase.replacingOccurrences(
                of: " ", with: "")
        return KubeError(
            kind: .status, statusCode: code, reason: reason, message: message, request: request, server: server)
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
        if text.localizedCaseInsensitiveContains("ssl") || text.localizedCaseInsensitiveContains("tls")
            || text.localizedCaseInsensitiveContains("certificate")
        {
            return "TLS failed: \(String(text.prefix(200)))"
        }
        return String(text.split(whereSeparator: \.isNewline).first?.prefix(200) ?? "unknown error")
    }

    private static func escapeQuery(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
