import AppModel

/// An app with what every filter and score needs resolved once per app: user zones as zone indices, its current
/// cluster's index, and the channel bounds to peers already placed this cycle (``CycleState/prepare(_:)``).
public struct PreparedApp: Sendable {
    /// A CAM channel bound between this app and a peer placed earlier in the cycle.
    public struct ChannelBound: Sendable {
        /// The peer app (folder name or CAM appName, as the channel names it).
        public var peer: String
        /// Index of the peer's cluster.
        public var peerCluster: Int
        /// Zone index of the peer's cluster.
        public var peerZone: Int
        /// CAM `maxDelay`, in ms.
        public var maxDelayMilliseconds: Double?
        /// CAM `minBandwidth`, converted to Mbit/s.
        public var minBandwidthMegabitsPerSecond: Double?
    }

    public let app: Application
    /// Indices (``FleetIndex/zoneIndex``) of the app's user zones, aligned with `app.userZones`; −1 when unknown.
    public let userZones: [Int]
    /// Index of the cluster the app runs on now, if any.
    public let currentIndex: Int?
    public let channels: [ChannelBound]
}
