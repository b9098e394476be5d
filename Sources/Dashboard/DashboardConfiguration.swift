/// Where the dashboard listens and how it checks webhooks.
public struct DashboardConfiguration: Sendable {
    /// The address to bind (`127.0.0.1`, `0.0.0.0`, a host name).
    public var host: String
    /// The TCP port; 0 picks a free one (read it from `DashboardServer`'s `onServerRunning`).
    public var port: Int
    /// The shared secret of all three providers' webhooks.
    public var secret: WebhookSecret
    /// Which pushes start a reconcile.
    public var filter: WebhookFilter
    /// The largest webhook body accepted, in bytes (1 MiB); larger ones get 413.
    public var maxBodyBytes: Int
    /// The recent authenticated deliveries of all three providers, shared by their handlers; a replay (same
    /// delivery id, or same body) gets 409 and no reconcile.
    public var deliveries: DeliveryMemory
    /// Whether `/hooks/*` are served (false when the server runs only for the console).
    public var servesWebhooks = true

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secret: WebhookSecret, filter: WebhookFilter,
        maxBodyBytes: Int = 1 << 20, deliveries: DeliveryMemory = DeliveryMemory()
    ) {
        self.deliveries = deliveries
        self.host = host
        self.port = port
        self.secret = secret
        self.filter = filter
        self.maxBodyBytes = maxBodyBytes
    }
}
