import Foundation
import Learning
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
    /// This round's secure-aggregation client (fresh keys and seed per round) and settings.
    private var session: (client: SecureAggregationClient, start: RoundStart, round: Int)?

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
        try await take(try await transport.coordinatorMessage(namespace: namespace), part: model)
    }

    /// Acts on `message` (the coordinator's message as read from the hub, nil when there is none).
    mutating func take(_ message: CoordinatorMessage?, part model: MetricModel) async throws -> [Double]? {
        guard let message else { return nil }
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

    /// This agent's message for the coordinator's phase, nil when it does not take part (another model, or no
    /// session for this round).
    /// - Throws: ``FederationError`` for a payload that is not the phase's message; `SecureAggregationError` when
    ///   the coordinator's message breaks the protocol (too few clients, out of order).
    mutating func respond(to message: CoordinatorMessage, model: MetricModel) throws -> Data? {
        switch message.phase {
        case .advertiseKeys:
            let start = try RoundCoding.decode(RoundStart.self, message.payload, phase: message.phase)
            guard start.model == model.forecaster.name, model.forecaster is any FederatedForecaster else {
                session = nil
                return nil
            }
            let client = try SecureAggregationClient(round: start.secureAggregation, client: cluster)
            session = (client, start, message.round)
            return try RoundCoding.encode(client.advertise())
        case .shareKeys:
            guard var current = session, current.round == message.round else { return nil }
            let directory = try RoundCoding.decode(
                SecureAggregation.KeyDirectory.self, message.payload, phase: message.phase)
            let shares = try current.client.shareKeys(directory)
            session = current
            return try RoundCoding.encode(shares)
        case .maskedInput:
            guard var current = session, current.round == message.round,
                let federated = model.forecaster as? any FederatedForecaster
            else { return nil }
            let delivery = try RoundCoding.decode(
                SecureAggregation.ShareDelivery.self, message.payload, phase: message.phase)
            let global = message.globalParameters
            let local = federated.locallyTrained(from: global)
            guard local.count == global.count else {
                throw FederationError.invalidMessage("model has \(local.count) parameters, global \(global.count)")
            }
            // DP-FedAvg: the update is clipped here, before masking, so the sum's sensitivity is C.
            let update = ClientUpdate(client: cluster, delta: zip(local, global).map { $0 - $1 })
                .clipped(to: current.start.clipNorm)
            let masked = try current.client.maskedInput(update.delta, delivery)
            session = current
            return try RoundCoding.encode(masked)
        case .unmasking:
            guard var current = session, current.round == message.round else { return nil }
            let request = try RoundCoding.decode(
                SecureAggregation.UnmaskRequest.self, message.payload, phase: message.phase)
            let response = try current.client.unmask(request)
            session = nil  // the round's secrets are spent
            return try RoundCoding.encode(response)
        case .done:
            return nil
        }
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
