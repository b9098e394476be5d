import Foundation
import Hummingbird
import Logging

/// `/livez`, `/readyz` or `/healthz` as Kubernetes components serve them (k8s.io/component-base `healthz`):
///
/// - `GET /<name>`: runs every check; 200 with `ok` when all pass (with `?verbose`, one `[+]<check> ok` line per
///   check and `<name> check passed`); 500 with the `[+]`/`[-]<check> failed: reason withheld` list and
///   `<name> check failed` when any fails. `?exclude=<check>` (repeatable) skips a check.
/// - `GET /<name>/<check>`: that check alone: 200 `ok`, or 500 `internal server error: <reason>`; 404 for an
///   unknown check.
///
/// Bodies are `text/plain; charset=utf-8` with `X-Content-Type-Options: nosniff`. Reasons are withheld from the
/// list (as Kubernetes does) and logged.
struct HealthEndpoint: Sendable {
    let name: String
    let checks: [HealthCheck]
    let logger: Logger

    func register(on router: Router<some RequestContext>) {
        router.get(RouterPath(name)) { request, _ in await all(request) }
        router.get(RouterPath("\(name)/:check")) { _, context in
            await single(context.parameters.get("check") ?? "")
        }
    }

    func all(_ request: Request) async -> Response {
        let query = request.uri.queryParameters
        let excluded = Set(query[values: "exclude"].map(String.init))
        var lines: [String] = []
        var failed = false
        for check in checks {
            if excluded.contains(check.name) {
                lines.append("[+]\(check.name) excluded: ok")
                continue
            }
            if let reason = await check.run() {
                failed = true
                lines.append("[-]\(check.name) failed: reason withheld")
                logger.info("\(name) check failed", metadata: ["check": "\(check.name)", "reason": "\(reason)"])
            } else {
                lines.append("[+]\(check.name) ok")
            }
        }
        let unknown = excluded.subtracting(checks.map(\.name)).sorted()
        if !unknown.isEmpty {
            lines.append(
                "warn: some health checks cannot be excluded: no matches for \(unknown.map { "\"\($0)\"" }.joined(separator: ","))"
            )
        }
        if failed { return Self.text(lines.joined(separator: "\n") + "\n\(name) check failed\n", .internalServerError) }
        if query.has("verbose") { return Self.text(lines.joined(separator: "\n") + "\n\(name) check passed\n", .ok) }
        return Self.text("ok", .ok)
    }

    func single(_ checkName: String) async -> Response {
        guard let check = checks.first(where: { $0.name == checkName }) else {
            return Self.text("404 page not found\n", .notFound)
        }
        if let reason = await check.run() {
            return Self.text("internal server error: \(reason)\n", .internalServerError)
        }
        return Self.text("ok", .ok)
    }

    static func text(_ body: String, _ status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers.append(.init(name: .contentType, value: "text/plain; charset=utf-8"))
        headers.append(.init(name: .xContentTypeOptions, value: "nosniff"))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
