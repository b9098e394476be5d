/// CODECO QoS class of an app; higher classes are placed first.
public enum QoSClass: String, Sendable, Hashable, CaseIterable, Comparable {
    case gold = "Gold"
    case silver = "Silver"
    case bestEffort = "BestEffort"

    /// Placement order: Gold before Silver before BestEffort.
    public var rank: Int {
        switch self {
        case .gold: return 0
        case .silver: return 1
        case .bestEffort: return 2
        }
    }

    public static func < (lhs: QoSClass, rhs: QoSClass) -> Bool { lhs.rank < rhs.rank }
}

/// CODECO security class, ordered from `none` (0) to `high` (4).
public enum SecurityClass: String, Sendable, Hashable, CaseIterable {
    case high = "High", good = "Good", medium = "Medium", low = "Low", none = "None"

    public var level: Int {
        switch self {
        case .none: return 0
        case .low: return 1
        case .medium: return 2
        case .good: return 3
        case .high: return 4
        }
    }
}

/// CODECO compliance class, ordered from `low` (1) to `high` (3).
public enum ComplianceClass: String, Sendable, Hashable, CaseIterable {
    case high = "High", medium = "Medium", low = "Low"

    public var level: Int {
        switch self {
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        }
    }
}

/// CODECO `appFailureTolerance`: how well the app tolerates infrastructure failures.
public enum FailureTolerance: String, Sendable, Hashable, CaseIterable {
    case high = "High", medium = "Medium", low = "Low"
}

/// CODECO channel `serviceClass`: the network service class a channel asks for.
public enum ServiceClass: String, Sendable, Hashable, CaseIterable {
    case bestEffort = "BESTEFFORT", assured = "ASSURED"
}
