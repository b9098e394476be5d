import AppModel
import Foundation
import GitStore
import Hummingbird
import Logging
import Mustache
import NIOCore
import PlacerCore
import Reconciler

/// Who may read and act through the console.
public struct ConsoleConfiguration: Sendable {
    /// Tokens that sign in for actions; nil turns every action off (403).
    public var tokens: ConsoleTokens?
    /// Whether read-only pages are served without signing in (true when listening on loopback).
    public var openReads: Bool
    /// The largest form body accepted, in bytes (1 MiB).
    public var maxBodyBytes: Int

    public init(tokens: ConsoleTokens?, openReads: Bool, maxBodyBytes: Int = 1 << 20) {
        self.tokens = tokens
        self.openReads = openReads
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether `host` is a loopback address or name (reads may be open there).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// The console: server-rendered pages over the reconciler's status, a JSON API behind the same routes
/// (`Accept: application/json`), and actions that commit to Git as the signed-in user. Routes, form fields and
/// JSON are documented in docs/console.md.
public struct PlacerConsole: Sendable {
    let reconciler: Reconciler
    let trigger: ReconcileTrigger
    let configuration: ConsoleConfiguration
    let sessions = ConsoleSessions()
    let renderer: ConsoleRenderer
    let logger: Logger

    /// - Parameters:
    ///   - reconciler: whose status, view and Git the console reads and commits through.
    ///   - trigger: where "Reconcile now" requests go.
    ///   - configuration: tokens and read access.
    public init(
        reconciler: Reconciler, trigger: ReconcileTrigger, configuration: ConsoleConfiguration,
        logger: Logger = Logger(label: "placer.console")
    ) {
        self.reconciler = reconciler
        self.trigger = trigger
        self.configuration = configuration
        self.renderer = ConsoleRenderer.shared
        self.logger = logger
    }

    static let sessionCookie = "placer_session"

    /// Adds the console's routes to `router`.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("console.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "max-age=300"
            return Response(
                status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: ConsoleTemplates.css)))
        }
        router.get("/") { request, _ in await self.read(request) { try await self.appsPage(request, $0) } }
        router.get("apps/new") { request, _ in
            await self.read(request) { self.deployPage($0, name: "", yaml: "", errors: []) }
        }
        router.get("apps/:name") { request, context in
            let name = Self.parameter(context, "name")
            return await self.read(request) { try await self.appPage(request, $0, name: name) }
        }
        router.get("clusters") { request, _ in await self.read(request) { try await self.clustersPage(request, $0) } }
        router.get("clusters/:name") { request, context in
            let name = Self.parameter(context, "name")
            return await self.read(request) { try await self.clusterPage(request, $0, name: name) }
        }
        router.get("history") { request, _ in await self.read(request) { try await self.historyPage(request, $0) } }
        router.get("commits/:id") { request, context in
            let id = Self.parameter(context, "id")
            return await self.read(request) { try await self.commitPage(request, $0, id: id) }
        }
        router.get("what-if") { request, _ in await self.read(request) { try await self.whatIfPage(request, $0) } }
        router.get("login") { request, _ in
            let identity = await self.identity(request)
            let next = Self.query(request)["next"] ?? "/"
            return self.html(
                "login", ["next": Self.safeNext(next), "error": ""], title: "Sign in", identity: identity)
        }
        router.post("login") { request, _ in await self.login(request) }
        router.post("logout") { request, _ in
            await self.act(request) { _, identity, _ in
                if let id = request.cookies[Self.sessionCookie]?.value { await self.sessions.end(id) }
                var response = Response(status: .seeOther, headers: [.location: "/"])
                response.setCookie(
                    Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict)
                )
                _ = identity
                return response
            }
        }
        router.post("apps") { request, _ in await self.act(request) { try await self.deploy(request, $0, $1, $2) } }
        router.post("apps/:name/pin") { request, context in
            let name = Self.parameter(context, "name")
            return await self.act(request) { try await self.pin(request, $0, $1, $2, app: name, pinned: true) }
        }
        router.post("apps/:name/unpin") { request, context in
            let name = Self.parameter(context, "name")
            return await self.act(request) { try await self.pin(request, $0, $1, $2, app: name, pinned: false) }
        }
        router.post("apps/:name/rollback") { request, context in
            let name = Self.parameter(context, "name")
            return await self.act(request) { try await self.rollback(request, $0, $1, $2, app: name) }
        }
        router.post("reconcile") { request, _ in
            await self.act(request) { form, identity, user in
                await self.trigger.request(reason: "console: reconcile requested by \(user.name)")
                return self.result(
                    request, identity: identity, title: "Reconcile requested",
                    message: "A reconcile was requested; it starts within a few seconds.", commit: nil, branch: nil,
                    back: "/")
            }
        }
    }

    // MARK: Access

    /// Who a request comes from: a bearer token, or a session cookie (with its CSRF token).
    struct Identity: Sendable {
        var user: ConsoleUser?
        var csrf: String?
        var bearer = false
    }

    func identity(_ request: Request) async -> Identity {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            return Identity(user: configuration.tokens?.user(for: token), csrf: nil, bearer: true)
        }
        if let id = request.cookies[Self.sessionCookie]?.value, let session = await sessions.session(id) {
            return Identity(user: session.user, csrf: session.csrf)
        }
        return Identity()
    }

    /// Serves a read-only page: open on loopback, else only to a signed-in user.
    func read(_ request: Request, _ page: (Identity) async throws -> Response) async -> Response {
        let identity = await identity(request)
        if !configuration.openReads, identity.user == nil {
            return refuse(request, status: .unauthorized, "sign in to read the console (it listens beyond loopback)")
        }
        do {
            return try await page(identity)
        } catch {
            return failure(request, identity: identity, error)
        }
    }

    /// Runs an action: signed in (bearer token, or session plus its CSRF token), body read as a form.
    func act(
        _ request: Request,
        _ action: ([String: String], Identity, ConsoleUser) async throws -> Response
    ) async -> Response {
        guard configuration.tokens != nil else {
            return refuse(request, status: .forbidden, "actions are off: start Placer with --console-token-file")
        }
        let identity = await identity(request)
        guard let user = identity.user else {
            return refuse(request, status: .unauthorized, "sign in (or send a bearer token) to act")
        }
        var request = request
        let form: [String: String]
        do {
            let body = try await request.collectBody(upTo: configuration.maxBodyBytes)
            let text = String(buffer: body)
            if request.headers[.contentType]?.hasPrefix("application/json") == true {
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
                form = object.compactMapValues { $0 as? String ?? ($0 as? NSNumber)?.stringValue }
            } else {
                form = FormCoding.decode(text)
            }
        } catch {
            return refuse(
                request, status: .contentTooLarge, "the form is larger than \(configuration.maxBodyBytes) bytes")
        }
        if !identity.bearer {
            guard let expected = identity.csrf, let given = form["csrf"], Self.sameToken(expected, given) else {
                return refuse(request, status: .forbidden, "the form's CSRF token is missing or wrong; reload the page")
            }
        }
        do {
            return try await action(form, identity, user)
        } catch {
            return failure(request, identity: identity, error)
        }
    }

    static func sameToken(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for (p, q) in zip(x, y) { difference |= p ^ q }
        return difference == 0
    }

    func login(_ request: Request) async -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        let form = FormCoding.decode(body)
        let next = Self.safeNext(form["next"] ?? "/")
        guard let tokens = configuration.tokens else {
            return html(
                "login", ["next": next, "error": "actions are off: start Placer with --console-token-file"],
                title: "Sign in", identity: Identity(), status: .forbidden)
        }
        guard let user = tokens.user(for: (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
        else {
            logger.notice("console sign-in refused")
            return html(
                "login", ["next": next, "error": "unknown token"], title: "Sign in", identity: Identity(),
                status: .unauthorized)
        }
        let session = await sessions.start(user)
        logger.info("console sign-in", metadata: ["user": "\(user.display)"])
        var response = Response(status: .seeOther, headers: [.location: next])
        response.setCookie(
            Cookie(
                name: Self.sessionCookie, value: session.id, maxAge: Int(ConsoleSessions.lifetime), path: "/",
                httpOnly: true, sameSite: .strict))
        return response
    }

    /// Only local paths, so a crafted `next` cannot send a signed-in user elsewhere.
    static func safeNext(_ next: String) -> String {
        next.hasPrefix("/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/"
    }

    // MARK: Responses

    static func wantsJSON(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("application/json") == true
    }

    static func query(_ request: Request) -> [String: String] { FormCoding.decode(request.uri.query ?? "") }

    static func parameter<Context: RequestContext>(_ context: Context, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    func html(
        _ template: String, _ context: [String: Any], title: String, identity: Identity,
        status: HTTPResponse.Status = .ok, revision: String? = nil, loop: String = ""
    ) -> Response {
        var context = context
        context["csrf"] = identity.csrf ?? ""
        let page = renderer.page(
            template, context, title: title, user: identity.user?.display, csrf: identity.csrf, revision: revision,
            loop: loop, outages: reconciler.health.outageLines())
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    struct Message: Codable {
        var status: String
        var message: String
        var commit: String?
        var branch: String?
        var errors: [String]?
    }

    func refuse(_ request: Request, status: HTTPResponse.Status, _ message: String) -> Response {
        if Self.wantsJSON(request) || request.method != .get && request.headers[.authorization] != nil {
            return json(Message(status: "refused", message: message), status: status)
        }
        let context: [String: Any] = [
            "title": "Not allowed", "message": message, "kind": "err", "back": "/login?next=/", "commit": "",
            "hasErrors": false, "errors": [String](),
        ]
        return html("result", context, title: "Not allowed", identity: Identity(), status: status)
    }

    func failure(_ request: Request, identity: Identity, _ error: any Error) -> Response {
        let status: HTTPResponse.Status
        switch error {
        case is RollbackError, is ConsoleActionError, is ConsoleInputError: status = .unprocessableContent
        case let missing as ConsoleNotFound:
            return notFound(request, identity: identity, missing.what)
        case is ReconcileError: status = .serviceUnavailable
        default: status = .internalServerError
        }
        let message = "\(error)"
        if status == .internalServerError { logger.error("console request failed: \(message)") }
        if Self.wantsJSON(request) || request.headers[.authorization] != nil {
            return json(Message(status: "error", message: message), status: status)
        }
        return html(
            "result",
            [
                "title": "Not done", "message": message, "kind": "err", "back": "", "commit": "", "hasErrors": false,
                "errors": [String](),
            ], title: "Not done", identity: identity, status: status)
    }

    func notFound(_ request: Request, identity: Identity, _ what: String) -> Response {
        if Self.wantsJSON(request) { return json(Message(status: "not found", message: what), status: .notFound) }
        return html(
            "result",
            [
                "title": "Not found", "message": what, "kind": "err", "back": "/", "commit": "", "hasErrors": false,
                "errors": [String](),
            ], title: "Not found", identity: identity, status: .notFound)
    }

    func result(
        _ request: Request, identity: Identity, title: String, message: String, commit: String?, branch: String?,
        back: String
    ) -> Response {
        if Self.wantsJSON(request) || identity.bearer {
            return json(Message(status: "ok", message: message, commit: commit, branch: branch))
        }
        return html(
            "result",
            [
                "title": title, "message": message, "kind": "ok", "commit": commit ?? "", "branch": branch ?? "",
                "back": back, "hasErrors": false, "errors": [String](),
            ], title: title, identity: identity)
    }

    func loopLine(_ snapshot: StatusSnapshot) -> String {
        guard let ready = snapshot.loop.condition(ConditionType.ready) else { return "no reconcile has finished yet" }
        return "loop Ready=\(ready.status.rawValue) (\(ready.reason)): \(ready.message)"
    }
}

/// A page for something that does not exist (404).
struct ConsoleNotFound: Error, CustomStringConvertible {
    var what: String
    var description: String { what }
}

/// Bad form input (422), one line.
struct ConsoleInputError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Renders the embedded templates inside the layout.
struct ConsoleRenderer: Sendable {
    let library: MustacheLibrary
    /// The templates parse once per process.
    static let shared = ConsoleRenderer()

    init() {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            do {
                try library.register(text, named: name)
            } catch {
                preconditionFailure("console template \(name) does not parse: \(error)")  // tested in DashboardTests
            }
        }
        self.library = library
    }

    /// The body template rendered with `context`, inside the layout.
    /// `outages` are the banner's lines (``DependencyHealth/outageLines()``), one per dependency down.
    func page(
        _ template: String, _ context: [String: Any], title: String, user: String?, csrf: String?, revision: String?,
        loop: String, outages: [String] = []
    ) -> String {
        let body = library.render(Self.dropEmpty(context), withTemplate: template) ?? ""
        var layout: [String: Any] = Self.dropEmpty([
            "title": title, "body": body, "user": user ?? "", "csrf": csrf ?? "",
            "revision": revision.map { String($0.prefix(12)) } ?? "", "loop": loop,
        ])
        if !outages.isEmpty { (layout["outages"], layout["hasOutages"]) = (outages, true) }
        return library.render(layout, withTemplate: "layout") ?? ""
    }

    /// Empty strings left out, so `{{#key}}` sections treat them as absent.
    static func dropEmpty(_ context: [String: Any]) -> [String: Any] {
        context.filter { !(($0.value as? String)?.isEmpty ?? false) }
    }
}
