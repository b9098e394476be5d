import AppModel
import Foundation
import Hummingbird
import Logging

/// Answers the hub's Kubernetes REST API: authentication (``HubAuthenticator``), discovery, then the verbs on stored
/// objects.
struct HubResponder: HTTPResponder {
    typealias Context = HubRequestContext

    /// Largest accepted request body, in bytes (Kubernetes' own limit is 3 MiB).
    static let maximumBodyBytes = 3 * 1024 * 1024

    let store: HubStore
    /// Bearer token, client certificate or anonymous read.
    let authenticator: HubAuthenticator
    /// `host:port` the hub listens on, for `GET /api`.
    let serverAddress: @Sendable () -> String
    /// Where each request is counted by verb and resource.
    let counter: RequestCounter
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        do {
            let user = try await authenticate(request, context: context)
            if SelfSubjectReview.paths.contains(request.uri.path) {
                guard request.method == .post else { throw APIError.methodNotAllowed(request.method.rawValue) }
                return Self.json(SelfSubjectReview.review(of: user, path: request.uri.path), code: 201)
            }
            let route = try HubRoute(path: request.uri.path)
            let query = Self.queryItems(request.uri.query)
            Self.count(route, method: request.method, query: query, in: counter)
            switch route {
            case .version: return try get(request, Discovery.version)
            case .coreVersions: return try get(request, Discovery.coreVersions(serverAddress: serverAddress()))
            case .groupList: return try get(request, Discovery.groupList)
            case .group(let name):
                guard let document = Discovery.group(named: name) else { throw APIError.pathNotFound(request.uri.path) }
                return try get(request, document)
            case .resourceList(let group, let version):
                guard let document = Discovery.resourceList(group: group, version: version) else {
                    throw APIError.pathNotFound(request.uri.path)
                }
                return try get(request, document)
            case .objects(let type, let namespace, let name, let subresource):
                var request = request
                let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
                let call = ObjectCall(
                    type: type, namespace: namespace, name: name,
                    part: subresource == nil ? .main : .status, method: request.method,
                    contentType: request.headers[.contentType] ?? "", accept: request.headers[.accept] ?? "",
                    query: query, body: Data(body.readableBytesView))
                return try await call.perform(on: store)
            case .openAPI(let rest):
                return try OpenAPI.response(
                    rest: rest, method: request.method, accept: request.headers[.accept] ?? "",
                    schemas: store.schemas)
            }
        } catch let error as APIError {
            if error.code >= 500 || error.code == 401 {
                logger.info("request refused", metadata: ["path": "\(request.uri.path)", "code": "\(error.code)"])
            }
            return Self.json(error.status, code: error.code)
        }
    }

    /// Counts one request under its Kubernetes verb (``RequestCounter``).
    static func count(
        _ route: HubRoute, method: HTTPRequest.Method, query: [String: String], in counter: RequestCounter
    ) {
        guard case .objects(let type, _, let name, let subresource) = route else {
            counter.record(verb: "discovery", resource: "")
            return
        }
        let resource = subresource == nil ? type.plural : "\(type.plural)/status"
        let verb: String
        switch method {
        case .get where name != nil: verb = "get"
        case .get: verb = ["1", "true"].contains(query["watch"] ?? "") ? "watch" : "list"
        case .post: verb = "create"
        case .put: verb = "update"
        case .patch: verb = "patch"
        case .delete: verb = "delete"
        default: verb = method.rawValue.lowercased()
        }
        counter.record(verb: verb, resource: resource)
    }

    /// Accepts a client certificate signed by the hub's CA, the hub's bearer token, or no credentials at all for a
    /// read when anonymous reads are on (``HubAuthenticator``).
    private func authenticate(_ request: Request, context: Context) async throws -> HubUser {
        let header = request.headers[.authorization]
        let certificate = await context.peerCertificate()
        return try authenticator.authenticate(
            authorization: header, isRead: request.method == .get, peerCertificate: certificate)
    }

    private func get(_ request: Request, _ document: Value) throws -> Response {
        guard request.method == .get else { throw APIError.methodNotAllowed(request.method.rawValue) }
        return Self.json(document)
    }

    /// A JSON response with the value's canonical JSON as body.
    static func json(_ value: Value, code: Int = 200) -> Response {
        Response(
            status: HTTPResponse.Status(code: code),
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: value.canonicalJSON())))
    }

    /// Decodes a query string (`a=1&b=x%3Dy`) into its items; later duplicates win.
    static func queryItems(_ query: String?) -> [String: String] {
        var items: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            items[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return items
    }
}
