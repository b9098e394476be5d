import Foundation

/// What one `placer agent` does, for one managed cluster.
public struct AgentConfiguration: Sendable, Equatable {
    /// The managed cluster's name.
    public var cluster: String
    /// The cluster namespace on the hub where scores and round messages go (default: the cluster's name, as OCM
    /// names it).
    public var namespace: String
    /// Seconds between readings (and score refreshes).
    public var intervalSeconds: Double
    /// How far ahead the forecast looks, in seconds (PDLC's decision horizon; default 15 min).
    public var horizonSeconds: Double
    /// The prediction interval's probability; the score uses its upper bound (default 0.9).
    public var coverage: Double
    /// How long a published score stays valid, in seconds (default three intervals, so one missed refresh does
    /// not expire it but a dead agent's score does).
    public var validitySeconds: Double
    /// How much past data to read at start-up, in seconds (default 1 h).
    public var historySeconds: Double
    /// The forecaster's name (`ForecasterRegistry`), e.g. `holt` or a federated model.
    public var forecaster: String

    public init(
        cluster: String, namespace: String? = nil, intervalSeconds: Double = 30, horizonSeconds: Double = 900,
        coverage: Double = 0.9, validitySeconds: Double? = nil, historySeconds: Double = 3600,
        forecaster: String = "holt"
    ) {
        self.cluster = cluster
        self.namespace = namespace ?? cluster
        self.intervalSeconds = intervalSeconds
        self.horizonSeconds = horizonSeconds
        self.coverage = coverage
        self.validitySeconds = validitySeconds ?? 3 * intervalSeconds
        self.historySeconds = historySeconds
        self.forecaster = forecaster
    }

    /// The owner label value of what this agent writes: `agent-<cluster>`, cut to a label value's 63 characters.
    public var owner: String {
        var value = String("agent-\(cluster)".prefix(63))
        while let last = value.last, !(last.isLetter || last.isNumber) { value.removeLast() }
        return value
    }
}
