import Foundation

/// One cluster's metric series, kept inside the agent (DESIGN.md §6: raw metrics never leave a cluster's agent).
///
/// Samples are (seconds since 1970, value) pairs, oldest first, in the metric's unit (cpu cores, memory bytes).
/// At most ``capacity`` samples are kept; older ones are dropped first. Nothing here is ever written to the hub:
/// only forecasts (as AddOnPlacementScores) and clipped, noised, masked model updates are.
public struct LocalSeries: Sendable, Equatable {
    /// Sample times, seconds since 1970, ascending.
    public private(set) var timestamps: [Double] = []
    /// Sample values, in the metric's unit.
    public private(set) var values: [Double] = []
    /// The most samples kept (default 8 days at 1 min, enough for a day-back seasonal lag and a week of training).
    public let capacity: Int

    /// - Parameter capacity: the most samples kept, at least 2 (default 11,520: 8 days at one a minute).
    public init(capacity: Int = 8 * 24 * 60) { self.capacity = max(2, capacity) }

    /// Samples kept.
    public var count: Int { values.count }

    /// Appends a sample newer than every kept one; older or equal times are ignored (a repeated scrape).
    /// - Returns: whether the sample was kept.
    @discardableResult
    public mutating func append(timestamp: Double, value: Double) -> Bool {
        guard value.isFinite, timestamps.last.map({ timestamp > $0 }) ?? true else { return false }
        timestamps.append(timestamp)
        values.append(value)
        if values.count > capacity {
            timestamps.removeFirst(values.count - capacity)
            values.removeFirst(values.count - capacity)
        }
        return true
    }

    /// The newest sample's time, seconds since 1970.
    public var newestSeconds: Double? { timestamps.last }
}
