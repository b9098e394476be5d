/// Errors of the EdgeSim hub's own API (request errors are answered over HTTP as Kubernetes Status bodies).
public enum EdgeSimError: Error, Sendable, Equatable, CustomStringConvertible {
    /// ``EdgeSimHub/start()`` was called on a hub that is already running.
    case alreadyStarted
    /// The server ended before it listened.
    case stoppedBeforeListening
    /// ``EdgeSimHub/seed(_:)`` was given an object the hub cannot store.
    case invalidSeed(String)
    /// ``EdgeSimHub/setClusterAvailable(_:_:)`` was given a ManagedCluster the hub does not hold.
    case notFound(String)

    public var description: String {
        switch self {
        case .alreadyStarted: return "the EdgeSim hub is already started"
        case .stoppedBeforeListening: return "the EdgeSim hub stopped before it listened"
        case .invalidSeed(let message): return "cannot seed the EdgeSim hub: \(message)"
        case .notFound(let name): return "the EdgeSim hub has no ManagedCluster \"\(name)\""
        }
    }
}
