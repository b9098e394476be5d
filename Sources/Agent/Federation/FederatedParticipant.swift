import Foundation
import Logging
import PDLC

/// An agent's side of the federated rounds: it reads the coordinator's message in its own cluster namespace,
/// answers the phase it asks for once, and takes the new global model when a round is done.
///
/// What it sends (``AgentMessage``) is only ever public keys, encrypted shares, its clipped update masked, or
/// unmasking shares: never a sample of the local series.
public struct FederatedParticipant: Sendable {
    public let cluster: String
    public let namespace: String
    let transport: RoundTransport
    /// The privacy spent, as the coordinator last published it.
    public private(set) var privacy: PrivacyStatus?
    /// The last global model round taken, and the last (round, phase) answered.
    public private(set) var adoptedRound = 0
    private var answered: (round: Int, phase: RoundPhase)?

    public init(cluster: String, namespace: String, transport: RoundTransport) {
        self.cluster = cluster
        self.namespace = namespace
        self.transport = transport
    }

    /// Looks at the coordinator's message and acts on it.
    /// - Parameter model: the agent's cpu model (its forecaster trains the update).
    /// - Returns: the new global parameters when a round finished since the last call.
    /// - Throws: ``KubeError`` or a round error; the agent then misses this phase (the coordinator drops it).
    public mutating func take(part model: MetricModel) async throws -> [Double]? {
        guard let message = try await transport.coordinatorMessage(namespace: namespace) else { return nil }
        privacy = message.privacy
        if message.phase == .done {
            guard message.round > adoptedRound else { return nil }
            adoptedRound = message.round
            return message.globalParameters
        }
        if let answered, answered.round == message.round, answered.phase == message.phase { return nil }
        guard let payload = try respond(to: message, model: model) else { return nil }
        try await transport.send(
            AgentMessage(cluster: cluster, round: message.round, phase: message.phase, payload: payload),
            namespace: namespace)
        answered = (message.round, message.phase)
        return nil
    }

    /// This agent's message for the coordinator's phase.
    mutating func respond(to message: CoordinatorMessage, model: MetricModel) throws -> Data? {
        throw FederationError.unavailable("secure aggregation (Learning) is not linked yet")
    }
}

/// Why a federated round could not go on.
public enum FederationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A part the round needs is missing.
    case unavailable(String)
    /// A message did not decode or does not fit the round.
    case invalidMessage(String)
    /// Too many agents dropped for the sum to be recovered (more than the threshold allows).
    case tooManyDropped(survivors: Int, threshold: Int)

    public var description: String {
        switch self {
        case .unavailable(let what): return "federated learning unavailable: \(what)"
        case .invalidMessage(let why): return "invalid round message: \(why)"
        case .tooManyDropped(let survivors, let threshold):
            return "round abandoned: \(survivors) agents left, \(threshold) needed to unmask the sum"
        }
    }
}
