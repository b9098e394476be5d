import Foundation
import Learning

/// The phases of one federated round, as secure aggregation orders them (Bonawitz et al., "Practical Secure
/// Aggregation for Privacy-Preserving Machine Learning", CCS 2017, §4: AdvertiseKeys, ShareKeys,
/// MaskedInputCollection, Unmasking), then the release of the new global model.
public enum RoundPhase: String, Codable, Sendable, CaseIterable {
    /// Round 0 of the protocol: each sampled agent sends its two public keys.
    case advertiseKeys
    /// Round 1: each agent sends its Shamir shares, encrypted to each peer, for the coordinator to relay.
    case shareKeys
    /// Round 2: each agent sends its clipped update, masked.
    case maskedInput
    /// Round 3: each surviving agent sends the shares that unmask the sum (self-mask shares of survivors,
    /// key shares of the dropped).
    case unmasking
    /// The round is over: the message holds the new global model.
    case done
}

/// Coordinator → agent: written by the leader in the agent's cluster namespace (ConfigMap `placer-fl-coordinator`).
public struct CoordinatorMessage: Codable, Sendable, Equatable {
    /// Round number, from 1.
    public var round: Int
    /// What the agent is asked for now.
    public var phase: RoundPhase
    /// The current global model's parameters (the noised aggregate of the last round; the same on every cluster).
    public var globalParameters: [Double]
    /// This agent's input for the phase (the peers' messages the coordinator relays), encoded by `Learning`; empty
    /// when the phase needs none.
    public var payload: Data
    /// The privacy spent so far.
    public var privacy: PrivacyStatus
    /// When the coordinator stops waiting for this phase: agents that have not answered by then are dropped.
    public var deadline: Date

    public init(
        round: Int, phase: RoundPhase, globalParameters: [Double], payload: Data = Data(), privacy: PrivacyStatus,
        deadline: Date
    ) {
        self.round = round
        self.phase = phase
        self.globalParameters = globalParameters
        self.payload = payload
        self.privacy = privacy
        self.deadline = deadline
    }
}

/// Agent → coordinator: written by the agent in its own cluster namespace (ConfigMap `placer-fl-agent`).
///
/// Never holds a raw sample: only public keys, encrypted shares, a masked update or unmasking shares, each encoded
/// by `Learning`.
public struct AgentMessage: Codable, Sendable, Equatable {
    /// The agent's cluster.
    public var cluster: String
    /// The round and phase it answers.
    public var round: Int
    public var phase: RoundPhase
    /// The phase's message.
    public var payload: Data

    public init(cluster: String, round: Int, phase: RoundPhase, payload: Data) {
        self.cluster = cluster
        self.round = round
        self.phase = phase
        self.payload = payload
    }
}

/// The payload of ``RoundPhase/advertiseKeys``: what every sampled agent must agree on before the round.
public struct RoundStart: Codable, Sendable, Equatable {
    /// The secure-aggregation round: id, sampled participants, threshold t, dimension, fixed-point codec.
    public var secureAggregation: SecureAggregation.Round
    /// C: the L2 norm each agent clips its update to before masking.
    public var clipNorm: Double
    /// The federated model's name; an agent with another model does not take part.
    public var model: String

    public init(secureAggregation: SecureAggregation.Round, clipNorm: Double, model: String) {
        self.secureAggregation = secureAggregation
        self.clipNorm = clipNorm
        self.model = model
    }
}

/// JSON coding of the `Learning` messages carried in ``CoordinatorMessage/payload`` and ``AgentMessage/payload``.
enum RoundCoding {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data, phase: RoundPhase) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw FederationError.invalidMessage("\(phase.rawValue): not a \(type): \(error)")
        }
    }
}
