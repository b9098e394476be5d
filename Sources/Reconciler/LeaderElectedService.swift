import Logging
import OCMClient
import ServiceLifecycle

/// Runs a service only while this process holds the leader Lease, so two `placer run` replicas never both
/// reconcile (and so never both write to Git or the hub).
///
/// The standby campaigns until the Lease is free or expired. A leader that loses the Lease has its service
/// cancelled before any other replica may take over (the elector's renew deadline is shorter than the lease
/// duration); it then ends with ``LeadershipLost``, like client-go controllers exit on lost leadership, and its
/// supervisor restarts it as a fresh standby.
public struct LeaderElectedService: Service {
    let elector: LeaderElector
    let service: any Service
    let logger: Logger

    /// - Parameters:
    ///   - elector: the Lease campaign.
    ///   - service: the work only the leader does (the reconcile loop).
    public init(elector: LeaderElector, service: any Service, logger: Logger = Logger(label: "placer.leader")) {
        self.elector = elector
        self.service = service
        self.logger = logger
    }

    public func run() async throws {
        let service = self.service
        let logger = self.logger
        try await cancelWhenGracefulShutdown {
            try await elector.run(onStartedLeading: {
                logger.info("leading: reconciling", metadata: ["identity": "\(elector.identity)"])
                do {
                    try await service.run()
                } catch {
                    logger.error("leader's service ended: \(error)")
                }
            })
        }
        // `run` returns after leading ended; when it ended by shutdown, that is a normal stop.
        if Task.isCancelled || Task.isShuttingDownGracefully { return }
        throw LeadershipLost(identity: elector.identity)
    }

    /// This replica stopped leading without being asked to stop.
    public struct LeadershipLost: Error, CustomStringConvertible {
        public var identity: String
        public var description: String {
            "lost leadership of the Placer lease (identity \(identity)); exiting so a fresh standby can start"
        }
    }
}
