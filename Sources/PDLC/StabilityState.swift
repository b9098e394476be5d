/// What PDLC remembers between evaluations so that apps do not flap: per app, the cluster challenging its
/// current one, how many evaluations in a row it has won, and when the app last moved.
///
/// The engine stays pure: callers pass the state in and keep the one returned
/// (``PlacementEngine/decide(apps:clusters:policy:current:fixed:stability:nowSeconds:detail:explainingFully:)``).
public struct StabilityState: Sendable, Codable, Hashable {
    /// One app's memory.
    public struct Entry: Sendable, Codable, Hashable {
        /// The cluster that beat the current one by at least `minScoreGain` in the last evaluation.
        public var challenger: String?
        /// Consecutive evaluations `challenger` has won.
        public var wins: Int
        /// When the app last moved, in seconds on the caller's clock; `nil` if never seen moving.
        public var lastMoveSeconds: Double?
        /// The saturated cluster the app was last moved off to relieve it (``Saturation``), at `lastMoveSeconds`;
        /// for ``PlacementEngine/saturationSettleSeconds`` after that move its requests are deducted from the
        /// cluster's measured use, which may still contain the app. `nil` after any other move.
        public var shedFrom: String?

        /// - Parameters:
        ///   - challenger: the cluster that won the last evaluation, if any.
        ///   - wins: consecutive evaluations it has won.
        ///   - lastMoveSeconds: when the app last moved, in seconds on the caller's clock.
        ///   - shedFrom: the saturated cluster that move relieved.
        public init(challenger: String? = nil, wins: Int = 0, lastMoveSeconds: Double? = nil, shedFrom: String? = nil) {
            self.challenger = challenger
            self.wins = wins
            self.lastMoveSeconds = lastMoveSeconds
            self.shedFrom = shedFrom
        }
    }

    /// Per app name.
    public var apps: [String: Entry]

    public init(apps: [String: Entry] = [:]) { self.apps = apps }
}
