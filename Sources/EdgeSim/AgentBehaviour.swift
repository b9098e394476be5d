/// How the simulated work agent of one managed cluster treats the ManifestWorks in its namespace.
public enum AgentBehaviour: Sendable, Equatable {
    /// Applies every work after the hub's ``HubConfiguration/agentDelay`` and reports it Applied and Available.
    case healthy
    /// Like ``healthy`` but after `delay`.
    case delayed(Duration)
    /// Reports every work failed: `Applied=False` (reason `AppliedManifestWorkFailed`) and `Available=False`,
    /// after the hub's agent delay.
    case failing
    /// Writes no status at all (a cluster whose agent is down or cannot reach the hub).
    case offline
}
