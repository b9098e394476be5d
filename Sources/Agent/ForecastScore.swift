import Foundation
import PDLC

/// The forecast headroom an agent publishes as OCM AddOnPlacementScore values.
///
/// Headroom is the share of capacity still free at the forecast's upper bound: `1 − upper / capacity`, clamped to
/// 0…1. OCM scores range over −100…100 (AddOnPlacementScore API, `status.scores[].value`), so the score is
/// `round(200 × headroom − 100)`: −100 when the upper bound fills the cluster, 100 when the cluster is forecast idle.
/// PDLC's AddOnScore plugin maps the mean back to 0…100.
public enum ForecastScore {
    /// The AddOnPlacementScore object's name (`placer-forecast`; OCM's own add-on uses `resource-usage-score`).
    public static let objectName = "placer-forecast"
    /// Score names: cpu and memory headroom.
    public static let cpuScore = "cpuHeadroom"
    public static let memoryScore = "memoryHeadroom"

    /// The score for a forecast upper bound `upper` against `capacity` (same unit).
    /// - Returns: −100…100; nil when the capacity is unknown or not positive.
    public static func value(upper: Double, capacity: Double?) -> Int32? {
        guard let capacity, capacity > 0, upper.isFinite else { return nil }
        let headroom = min(1, max(0, 1 - upper / capacity))
        return Int32((200 * headroom - 100).rounded())
    }
}
