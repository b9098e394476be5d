/// A Git host whose push webhooks Placer accepts, with the request headers it uses.
///
/// Sources:
/// - GitHub: "Validating webhook deliveries" and "Webhook events and payloads" (`push`, `ping`),
///   https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries and
///   https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
/// - GitLab: "Webhooks" (secret token) and "Webhook events" (push events),
///   https://docs.gitlab.com/user/project/integrations/webhooks/ and
///   https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events
/// - Gitea: "Webhooks", https://docs.gitea.com/usage/repository/webhooks
public enum WebhookProvider: String, Sendable, CaseIterable {
    case github
    case gitlab
    case gitea

    /// The header that names the event.
    public var eventHeader: String {
        switch self {
        case .github: "X-GitHub-Event"
        case .gitlab: "X-Gitlab-Event"
        case .gitea: "X-Gitea-Event"
        }
    }

    /// The event header's value on a branch push.
    public var pushEvent: String {
        switch self {
        case .github, .gitea: "push"
        case .gitlab: "Push Hook"
        }
    }

    /// The header that authenticates the delivery: an HMAC-SHA256 of the raw body (GitHub: `sha256=<hex>`,
    /// Gitea: `<hex>`) or, for GitLab, the secret token itself.
    public var authenticationHeader: String {
        switch self {
        case .github: "X-Hub-Signature-256"
        case .gitlab: "X-Gitlab-Token"
        case .gitea: "X-Gitea-Signature"
        }
    }

    /// The header naming the delivery: a GUID the host keeps when it redelivers (GitHub `X-GitHub-Delivery`,
    /// GitLab `X-Gitlab-Event-UUID`, Gitea and Forgejo `X-Gitea-Delivery`). Not covered by the signature.
    public var deliveryHeader: String {
        switch self {
        case .github: "X-GitHub-Delivery"
        case .gitlab: "X-Gitlab-Event-UUID"
        case .gitea: "X-Gitea-Delivery"
        }
    }

    /// The most commits the host lists in one push payload (GitHub and GitLab: 20, newest kept by GitLab;
    /// Gitea: the instance's `[ui] FEED_MAX_COMMIT_NUM`, 5 by default, go-gitea/gitea#21379). A list this long may
    /// be truncated.
    public var commitListLimit: Int {
        switch self {
        case .github, .gitlab: 20
        case .gitea: 5
        }
    }

    /// The name in logs and reasons (`github`, `gitlab`, `gitea`).
    public var name: String { rawValue }
}
