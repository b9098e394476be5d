/// One client's model update for a federated round: the change of its local model's parameters.
///
/// `delta` has the model's length (`FederatedForecaster.parameters.count`), in the parameters' own units. Before it
/// leaves the agent it is clipped (``clipped(to:)``) and, with secure aggregation, masked: the coordinator never
/// holds one client's update, only the masked sum.
public struct ClientUpdate: Sendable, Hashable, Codable {
    /// The client (managed cluster name) the update comes from.
    public var client: String
    /// Local parameters minus the global parameters the round started from.
    public var delta: [Double]

    public init(client: String, delta: [Double]) {
        self.client = client
        self.delta = delta
    }

    /// The L2 norm of ``delta``.
    public var norm: Double { delta.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// The update scaled down to L2 norm at most `clipNorm` (unchanged when already within it): DP-FedAvg's
    /// per-user clipping, which bounds one user's contribution to the sum, its L2 sensitivity, by C.
    /// - Parameter clipNorm: C > 0.
    /// - Returns: `delta × min(1, C / ‖delta‖)`.
    public func clipped(to clipNorm: Double) -> ClientUpdate {
        let norm = self.norm
        guard norm > clipNorm, norm > 0 else { return self }
        let scale = clipNorm / norm
        return ClientUpdate(client: client, delta: delta.map { $0 * scale })
    }
}
