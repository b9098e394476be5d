/// The newest forecast errors (actual − forecast) of one horizon, for empirical intervals and the recent error.
struct ResidualWindow: Sendable, Hashable {
    /// How many errors are kept.
    let capacity: Int
    private(set) var errors: [Double] = []
    /// Where the next error goes once the window is full.
    private var next = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { errors.count }

    mutating func append(_ error: Double) {
        if errors.count < capacity {
            errors.append(error)
        } else {
            errors[next] = error
            next = (next + 1) % capacity
        }
    }

    mutating func removeAll() {
        errors = []
        next = 0
    }

    /// The root mean square error; 0 when empty.
    var rootMeanSquare: Double {
        errors.isEmpty ? 0 : (errors.reduce(0) { $0 + $1 * $1 } / Double(errors.count)).squareRoot()
    }

    /// The `p`-quantile (0…1) of the errors, linearly interpolated between order statistics (Hyndman & Fan,
    /// "Sample quantiles in statistical packages", The American Statistician 50(4), 1996, definition 7).
    /// - Returns: 0 when empty.
    func quantile(_ p: Double) -> Double {
        guard !errors.isEmpty else { return 0 }
        let sorted = errors.sorted()
        let position = min(max(p, 0), 1) * Double(sorted.count - 1)
        let lower = Int(position)
        let upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (position - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
