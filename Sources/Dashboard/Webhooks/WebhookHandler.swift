import Foundation
import Hummingbird
import Logging
import PlacerCore
import Reconciler

/// Handles one provider's webhook deliveries: size limit, authentication, event, payload, filter, trigger.
///
/// Answers 202 when a reconcile was requested, 200 with `{"status":"ignored","reason":…}` when the delivery
/// needs none (another branch, Placer's own commits, a non-push event; GitHub's `ping` gets `pong`), 401 when
/// the signature or token is missing or wrong, 409 for a replay of an authenticated delivery (its delivery id or
/// its body seen recently, ``DeliveryMemory``), 400 for a missing event header or a malformed payload, and 413
/// for a body above ``DashboardConfiguration/maxBodyBytes``. The body is authenticated before it is parsed,
/// and nothing from an unauthenticated request is acted on. Logs carry the provider, event, ref and commit,
/// never a header value or the body (old Gitea payloads even carried the secret in a `secret` field).
struct WebhookHandler: Sendable {
    let provider: WebhookProvider
    let verifier: WebhookVerifier
    let filter: WebhookFilter
    let trigger: ReconcileTrigger
    let maxBodyBytes: Int
    let deliveries: DeliveryMemory
    let logger: Logger
    /// Counts every answer by provider, status code and result (``PlacerMetrics/webhookAnswered(provider:code:result:)``).
    let metrics: PlacerMetrics

    init(
        provider: WebhookProvider, configuration: DashboardConfiguration, trigger: ReconcileTrigger, logger: Logger,
        metrics: PlacerMetrics = PlacerMetrics()
    ) {
        self.provider = provider
        verifier = WebhookVerifier(provider: provider, secret: configuration.secret)
        filter = configuration.filter
        self.trigger = trigger
        maxBodyBytes = configuration.maxBodyBytes
        deliveries = configuration.deliveries
        self.logger = logger
        self.metrics = metrics
    }

    func handle(_ request: Request) async -> Response {
        var request = request
        let metadata: Logger.Metadata = ["provider": "\(provider.name)"]
        if let length = header(request, "Content-Length").flatMap(Int.init), length > maxBodyBytes {
            return reply(.contentTooLarge, "body larger than \(maxBodyBytes) bytes")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return reply(.contentTooLarge, "body larger than \(maxBodyBytes) bytes")
        } catch {
            return reply(.badRequest, "body could not be read")
        }
        let bytes = Data(body.readableBytesView)
        guard verifier.isAuthentic(authentication: header(request, provider.authenticationHeader), body: bytes) else {
            logger.warning("webhook rejected: signature or token missing or wrong", metadata: metadata)
            return reply(.unauthorized, "\(provider.authenticationHeader) missing or wrong")
        }
        // Only after authentication: a request without the secret must not fill the memory.
        switch deliveries.admit(provider: provider, id: header(request, provider.deliveryHeader), body: bytes) {
        case .fresh: break
        case .replayedID:
            logger.warning("webhook rejected: replayed delivery id", metadata: metadata)
            return reply(.conflict, "delivery already received (same \(provider.deliveryHeader))")
        case .replayedBody:
            logger.warning("webhook rejected: replayed payload", metadata: metadata)
            return reply(.conflict, "delivery already received (same payload)")
        }
        guard let event = header(request, provider.eventHeader) else {
            return reply(.badRequest, "\(provider.eventHeader) missing")
        }
        if provider == .github && event == "ping" { return reply(.ok, "ping received", status: "pong") }
        guard event == provider.pushEvent else {
            return reply(.ok, "event \(event) is not a push", status: "ignored")
        }
        if header(request, "Content-Type")?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            // GitHub and Gitea offer form-encoded deliveries (`payload=<url-encoded JSON>`); Placer reads JSON only.
            return reply(.badRequest, "content type must be application/json (set it in the webhook's settings)")
        }
        let push: PushEvent
        do {
            push = try PushEvent.parse(provider: provider, body: bytes)
        } catch {
            logger.notice("webhook payload rejected: \(error)", metadata: metadata)
            return reply(.badRequest, error.description)
        }
        var pushMetadata = metadata
        pushMetadata["ref"] = "\(push.ref)"
        pushMetadata["revision"] = "\(push.after)"
        switch filter.decide(push) {
        case .trigger(let reason):
            await trigger.request(reason: reason)
            logger.info("webhook push requests a reconcile: \(reason)", metadata: pushMetadata)
            return reply(.accepted, reason, status: "accepted")
        case .ignore(let reason):
            logger.info("webhook push ignored: \(reason)", metadata: pushMetadata)
            return reply(.ok, reason, status: "ignored")
        }
    }

    /// The first value of a header, matched case-insensitively.
    private func header(_ request: Request, _ name: String) -> String? {
        let wanted = name.lowercased()
        return request.headers.first { $0.name.canonicalName == wanted }?.value
    }

    private func reply(_ code: HTTPResponse.Status, _ reason: String, status: String? = nil) -> Response {
        let result: String
        switch code {
        case .unauthorized: result = "unauthorized"
        case .badRequest: result = "bad_request"
        case .contentTooLarge: result = "too_large"
        case .conflict: result = "replayed"
        default: result = status ?? code.reasonPhrase.lowercased()
        }
        metrics.webhookAnswered(provider: provider.name, code: code.code, result: result)
        return DashboardReply(status: status ?? code.reasonPhrase.lowercased(), reason: reason).response(code)
    }
}

/// The JSON body of every dashboard answer: `{"status": "...", "reason": "..."}`.
struct DashboardReply: Encodable {
    var status: String
    var reason: String?

    func response(_ code: HTTPResponse.Status) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers.append(.init(name: .contentType, value: "application/json"))
        return Response(status: code, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
