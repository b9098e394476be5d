import Foundation

/// What one federated round did, for the leader's log, the demo's line per round and the status ConfigMap.
public struct RoundSummary: Codable, Sendable, Equatable {
    /// Round number, from 1.
    public var round: Int
    /// Clusters sampled into the round (Poisson sampling with probability q).
    public var sampled: [String]
    /// Clusters whose masked update is in the sum.
    public var aggregated: [String]
    /// Clusters that dropped out mid-round (answered a phase, then went silent).
    public var dropped: [String]
    /// The privacy spent after this round.
    public var privacy: PrivacyStatus
    /// Why the round released no model (too few agents, budget spent), nil when it did.
    public var skipped: String?

    public init(
        round: Int, sampled: [String], aggregated: [String], dropped: [String], privacy: PrivacyStatus,
        skipped: String? = nil
    ) {
        self.round = round
        self.sampled = sampled
        self.aggregated = aggregated
        self.dropped = dropped
        self.privacy = privacy
        self.skipped = skipped
    }

    /// `round 3: 5 clients, 1 dropped, ε=0.84 δ=1e-05 rounds=3 (budget 4)`.
    public var line: String {
        if let skipped { return "round \(round): skipped (\(skipped)); \(privacy.summary)" }
        return "round \(round): \(aggregated.count) clients, \(dropped.count) dropped"
            + (dropped.isEmpty ? "" : " (\(dropped.joined(separator: ", ")))") + ", \(privacy.summary)"
    }
}
