/// Why a secure-aggregation step was refused. ``description`` says it in words.
public enum SecureAggregationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A message of another round.
    case wrongRound(expected: String, got: String)
    /// A message from or about a client that is not (or no longer) in the round.
    case unknownClient(String)
    /// A second message of the same phase from one client.
    case duplicate(String)
    /// A step called out of order (`expected` is the phase that may run now).
    case wrongPhase(expected: String, got: String)
    /// Fewer clients than the threshold are left: the sum cannot be recovered (more than a third dropped out).
    case tooFewClients(phase: String, have: Int, need: Int, of: Int)
    /// A value outside the fixed-point range.
    case outOfRange(index: Int, value: Double, limit: Double)
    /// A ciphertext that does not open (wrong key, tampered, or not for this client).
    case decryptionFailed(from: String)
    /// Anything else malformed (lengths, keys, shares).
    case malformed(String)

    public var description: String {
        switch self {
        case .wrongRound(let expected, let got): "message of round \(got), this is round \(expected)"
        case .unknownClient(let client): "client \(client) is not in this phase of the round"
        case .duplicate(let client): "second message from \(client) in one phase"
        case .wrongPhase(let expected, let got): "\(got) called while the round is at \(expected)"
        case .tooFewClients(let phase, let have, let need, let of):
            "\(phase): only \(have) of \(of) clients left, \(need) needed to recover the sum (more than a third dropped out); the round is abandoned and no sum is revealed"
        case .outOfRange(let index, let value, let limit):
            "coordinate \(index) = \(value) is outside the fixed-point range ±\(limit)"
        case .decryptionFailed(let from): "the key shares from \(from) do not decrypt"
        case .malformed(let reason): reason
        }
    }
}
