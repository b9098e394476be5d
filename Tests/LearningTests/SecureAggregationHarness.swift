import Foundation
import Learning

/// Runs one secure-aggregation round in process, as the agents and the leader would over the hub: every message
/// goes through JSON (as it would in a hub object), and every byte the coordinator receives is recorded.
struct SecureAggregationHarness {
    /// Clients that vanish before sending their phase's message.
    var dropBeforeShareKeys: Set<String> = []
    var dropBeforeMaskedInput: Set<String> = []
    var dropBeforeUnmask: Set<String> = []
    /// Everything the coordinator was sent, in order.
    private(set) var received = Data()

    /// Runs the round.
    /// - Returns: the coordinator's sum.
    /// - Throws: whatever a step throws (the coordinator's refusal when too many dropped).
    mutating func run(round: SecureAggregation.Round, inputs: [String: [Double]]) throws -> [Double] {
        var coordinator = SecureAggregationCoordinator(round: round)
        var clients = try round.participants.map { try SecureAggregationClient(round: round, client: $0) }
        for client in clients { try coordinator.receive(try carry(client.advertise())) }
        let directory = try carry(try coordinator.keyDirectory(), toCoordinator: false)
        for index in clients.indices where !dropBeforeShareKeys.contains(clients[index].client) {
            try coordinator.receive(try carry(try clients[index].shareKeys(directory)))
        }
        let deliveries = try coordinator.shareDeliveries()
        for index in clients.indices {
            let name = clients[index].client
            guard !dropBeforeShareKeys.contains(name), !dropBeforeMaskedInput.contains(name),
                let delivery = deliveries[name]
            else { continue }
            let input = inputs[name] ?? Array(repeating: 0, count: round.dimension)
            try coordinator.receive(
                try carry(try clients[index].maskedInput(input, try carry(delivery, toCoordinator: false))))
        }
        let request = try carry(try coordinator.unmaskRequest(), toCoordinator: false)
        for index in clients.indices where request.survivors.contains(clients[index].client) {
            guard !dropBeforeUnmask.contains(clients[index].client) else { continue }
            try coordinator.receive(try carry(try clients[index].unmask(request)))
        }
        return try coordinator.sum()
    }

    /// Round-trips a message through JSON; records it when it goes to the coordinator.
    private mutating func carry<M: Codable>(_ message: M, toCoordinator: Bool = true) throws -> M {
        let bytes = try JSONEncoder().encode(message)
        if toCoordinator { received.append(bytes) }
        return try JSONDecoder().decode(M.self, from: bytes)
    }
}
